// Principals (users, groups, service principals) and the directory relationships that exist
// outside PIM: direct group memberships and ownerships.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "pim/domain/enum_table.h"
#include "pim/domain/ids.h"

namespace pim {

enum class PrincipalKind { kUser, kGroup, kServicePrincipal };
inline constexpr auto kPrincipalKindNames = MakeEnumTable<PrincipalKind>(
    std::pair{PrincipalKind::kUser, std::string_view("User")},
    std::pair{PrincipalKind::kGroup, std::string_view("Group")},
    std::pair{PrincipalKind::kServicePrincipal, std::string_view("ServicePrincipal")});

struct Principal {
  PrincipalId id;
  PrincipalKind kind = PrincipalKind::kUser;
  std::string display_name;
  std::string mail;                    // user principal name / e-mail; may be empty
  bool is_assignable_to_role = false;  // groups only; immutable after creation
  bool enabled = true;                 // a disabled account holds nothing (check says no)
  bool pim_managed = false;  // groups: onboarded to PIM for Groups by its first request or
                             // policy change; onboarding cannot be undone

  friend bool operator==(const Principal&, const Principal&) = default;
};

// A group relationship: `member` or `owner` (Graph `accessId`).
enum class GroupAccess { kMember, kOwner };
inline constexpr auto kGroupAccessNames =
    MakeEnumTable<GroupAccess>(std::pair{GroupAccess::kMember, std::string_view("member")},
                               std::pair{GroupAccess::kOwner, std::string_view("owner")});

// A standing (non-PIM) membership or ownership of `group` by `principal`.
struct DirectMembership {
  PrincipalId group;
  PrincipalId principal;
  GroupAccess access = GroupAccess::kMember;

  [[nodiscard]] std::string Key() const {
    return group.str() + "/" + std::string(kGroupAccessNames.Name(access)) + "/" + principal.str();
  }
  friend bool operator==(const DirectMembership&, const DirectMembership&) = default;
};

}  // namespace pim
