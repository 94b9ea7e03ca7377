#include "pim/domain/role_definition.h"

#include <set>
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "gtest/gtest.h"

namespace pim {
namespace {

TEST(BuiltInRoleDefinitionsTest, ListsTheEighteenRolesDirectoryRolesFirst) {
  struct Expected {
    std::string_view id;
    RoleKind kind;
    std::string_view display_name;
  };
  const Expected expected[] = {
      {role::kGlobalAdministrator, RoleKind::kDirectory, "Global Administrator"},
      {role::kPrivilegedRoleAdministrator, RoleKind::kDirectory, "Privileged Role Administrator"},
      {role::kUserAdministrator, RoleKind::kDirectory, "User Administrator"},
      {role::kGroupsAdministrator, RoleKind::kDirectory, "Groups Administrator"},
      {role::kIdentityGovernanceAdministrator, RoleKind::kDirectory,
       "Identity Governance Administrator"},
      {role::kDirectoryWriters, RoleKind::kDirectory, "Directory Writers"},
      {role::kHelpdeskAdministrator, RoleKind::kDirectory, "Helpdesk Administrator"},
      {role::kExchangeAdministrator, RoleKind::kDirectory, "Exchange Administrator"},
      {role::kSecurityAdministrator, RoleKind::kDirectory, "Security Administrator"},
      {role::kSecurityReader, RoleKind::kDirectory, "Security Reader"},
      {role::kApplicationAdministrator, RoleKind::kDirectory, "Application Administrator"},
      {role::kCloudApplicationAdministrator, RoleKind::kDirectory,
       "Cloud Application Administrator"},
      {role::kGlobalReader, RoleKind::kDirectory, "Global Reader"},
      {role::kDirectoryReaders, RoleKind::kDirectory, "Directory Readers"},
      {role::kOwner, RoleKind::kResource, "Owner"},
      {role::kContributor, RoleKind::kResource, "Contributor"},
      {role::kReader, RoleKind::kResource, "Reader"},
      {role::kUserAccessAdministrator, RoleKind::kResource, "User Access Administrator"},
  };
  const std::span<const RoleDefinition> roles = BuiltInRoleDefinitions();
  ASSERT_EQ(roles.size(), std::size(expected));
  for (std::size_t i = 0; i < roles.size(); ++i) {
    EXPECT_EQ(roles[i].id.str(), expected[i].id) << i;
    EXPECT_EQ(roles[i].kind, expected[i].kind) << expected[i].display_name;
    EXPECT_EQ(roles[i].display_name, expected[i].display_name);
  }
}

TEST(BuiltInRoleDefinitionsTest, EveryRoleIsBuiltInDescribedAndKeyedByALowercaseGuid) {
  std::set<std::string> ids;
  for (const RoleDefinition& r : BuiltInRoleDefinitions()) {
    EXPECT_TRUE(r.is_built_in) << r.display_name;
    EXPECT_FALSE(r.description.empty()) << r.display_name;
    EXPECT_TRUE(IsGuid(r.id.str())) << r.id;
    EXPECT_EQ(r.id.str(), absl::AsciiStrToLower(r.id.str())) << r.id;
    EXPECT_TRUE(ids.insert(r.id.str()).second) << "duplicate " << r.id;
  }
}

TEST(BuiltInRoleDefinitionsTest, ReturnsTheSameStorageOnEveryCall) {
  EXPECT_EQ(BuiltInRoleDefinitions().data(), BuiltInRoleDefinitions().data());
}

}  // namespace
}  // namespace pim
