#include "pim/domain/target.h"

#include <cctype>
#include <vector>

#include "absl/hash/hash.h"
#include "gtest/gtest.h"

namespace pim {
namespace {

constexpr std::string_view kGroup = "9a1c2d3e-0000-4000-8000-00000000a001";

TEST(TargetTest, GroupTargetKeepsIdAndAccessAndHasNoScope) {
  const Target member = GroupTarget(PrincipalId(std::string(kGroup)), GroupAccess::kMember);
  EXPECT_EQ(member.kind, TargetKind::kGroup);
  EXPECT_EQ(member.object_id, kGroup);
  EXPECT_EQ(member.access, GroupAccess::kMember);
  EXPECT_EQ(member.scope, "");
  EXPECT_EQ(member.ObjectKey(), "group:9a1c2d3e-0000-4000-8000-00000000a001:member");
  EXPECT_EQ(member.Key(), member.ObjectKey());

  const Target owner = GroupTarget(PrincipalId(std::string(kGroup)), GroupAccess::kOwner);
  EXPECT_EQ(owner.ObjectKey(), "group:9a1c2d3e-0000-4000-8000-00000000a001:owner");
  EXPECT_NE(owner, member);
}

TEST(TargetTest, DirectoryRoleTargetLowercasesRoleAndDefaultsToTenantScope) {
  const Target target = DirectoryRoleTarget("62E90394-69F5-4237-9190-012177145E10");
  EXPECT_EQ(target.kind, TargetKind::kDirectoryRole);
  EXPECT_EQ(target.object_id, "62e90394-69f5-4237-9190-012177145e10");
  EXPECT_EQ(target.access, GroupAccess::kMember);
  EXPECT_EQ(target.scope, "/");
  EXPECT_EQ(target.ObjectKey(), "directoryRole:62e90394-69f5-4237-9190-012177145e10");
  EXPECT_EQ(target.Key(), "directoryRole:62e90394-69f5-4237-9190-012177145e10@/");
}

TEST(TargetTest, DirectoryRoleTargetCanonicalisesTheScope) {
  const Target target = DirectoryRoleTarget("r", "/administrativeUnits/AU1/");
  EXPECT_EQ(target.scope, "/administrativeunits/au1");
  EXPECT_EQ(target.Key(), "directoryRole:r@/administrativeunits/au1");
  EXPECT_EQ(DirectoryRoleTarget("r", "").scope, "/");
}

TEST(TargetTest, ResourceRoleTargetCanonicalisesTheScope) {
  const Target target =
      ResourceRoleTarget("8E3AF657-A8FF-443C-A75C-2FE8C4BCB635", "//Subscriptions/SUB1/");
  EXPECT_EQ(target.kind, TargetKind::kResourceRole);
  EXPECT_EQ(target.object_id, "8e3af657-a8ff-443c-a75c-2fe8c4bcb635");
  EXPECT_EQ(target.scope, "/subscriptions/sub1");
  EXPECT_EQ(target.ObjectKey(), "resourceRole:8e3af657-a8ff-443c-a75c-2fe8c4bcb635");
  EXPECT_EQ(target.Key(), "resourceRole:8e3af657-a8ff-443c-a75c-2fe8c4bcb635@/subscriptions/sub1");
}

TEST(TargetTest, SameRoleAtDifferentScopesSharesObjectKeyButNotKey) {
  const Target at_sub = ResourceRoleTarget("r", "/subscriptions/s");
  const Target at_rg = ResourceRoleTarget("r", "/subscriptions/s/resourceGroups/rg");
  EXPECT_EQ(at_sub.ObjectKey(), at_rg.ObjectKey());
  EXPECT_NE(at_sub.Key(), at_rg.Key());
  // The same id as a directory role is a different object.
  EXPECT_NE(DirectoryRoleTarget("r").ObjectKey(), at_sub.ObjectKey());
}

// TargetObject is ObjectKey() without the string: equal exactly when the keys are equal.
TEST(TargetTest, TargetObjectsAreEqualExactlyWhenObjectKeysAre) {
  const PrincipalId group{std::string(kGroup)};
  std::string upper(kGroup);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  Target role_with_access = DirectoryRoleTarget("62e90394-69f5-4237-9190-012177145e10", "/");
  role_with_access.access = GroupAccess::kOwner;  // ignored for roles, as by ObjectKey()
  const std::vector<Target> targets = {
      GroupTarget(group, GroupAccess::kMember),
      GroupTarget(group, GroupAccess::kOwner),
      GroupTarget(PrincipalId("team"), GroupAccess::kMember),
      GroupTarget(PrincipalId(upper), GroupAccess::kMember),
      DirectoryRoleTarget("62e90394-69f5-4237-9190-012177145e10", "/"),
      DirectoryRoleTarget("62e90394-69f5-4237-9190-012177145e10", "/administrativeUnits/au1"),
      role_with_access,
      ResourceRoleTarget("62e90394-69f5-4237-9190-012177145e10", "/subscriptions/s1"),
      ResourceRoleTarget("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "/subscriptions/s1"),
  };
  for (const Target& a : targets) {
    for (const Target& b : targets) {
      EXPECT_EQ(TargetObject(a) == TargetObject(b), a.ObjectKey() == b.ObjectKey())
          << a.Key() << " vs " << b.Key();
      if (a.ObjectKey() == b.ObjectKey()) {
        EXPECT_EQ(absl::HashOf(TargetObject(a)), absl::HashOf(TargetObject(b)));
      }
    }
  }
}

}  // namespace
}  // namespace pim
