// Fixture for the Graph PIM request/schedule/instance/approval surface: the API fixture plus a
// GraphApi over its engine and helpers for the two PIM roots.
#pragma once

#include <memory>
#include <string>

#include "boost/json/serialize.hpp"
#include "pim/api/graph/graph_api.h"
#include "unit/api/api_fixture.h"

namespace pim::testing {

inline constexpr std::string_view kGroupRoot = "/v1.0/identityGovernance/privilegedAccess/group";
inline constexpr std::string_view kRoleRoot = "/v1.0/roleManagement/directory";

// Concatenates std::string_views (Debian's absl::StrCat does not take them).
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  (out.append(std::string_view(parts)), ...);
  return out;
}

class GraphPimTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    graph_ = std::make_unique<api::GraphApi>(*engine_, options_);
  }

  api::HttpResponse Get(const Caller& caller, const std::string& target) {
    return Call(*graph_, caller, "GET", target);
  }
  api::HttpResponse Post(const Caller& caller, const std::string& target, const std::string& body) {
    return Call(*graph_, caller, "POST", target, body);
  }
  api::HttpResponse Patch(const Caller& caller, const std::string& target,
                          const std::string& body) {
    return Call(*graph_, caller, "PATCH", target, body);
  }

  static std::string G(std::string_view rest) { return Cat(kGroupRoot, rest); }
  static std::string R(std::string_view rest) { return Cat(kRoleRoot, rest); }

  // A group activation body for `who` on `group` (member) for `duration`.
  static std::string GroupActivation(const PrincipalId& who, const PrincipalId& group,
                                     std::string_view duration = "PT1H",
                                     std::string_view start = "") {
    std::string schedule =
        Cat(R"({"expiration":{"type":"afterDuration","duration":")", duration, R"("}})");
    if (!start.empty()) {
      schedule = Cat(R"({"startDateTime":")", start,
                     R"(","expiration":{"type":"afterDuration","duration":")", duration, R"("}})");
    }
    return Cat(R"({"accessId":"member","principalId":")", who.str(), R"(","groupId":")",
               group.str(), R"(","action":"selfActivate","justification":"INC-1",)",
               R"("scheduleInfo":)", schedule, "}");
  }

  static std::string Str(const boost::json::value& v, std::string_view key) {
    const auto* o = v.if_object();
    if (o == nullptr) return "<not an object>";
    const auto* f = o->if_contains(boost::json::string_view(key.data(), key.size()));
    if (f == nullptr) return "<missing>";
    if (f->is_null()) return "<null>";
    if (!f->is_string()) return boost::json::serialize(*f);
    return std::string(f->get_string().data(), f->get_string().size());
  }
  static const boost::json::array& Value(const boost::json::value& v) {
    static const boost::json::array kEmpty;
    const auto* o = v.if_object();
    if (o == nullptr || !o->contains("value") || !o->at("value").is_array()) return kEmpty;
    return o->at("value").as_array();
  }
  static std::string ErrorMessage(const api::HttpResponse& r) {
    const auto v = Json(r);
    if (!v.is_object() || !v.as_object().contains("error")) return "";
    return std::string(v.at("error").at("message").as_string());
  }

  api::ApiOptions options_;
  std::unique_ptr<api::GraphApi> graph_;
};

}  // namespace pim::testing
