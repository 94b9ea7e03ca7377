// eligibleChildResources: the resources below a scope on which the caller is eligible (its own
// eligible assignments, or its active groups'), filtered by resourceType and paged.
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "arm_test_base.h"
#include "gmock/gmock.h"

namespace pim::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class EligibleChildResourcesTest : public ArmTest {
 protected:
  void SetUp() override {
    ArmTest::SetUp();
    for (const char* scope : {kOtherRg, kVm}) {
      auto r = Call(*arm_, Caller::System(), "PUT", Cat("/pim/v1/resources", scope), "{}");
      ASSERT_EQ(r.status, 201) << r.body;
    }
  }
  // The ids listed for `caller` below `scope`, following every nextLink, lower-cased (pim does
  // not keep the spelling of a resource type segment such as virtualMachines).
  std::vector<std::string> Ids(const PrincipalId& caller, std::string_view scope,
                               std::string_view query = "") {
    std::vector<std::string> ids;
    std::string url = Url(scope, "eligibleChildResources", query);
    for (int page = 0; page < 10 && !url.empty(); ++page) {
      auto r = Get(User(caller), url);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      const auto v = Json(r);
      for (const auto& item : v.at("value").as_array()) {
        ids.push_back(absl::AsciiStrToLower(Str(item.at("id"))));
        EXPECT_EQ(Str(item.at("name")), ids.back().substr(ids.back().rfind('/') + 1));
      }
      const auto& next = v.at("nextLink");
      url = next.is_string() ? Str(next).substr(Str(next).find("/subscriptions")) : "";
    }
    return ids;
  }
  static constexpr char kOtherRg[] =
      "/subscriptions/0d0d0d0d-0000-4000-8000-00000000d001/resourceGroups/other";
  static constexpr char kVm[] =
      "/subscriptions/0d0d0d0d-0000-4000-8000-00000000d001/resourceGroups/app/providers/"
      "Microsoft.Compute/virtualMachines/vm1";
  // The lower-cased forms Ids() returns.
  const std::string sub_ = absl::AsciiStrToLower(kSub);
  const std::string rg_ = absl::AsciiStrToLower(kRg);
  const std::string other_rg_ = absl::AsciiStrToLower(kOtherRg);
  const std::string vm_ = absl::AsciiStrToLower(kVm);
};

TEST_F(EligibleChildResourcesTest, EligibleAtTheSubscriptionListsEverythingBelowIt) {
  EligibleOverArm(dana_, kSub);
  EXPECT_THAT(Ids(dana_, kSub), ElementsAre(rg_, vm_, other_rg_));
  auto r = Get(User(dana_), Url(kSub, "eligibleChildResources"));
  const auto first = Json(r).at("value").as_array().at(0);
  EXPECT_EQ(Str(first.at("type")), "resourcegroup");
  EXPECT_EQ(Str(first.at("name")), "app");
  // resourceType, as the SDKs and the portal filter it.
  EXPECT_THAT(Ids(dana_, kSub, "$filter=resourceType eq 'resourcegroup'"),
              ElementsAre(rg_, other_rg_));
  EXPECT_THAT(
      Ids(dana_, "", "$filter=resourceType eq 'subscription' or resourceType eq 'ResourceGroup'"),
      ElementsAre(sub_, rg_, other_rg_));
  EXPECT_THAT(Ids(dana_, kSub, "$filter=resourceType eq 'resource'"), ElementsAre(vm_));
  // Nothing below the virtual machine.
  EXPECT_THAT(Ids(dana_, kVm), IsEmpty());
}

TEST_F(EligibleChildResourcesTest, OnlyWhereTheCallerIsEligibleNow) {
  // Eligible at one resource group only: not the other.
  EligibleOverArm(dana_, kRg, "P1D");
  EXPECT_THAT(Ids(dana_, kSub), ElementsAre(rg_, vm_));
  // Someone else sees nothing, an active Owner included: this is about eligibility.
  EXPECT_THAT(Ids(owner_, kSub), IsEmpty());
  // An eligibility that has ended counts no more.
  clock_.Advance(absl::Hours(25));
  EXPECT_THAT(Ids(dana_, kSub), IsEmpty());
}

TEST_F(EligibleChildResourcesTest, EligibilityThroughAnActiveGroupCounts) {
  const PrincipalId team = AddGroup("team");
  ASSERT_TRUE(MakeEligible(team, ResourceRoleTarget(role::kReader, kOtherRg)).ok());
  EXPECT_THAT(Ids(dana_, kSub), IsEmpty());
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {team, dana_, GroupAccess::kMember}).ok());
  EXPECT_THAT(Ids(dana_, kSub), ElementsAre(other_rg_));
}

TEST_F(EligibleChildResourcesTest, PagesFollowNextLink) {
  EligibleOverArm(dana_, kSub);
  SetPageSize(1);
  auto first = Get(User(dana_), Url(kSub, "eligibleChildResources"));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(Json(first).at("value").as_array().size(), 1U);
  EXPECT_TRUE(Json(first).at("nextLink").is_string());
  EXPECT_THAT(Ids(dana_, kSub), ElementsAre(rg_, vm_, other_rg_));
}

TEST_F(EligibleChildResourcesTest, BadRequestsAreRefused) {
  EligibleOverArm(dana_, kSub);
  auto r = Get(User(dana_), Url(kSub, "eligibleChildResources", "$filter=name eq 'app'"));
  EXPECT_EQ(r.status, 400) << r.body;
  r = Get(User(dana_), Url(kSub, "eligibleChildResources", "$filter=asTarget()"));
  EXPECT_EQ(r.status, 400) << r.body;
  r = Get(User(dana_),
          Url("/subscriptions/0d0d0d0d-0000-4000-8000-00000000dfff", "eligibleChildResources"));
  EXPECT_EQ(r.status, 400) << r.body;  // as every ARM list at an unregistered scope
  EXPECT_EQ(ErrorCode(r), "ScopeNotFound");
  r = Call(*arm_, User(dana_), "POST", Url(kSub, "eligibleChildResources"), "{}");
  EXPECT_EQ(r.status, 405) << r.body;
  r = Get(User(dana_), Url(kSub, "eligibleChildResources/x"));
  EXPECT_EQ(r.status, 404) << r.body;
}

}  // namespace
}  // namespace pim::testing
