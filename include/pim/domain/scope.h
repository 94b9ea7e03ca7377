// Scopes: where a role applies. Directory scopes are "/" (the tenant) and administrative units
// ("/administrativeUnits/{id}"). Resource scopes are ARM paths, registered explicitly as a
// tree: management groups (nested), subscriptions, resource groups, resources. Access granted
// at a scope applies at every scope below it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "pim/domain/enum_table.h"

namespace pim {

enum class ScopeKind {
  kTenant,              // "/" — the directory root, and the root of the ARM tree
  kAdministrativeUnit,  // "/administrativeUnits/{id}"
  kManagementGroup,     // "/providers/Microsoft.Management/managementGroups/{name}"
  kSubscription,        // "/subscriptions/{guid}"
  kResourceGroup,       // "/subscriptions/{guid}/resourceGroups/{name}"
  kResource,  // "/subscriptions/{guid}/resourceGroups/{name}/providers/{ns}/{type}/{name}[/...]"
};
inline constexpr auto kScopeKindNames = MakeEnumTable<ScopeKind>(
    std::pair{ScopeKind::kTenant, std::string_view("tenant")},
    std::pair{ScopeKind::kAdministrativeUnit, std::string_view("administrativeUnit")},
    std::pair{ScopeKind::kManagementGroup, std::string_view("managementgroup")},
    std::pair{ScopeKind::kSubscription, std::string_view("subscription")},
    std::pair{ScopeKind::kResourceGroup, std::string_view("resourcegroup")},
    std::pair{ScopeKind::kResource, std::string_view("resource")});

// A registered scope. `path` is canonical (see CanonicalScope); `parent` is empty only for "/".
// `spelling` is how the API shows the path (SpellScope): ARM names keep the case they were first
// registered with, as Azure shows a resource's id. Empty for scopes stored before pim kept it.
struct ScopeNode {
  std::string path;
  ScopeKind kind = ScopeKind::kTenant;
  std::string parent;
  std::string display_name;
  std::string spelling{};  // (braces: aggregate initialisers may leave it out)

  friend bool operator==(const ScopeNode&, const ScopeNode&) = default;
};

// Canonical form of a scope path used as its key: leading "//" collapsed to "/", trailing "/"
// dropped, ASCII-lowercased (ARM paths are case-insensitive). "" and "/" are the tenant root.
[[nodiscard]] std::string CanonicalScope(std::string_view path);

// Classifies a canonical path by its shape and, for resource groups and resources, derives the
// parent from the path. Management groups and subscriptions take their parent from
// registration (the tenant root by default). InvalidArgument for a path of no known shape.
struct ScopeShape {
  ScopeKind kind;
  std::optional<std::string> derived_parent;
};
[[nodiscard]] absl::StatusOr<ScopeShape> ClassifyScope(std::string_view canonical_path);

// How a scope registered as `written` (any case and slashes, classified as `kind`) is shown:
// ARM's keywords in ARM's spelling ("resourceGroups", "Microsoft.Management/managementGroups"),
// GUIDs lower-case, names and resource types as written, a provider namespace as written unless
// it was written all lower-case (then capitalised: "Microsoft.Compute"). A resource group or a
// resource begins with `parent_spelling`, so that it agrees with the scopes above it.
[[nodiscard]] std::string SpellScope(std::string_view written, ScopeKind kind,
                                     std::string_view parent_spelling);
// A best guess at the spelling of a canonical path whose registered spelling is unknown: ARM's
// keywords and capitalised namespaces; names stay lower-case.
[[nodiscard]] std::string GuessScopeSpelling(std::string_view canonical_path);

// True for the directory scope space ("/" and administrative units).
[[nodiscard]] bool IsDirectoryScopeKind(ScopeKind kind);

}  // namespace pim
