// Directory changes: principals, custom role definitions and the registered scope tree.
#include "engine_fixture.h"

namespace pim::testing {
namespace {

class DirectoryTest : public EngineTest {};

TEST_F(DirectoryTest, CustomRoleDefinitionCanBeAssignedAndChecked) {
  RoleDefinition custom{RoleDefinitionId("6f1c2d3e-0000-4000-8000-0000000000c1"),
                        RoleKind::kResource, "Backup Operator", "Runs restores", false};
  ASSERT_TRUE(engine_->PutRoleDefinition(Caller::System(), custom).ok());
  const std::string sub = "/subscriptions/0d0d0d0d-0000-4000-8000-00000000d001";
  ASSERT_TRUE(engine_->RegisterScope(Caller::System(), {sub, {}, "", "Sub"}).ok());
  const PrincipalId alice = AddUser("alice");
  const Target target = ResourceRoleTarget(custom.id.str(), sub);
  ASSERT_TRUE(MakeEligible(alice, target).ok());
  ASSERT_TRUE(Activate(alice, target).ok());
  EXPECT_TRUE(Holds(alice, target));
}

TEST_F(DirectoryTest, BuiltInRoleDefinitionsCannotBeChanged) {
  RoleDefinition ga{RoleDefinitionId(std::string(role::kGlobalAdministrator)), RoleKind::kDirectory,
                    "Renamed", "", false};
  EXPECT_ERROR(engine_->PutRoleDefinition(Caller::System(), ga), absl::StatusCode::kInvalidArgument,
               code::kBadRequest);
}

TEST_F(DirectoryTest, RoleOfTheWrongKindForTheTargetIsNotFound) {
  const PrincipalId alice = AddUser("alice");
  EXPECT_ERROR(MakeEligible(alice, ResourceRoleTarget(role::kGlobalAdministrator, "/")),
               absl::StatusCode::kNotFound, code::kRoleNotFound);
  EXPECT_ERROR(MakeEligible(alice, DirectoryRoleTarget(role::kOwner)), absl::StatusCode::kNotFound,
               code::kRoleNotFound);
}

TEST_F(DirectoryTest, ScopesNeedARegisteredParentOfTheRightKind) {
  const std::string sub = "/subscriptions/0d0d0d0d-0000-4000-8000-00000000d001";
  EXPECT_ERROR(engine_->RegisterScope(Caller::System(), {sub + "/resourceGroups/rg", {}, "", "RG"}),
               absl::StatusCode::kNotFound, code::kScopeNotFound);
  ASSERT_TRUE(engine_->RegisterScope(Caller::System(), {sub, {}, "", "Sub"}).ok());
  EXPECT_TRUE(
      engine_->RegisterScope(Caller::System(), {sub + "/resourceGroups/RG", {}, "", "RG"}).ok());
  // Case-insensitive: the canonical path is lowercase.
  engine_->Read(
      [&](const State& s) { EXPECT_NE(s.FindScope(sub + "/resourcegroups/rg"), nullptr); });
  EXPECT_ERROR(engine_->RegisterScope(Caller::System(), {"/not/a/scope/shape", {}, "", "x"}),
               absl::StatusCode::kInvalidArgument, code::kBadRequest);
  EXPECT_ERROR(engine_->RegisterScope(Caller::System(), {"/administrativeUnits/au", {}, sub, "AU"}),
               absl::StatusCode::kInvalidArgument, code::kBadRequest);
}

TEST_F(DirectoryTest, AScopeKeepsTheSpellingItWasFirstRegisteredWith) {
  const std::string sub = "/subscriptions/0d0d0d0d-0000-4000-8000-00000000d001";
  ASSERT_TRUE(engine_->RegisterScope(Caller::System(), {sub, {}, "", "Sub"}).ok());
  ASSERT_TRUE(
      engine_->RegisterScope(Caller::System(), {sub + "/resourceGroups/MyRG", {}, "", "RG"}).ok());
  // Registered again in another case (a new display name): the first spelling stays.
  ASSERT_TRUE(
      engine_->RegisterScope(Caller::System(), {sub + "/RESOURCEGROUPS/myrg", {}, "", "Renamed"})
          .ok());
  // A child spelled in lower case still shows its resource group as registered.
  ASSERT_TRUE(engine_
                  ->RegisterScope(Caller::System(), {sub + "/resourcegroups/myrg/providers/"
                                                           "microsoft.web/sites/Shop",
                                                     {},
                                                     "",
                                                     "Shop"})
                  .ok());
  engine_->Read([&](const State& s) {
    const ScopeNode* rg = s.FindScope(sub + "/resourcegroups/myrg");
    ASSERT_NE(rg, nullptr);
    EXPECT_EQ(rg->spelling, sub + "/resourceGroups/MyRG");
    EXPECT_EQ(rg->display_name, "Renamed");
    const ScopeNode* site =
        s.FindScope(sub + "/resourcegroups/myrg/providers/microsoft.web/sites/shop");
    ASSERT_NE(site, nullptr);
    EXPECT_EQ(site->spelling, sub + "/resourceGroups/MyRG/providers/Microsoft.Web/sites/Shop");
    EXPECT_EQ(s.FindScope("/")->spelling, "/");
  });
}

TEST_F(DirectoryTest, PrincipalKindAndRoleAssignabilityAreImmutable) {
  const PrincipalId group = AddGroup("team", /*assignable=*/false);
  Principal changed;
  engine_->Read([&](const State& s) { changed = *s.FindPrincipal(group.str()); });
  changed.is_assignable_to_role = true;
  EXPECT_ERROR(engine_->PutPrincipal(Caller::System(), changed), absl::StatusCode::kInvalidArgument,
               code::kBadRequest);
  changed.is_assignable_to_role = false;
  changed.kind = PrincipalKind::kUser;
  EXPECT_ERROR(engine_->PutPrincipal(Caller::System(), changed), absl::StatusCode::kInvalidArgument,
               code::kBadRequest);
}

TEST_F(DirectoryTest, PrincipalIdsMustBeLowercaseGuids) {
  Principal p{PrincipalId("not-a-guid"), PrincipalKind::kUser, "x", "", false, true, false};
  EXPECT_ERROR(engine_->PutPrincipal(Caller::System(), p), absl::StatusCode::kInvalidArgument,
               code::kBadRequest);
  p.id = PrincipalId("5B2E7C10-0000-4000-8000-00000000B001");
  EXPECT_ERROR(engine_->PutPrincipal(Caller::System(), p), absl::StatusCode::kInvalidArgument,
               code::kBadRequest);
}

TEST_F(DirectoryTest, DeletingAUserRemovesWhatItHeld) {
  const PrincipalId alice = AddUser("alice");
  ASSERT_TRUE(MakeActive(alice, Helpdesk()).ok());
  ASSERT_TRUE(MakeEligible(alice, Helpdesk()).ok());
  ASSERT_TRUE(engine_->DeletePrincipal(Caller::System(), alice).ok());
  EXPECT_FALSE(Holds(alice, Helpdesk()));
  EXPECT_TRUE(engine_->SchedulesOf(alice).empty());
  EXPECT_ERROR(engine_->DeletePrincipal(Caller::System(), alice), absl::StatusCode::kNotFound,
               code::kSubjectNotFound);
}

TEST_F(DirectoryTest, ValidationOnlyRequestsChangeNothing) {
  const PrincipalId alice = AddUser("alice");
  ASSERT_TRUE(MakeEligible(alice, Helpdesk()).ok());
  const Revision before = engine_->revision();
  RequestInput in;
  in.action = RequestAction::kSelfActivate;
  in.principal = alice;
  in.target = Helpdesk();
  in.schedule_info.expiration = For(absl::Hours(1));
  in.justification = "dry run";
  in.is_validation_only = true;
  auto r = engine_->Submit(User(alice), in);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(engine_->revision(), before);
  EXPECT_FALSE(Holds(alice, Helpdesk()));
  in.schedule_info.expiration = For(absl::Hours(9));
  EXPECT_ERROR(engine_->Submit(User(alice), in), absl::StatusCode::kInvalidArgument,
               code::kPolicyValidationFailed);
}

}  // namespace
}  // namespace pim::testing
