// The whole request path in one process — pimd's token issuer and sign-in endpoints, the
// bearer authenticator, the dispatcher and both API surfaces — over the engine fixture's
// in-memory store and manual clock. Each attack test asserts its status and that nothing
// changed: the engine's revision (every change, and so every audit record, bumps it) and the
// count of change records stay put.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "boost/json.hpp"
#include "pim/accounts/bearer_authenticator.h"
#include "pim/api/api_service.h"
#include "pim/api/oidc/oidc_api.h"
#include "pim/identity/base64url.h"
#include "pim/identity/jwt.h"
#include "unit/accounts/accounts_fixture.h"

namespace pim::testing {

class SecurityTest : public TokensTest {
 protected:
  void SetUp() override {
    TokensTest::SetUp();
    auth_ = std::make_unique<accounts::BearerAuthenticator>(
        *tokens_, std::vector<accounts::ExternalIssuer>{}, *engine_, clock_, accounts_.get());
    oidc_ = std::make_unique<api::OidcApi>(*accounts_, *tokens_, clock_);
    service_ =
        std::make_unique<api::ApiService>(*engine_, *store_, clock_, *auth_, api::ApiOptions{},
                                          nullptr, oidc_.get(), accounts_.get());
  }

  // Signs `who` in with the password grant (and TOTP `otp` when given); the access token.
  std::string SignIn(const std::string& user_name, const std::string& otp = "") {
    auto r = Form("/oauth2/token", "grant_type=password&client_id=pimctl&username=" + user_name +
                                       "&password=correct+horse+battery+staple" +
                                       (otp.empty() ? "" : "&otp=" + otp));
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return "";
    return std::string(boost::json::parse(r.body).at("access_token").as_string());
  }

  api::HttpResponse Send(const std::string& method, const std::string& target,
                         const std::string& token, const std::string& body = "",
                         std::vector<std::pair<std::string, std::string>> headers = {}) {
    api::HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = body;
    r.base_url = "https://pim.test:8443";
    r.remote_address = "203.0.113.7";
    r.request_id = "sec-1";
    r.headers = std::move(headers);
    if (!token.empty()) r.headers.emplace_back("authorization", "Bearer " + token);
    if (!body.empty()) r.headers.emplace_back("content-type", "application/json");
    return service_->Handle(r);
  }

  api::HttpResponse Form(const std::string& target, const std::string& body) {
    return Send("POST", target, "", body, {{"content-type", "application/x-www-form-urlencoded"}});
  }

  // A token signed with pimd's current key carrying `claims` (for claim-level attacks).
  std::string Signed(const boost::json::object& claims) {
    return identity::EncodeJwt(keys_->current(), claims);
  }

  boost::json::object ValidClaims(const PrincipalId& who) {
    const int64_t now = absl::ToUnixSeconds(clock_.Now());
    return {{"iss", kIssuer},   {"aud", "api://pim"}, {"sub", who.str()},
            {"oid", who.str()}, {"tid", kTenant},     {"iat", now},
            {"nbf", now},       {"exp", now + 600},   {"amr", boost::json::array{"pwd", "mfa"}},
            {"auth_time", now}};
  }

  static std::string ErrorCodeOf(const api::HttpResponse& r) {
    boost::system::error_code ec;
    const auto v = boost::json::parse(r.body, ec);
    if (ec || !v.is_object()) return "";
    if (const auto* e = v.as_object().if_contains("error"); e != nullptr) {
      if (e->is_string()) return std::string(e->as_string());  // OAuth
      if (e->is_object() && e->as_object().contains("code")) {
        return std::string(e->at("code").as_string());
      }
    }
    return "";
  }

  // What must not change when an attack is refused.
  struct Snapshot {
    Revision revision;
    size_t changes;
  };
  Snapshot Take() {
    auto changes = store_->ReadChanges(0, 1'000'000);
    return {engine_->revision(), changes.ok() ? changes->size() : 0};
  }
  void ExpectUnchanged(const Snapshot& before) {
    const Snapshot after = Take();
    EXPECT_EQ(after.revision, before.revision);
    EXPECT_EQ(after.changes, before.changes);
  }

  std::unique_ptr<accounts::BearerAuthenticator> auth_;
  std::unique_ptr<api::OidcApi> oidc_;
  std::unique_ptr<api::ApiService> service_;
};

}  // namespace pim::testing
