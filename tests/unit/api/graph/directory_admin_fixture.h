// Fixture for directory administration through Graph and bulk import: the API fixture, a fake
// AccountAdmin that records every call (and whether the user existed in the directory at that
// moment, which is how the tests see the order of credential and directory changes), and a
// GraphApi that uses it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "boost/json/serialize.hpp"
#include "pim/api/account_admin.h"
#include "pim/api/graph/graph_api.h"
#include "unit/api/api_fixture.h"
#include "unit/api/graph/graph_pim_fixture.h"

namespace pim::testing {

// Passwords shorter than eight characters break its policy; SetPassword fails when told to.
class FakeAccountAdmin final : public api::AccountAdmin {
 public:
  struct Call {
    std::string method;  // "check", "set" or "forget"
    std::string id;
    std::string password;
    bool force_change = false;
    bool user_existed = false;  // whether the directory held the principal during the call
  };

  explicit FakeAccountAdmin(const Engine& engine) : engine_(engine) {}

  absl::Status CheckNewPassword(const Principal& user, std::string_view password) const override {
    calls_.push_back({"check", user.id.str(), std::string(password), false, Exists(user.id)});
    if (password.size() < 8) {
      return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest,
                   "The password must have at least 8 characters.");
    }
    return absl::OkStatus();
  }
  absl::Status SetPassword(const PrincipalId& user, std::string_view password,
                           bool force_change) override {
    calls_.push_back({"set", user.str(), std::string(password), force_change, Exists(user)});
    if (fail_set) return absl::UnavailableError("credential store unavailable");
    return absl::OkStatus();
  }
  absl::Status ForgetPrincipal(const PrincipalId& id) override {
    calls_.push_back({"forget", id.str(), "", false, Exists(id)});
    return absl::OkStatus();
  }

  const std::vector<Call>& calls() const { return calls_; }
  // The methods called, in order ("check", "set", ...).
  std::vector<std::string> Methods() const {
    std::vector<std::string> out;
    for (const Call& c : calls_) out.push_back(c.method);
    return out;
  }
  void Clear() { calls_.clear(); }

  bool fail_set = false;

 private:
  bool Exists(const PrincipalId& id) const {
    bool found = false;
    engine_.Read([&](const State& s) { found = s.FindPrincipal(id.str()) != nullptr; });
    return found;
  }

  const Engine& engine_;
  mutable std::vector<Call> calls_;
};

class DirectoryAdminApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    accounts_ = std::make_unique<FakeAccountAdmin>(*engine_);
    graph_ = std::make_unique<api::GraphApi>(*engine_, api::ApiOptions{}, accounts_.get());
  }

  // A user holding `role` permanently and actively at "/".
  PrincipalId AdminWith(std::string_view role) {
    const PrincipalId admin = AddUser(std::string(role));
    EXPECT_TRUE(MakeActive(admin, DirectoryRoleTarget(role, "/")).ok());
    return admin;
  }
  Caller As(std::string_view role) { return User(AdminWith(role)); }

  api::HttpResponse Send(const Caller& caller, std::string method, const std::string& target,
                         std::string body = "") {
    return Call(*graph_, caller, std::move(method), target, std::move(body));
  }

  std::optional<Principal> Find(const PrincipalId& id) {
    std::optional<Principal> p;
    engine_->Read([&](const State& s) {
      if (const Principal* found = s.FindPrincipal(id.str())) p = *found;
    });
    return p;
  }
  std::size_t CountOf(PrincipalKind kind) {
    std::size_t n = 0;
    engine_->Read([&](const State& s) {
      for (const auto& [id, p] : s.principals()) n += p.kind == kind ? 1 : 0;
    });
    return n;
  }
  bool HasMembership(const PrincipalId& group, const PrincipalId& who,
                     GroupAccess access = GroupAccess::kMember) {
    bool found = false;
    engine_->Read([&](const State& s) {
      found = s.FindMembership(DirectMembership{group, who, access}.Key()) != nullptr;
    });
    return found;
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
  static std::string ErrorMessage(const api::HttpResponse& r) {
    const auto v = Json(r);
    if (!v.is_object() || !v.as_object().contains("error")) return "";
    return std::string(v.at("error").at("message").as_string());
  }

  std::unique_ptr<FakeAccountAdmin> accounts_;
  std::unique_ptr<api::GraphApi> graph_;
};

}  // namespace pim::testing
