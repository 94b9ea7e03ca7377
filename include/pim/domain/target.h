// A target: what access is about. (group, member|owner); (directory role, directory scope);
// (resource role, ARM scope).
#pragma once

#include <string>

#include "pim/domain/enum_table.h"
#include "pim/domain/ids.h"
#include "pim/domain/principal.h"

namespace pim {

enum class TargetKind { kGroup, kDirectoryRole, kResourceRole };
inline constexpr auto kTargetKindNames = MakeEnumTable<TargetKind>(
    std::pair{TargetKind::kGroup, std::string_view("group")},
    std::pair{TargetKind::kDirectoryRole, std::string_view("directoryRole")},
    std::pair{TargetKind::kResourceRole, std::string_view("resourceRole")});

struct Target {
  TargetKind kind = TargetKind::kGroup;
  std::string object_id;                      // group id, or role definition id
  GroupAccess access = GroupAccess::kMember;  // groups only; kMember otherwise
  std::string scope;                          // canonical scope; "" for groups

  // The same target without its scope: what a policy or an index bucket is keyed by.
  [[nodiscard]] std::string ObjectKey() const;
  // Printable unique key including the scope.
  [[nodiscard]] std::string Key() const;
  friend bool operator==(const Target&, const Target&) = default;
};

// A target's object, without its scope (what ObjectKey() spells): the kind, the object id and,
// for groups, the access. Compared and hashed without formatting a string, for indexes that
// file many schedules under few objects.
struct TargetObject {
  explicit TargetObject(const Target& target);
  TargetKind kind;
  GroupAccess access;  // kMember for roles
  PackedIdText id;
  friend bool operator==(const TargetObject&, const TargetObject&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const TargetObject& o) {
    return H::combine(std::move(h), o.kind, o.access, o.id);
  }
};

[[nodiscard]] Target GroupTarget(const PrincipalId& group, GroupAccess access);
[[nodiscard]] Target DirectoryRoleTarget(std::string_view role_id, std::string_view scope = "/");
[[nodiscard]] Target ResourceRoleTarget(std::string_view role_id, std::string_view scope);

}  // namespace pim
