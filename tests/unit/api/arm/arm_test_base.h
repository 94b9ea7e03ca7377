// Fixture for the ARM surface tests: an ArmApi over the engine fixture, a registered
// subscription and resource group, an Owner at the subscription, and helpers that build the
// bodies the @azure/arm-authorization client sends.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "boost/json/value.hpp"
#include "pim/api/arm/arm_api.h"
#include "unit/api/api_fixture.h"
#include "unit/engine/approval_helpers.h"

namespace pim::testing {

// Concatenates strings, string views and literals (Debian's absl::StrCat takes no
// std::string_view).
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  (out.append(std::string_view(parts)), ...);
  return out;
}

// A JSON string's text, or "<not a string>" (so a mismatch reads well in a failed expectation).
inline std::string Str(const boost::json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string("<not a string>");
}

// The member names of a JSON object.
inline std::set<std::string> Keys(const boost::json::value& v) {
  std::set<std::string> keys;
  for (const auto& kv : v.as_object()) keys.emplace(kv.key());
  return keys;
}

inline constexpr char kSubId[] = "0d0d0d0d-0000-4000-8000-00000000d001";
inline constexpr char kSub[] = "/subscriptions/0d0d0d0d-0000-4000-8000-00000000d001";
inline constexpr char kRg[] =
    "/subscriptions/0d0d0d0d-0000-4000-8000-00000000d001/resourceGroups/app";
inline constexpr char kAuth[] = "/providers/Microsoft.Authorization";
inline constexpr char kV[] = "api-version=2020-10-01";

class ArmTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    options_.page_size = 100;
    arm_ = std::make_unique<api::ArmApi>(*engine_, options_);
    auto r = Call(*arm_, Caller::System(), "PUT", Cat("/pim/v1/resources", kSub),
                  R"({"displayName": "Dev subscription"})");
    ASSERT_EQ(r.status, 201) << r.body;
    r = Call(*arm_, Caller::System(), "PUT", Cat("/pim/v1/resources", kRg),
             R"({"displayName": "App resources"})");
    ASSERT_EQ(r.status, 201) << r.body;
    owner_ = AddUser("Olga Owner");
    ASSERT_TRUE(MakeActive(owner_, ResourceRoleTarget(role::kOwner, kSub)).ok());
    dana_ = AddUser("Dana Example");
  }

  // Rebuilds the surface with `page_size`.
  void SetPageSize(int64_t page_size) {
    options_.page_size = page_size;
    arm_ = std::make_unique<api::ArmApi>(*engine_, options_);
  }

  // "{scope}/providers/Microsoft.Authorization/{rest}?api-version=2020-10-01[&{query}]".
  static std::string Url(std::string_view scope, std::string_view rest,
                         std::string_view query = "") {
    return Cat(scope, kAuth, "/", rest, "?", kV, query.empty() ? "" : "&", query);
  }
  static std::string RoleId(std::string_view scope, std::string_view guid) {
    return Cat(scope, kAuth, "/roleDefinitions/", guid);
  }

  // A request body as the JS SDK serialises it (dates with milliseconds).
  static std::string Body(const PrincipalId& who, std::string_view role_id,
                          std::string_view request_type, std::string_view expiration,
                          std::string_view start = "2026-01-05T09:00:00.000Z",
                          std::string_view extra = "") {
    return Cat(R"({"properties": {"principalId": ")", who.str(), R"(", "roleDefinitionId": ")",
               role_id, R"(", "requestType": ")", request_type,
               R"(", "justification": "Deploy hotfix", "scheduleInfo": {)",
               start.empty() ? "" : Cat(R"("startDateTime": ")", start, R"(", )"),
               R"("expiration": )", expiration, "}", extra, "}}");
  }
  static std::string ForDuration(std::string_view d) {
    return Cat(R"({"type": "AfterDuration", "endDateTime": null, "duration": ")", d, R"("})");
  }

  api::HttpResponse Put(const Caller& caller, std::string_view scope, std::string_view collection,
                        std::string_view name, const std::string& body) {
    return Call(*arm_, caller, "PUT", Url(scope, Cat(collection, "/", name)), body);
  }
  api::HttpResponse Get(const Caller& caller, const std::string& target) {
    return Call(*arm_, caller, "GET", target);
  }

  // Makes `who` eligible for Contributor at `scope` over ARM (as the Owner); returns the
  // eligibility schedule id.
  std::string EligibleOverArm(const PrincipalId& who, std::string_view scope = kSub,
                              std::string_view duration = "P365D") {
    auto r =
        Put(User(owner_), scope, "roleEligibilityScheduleRequests", NewId(),
            Body(who, RoleId(scope, role::kContributor), "AdminAssign", ForDuration(duration)));
    EXPECT_EQ(r.status, 201) << r.body;
    const auto v = Json(r);
    if (!v.is_object()) return "";
    const auto& id = v.at("properties").at("targetRoleEligibilityScheduleId");
    return id.is_string() ? std::string(id.as_string()) : "";
  }

  static Target Contributor(std::string_view scope = kSub) {
    return ResourceRoleTarget(role::kContributor, scope);
  }

  api::ApiOptions options_;
  std::unique_ptr<api::ArmApi> arm_;
  PrincipalId owner_;
  PrincipalId dana_;
};

}  // namespace pim::testing
