// Role definitions: directory (Entra) roles, keyed by template id, and Azure resource roles,
// keyed by their ARM role definition GUID. Built-ins ship with their real ids; custom
// definitions may be added.
#pragma once

#include <span>
#include <string>

#include "pim/domain/enum_table.h"
#include "pim/domain/ids.h"

namespace pim {

enum class RoleKind { kDirectory, kResource };
inline constexpr auto kRoleKindNames =
    MakeEnumTable<RoleKind>(std::pair{RoleKind::kDirectory, std::string_view("directory")},
                            std::pair{RoleKind::kResource, std::string_view("resource")});

struct RoleDefinition {
  RoleDefinitionId id;  // lowercase GUID
  RoleKind kind = RoleKind::kDirectory;
  std::string display_name;
  std::string description;
  bool is_built_in = false;

  friend bool operator==(const RoleDefinition&, const RoleDefinition&) = default;
};

namespace role {
// Entra built-in role template ids.
inline constexpr std::string_view kGlobalAdministrator = "62e90394-69f5-4237-9190-012177145e10";
inline constexpr std::string_view kPrivilegedRoleAdministrator =
    "e8611ab8-c189-46e8-94e1-60213ab1f814";
inline constexpr std::string_view kUserAdministrator = "fe930be7-5e62-47db-91af-98c3a49a38b1";
inline constexpr std::string_view kGroupsAdministrator = "fdd7a751-b60b-444a-984c-02652fe8fa1c";
inline constexpr std::string_view kIdentityGovernanceAdministrator =
    "45d8d3c5-c802-45c6-b32a-1d70b5e1e86e";
inline constexpr std::string_view kDirectoryWriters = "9360feb5-f418-4baa-8175-e2a00bac4301";
inline constexpr std::string_view kHelpdeskAdministrator = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
inline constexpr std::string_view kExchangeAdministrator = "29232cdf-9323-42fd-ade2-1d097af3e4de";
inline constexpr std::string_view kSecurityAdministrator = "194ae4cb-b126-40b2-bd5b-6091b380977d";
inline constexpr std::string_view kSecurityReader = "5d6b6bb7-de71-4623-b4af-96380a352509";
inline constexpr std::string_view kApplicationAdministrator =
    "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3";
inline constexpr std::string_view kCloudApplicationAdministrator =
    "158c047a-c907-4556-b7ef-446551a6b5f7";
inline constexpr std::string_view kGlobalReader = "f2ef992c-3afb-46b9-b7cf-a126ee74c451";
inline constexpr std::string_view kDirectoryReaders = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b";
// Azure built-in role definition ids.
inline constexpr std::string_view kOwner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
inline constexpr std::string_view kContributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";
inline constexpr std::string_view kReader = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
inline constexpr std::string_view kUserAccessAdministrator = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";
}  // namespace role

// Every built-in role definition, directory roles first.
[[nodiscard]] std::span<const RoleDefinition> BuiltInRoleDefinitions();

}  // namespace pim
