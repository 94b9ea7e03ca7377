#include "pim/accounts/bearer_authenticator.h"

#include <gtest/gtest.h>

#include <fstream>

#include "boost/json.hpp"
#include "pim/identity/base64url.h"
#include "pim/identity/jwt.h"
#include "pim/identity/signing_key.h"
#include "unit/accounts/accounts_fixture.h"

namespace pim::testing {
namespace {

constexpr char kExternal[] = "https://login.example.org/tenant/v2.0";

class BearerAuthenticatorTest : public TokensTest {
 protected:
  void SetUp() override {
    TokensTest::SetUp();
    std::ofstream(dir_.File("idp.jwks")) << boost::json::serialize(
        boost::json::object{{"keys", boost::json::array{idp_key_.PublicJwk()}}});
    auto issuers =
        accounts::LoadExternalIssuers(boost::json::serialize(boost::json::array{boost::json::object{
                                          {"issuer", kExternal},
                                          {"audience", boost::json::array{"api://pim", "pim"}},
                                          {"jwksFile", "idp.jwks"},
                                          {"claim", "preferred_username"},
                                          {"match", "userPrincipalName"}}}),
                                      dir_.path());
    ASSERT_TRUE(issuers.ok()) << issuers.status();
    auth_ = std::make_unique<accounts::BearerAuthenticator>(*tokens_, std::move(*issuers), *engine_,
                                                            clock_, accounts_.get());
    ada_ = AddAccount("Ada Lovelace", "ada@contoso.test");
  }

  boost::json::object ExternalClaims() {
    const int64_t now = absl::ToUnixSeconds(clock_.Now());
    return {{"iss", kExternal},
            {"aud", "pim"},
            {"iat", now},
            {"nbf", now},
            {"exp", now + 3600},
            {"auth_time", now - 60},
            {"amr", boost::json::array{"pwd", "mfa"}},
            {"acrs", boost::json::array{"c1"}},
            {"preferred_username", "ADA@contoso.test"}};
  }

  absl::StatusOr<Caller> With(const std::string& token, std::string mfa_code = "") {
    api::HttpRequest r;
    r.method = "GET";
    r.remote_address = "10.0.0.9";
    r.headers.emplace_back("authorization", "Bearer " + token);
    if (!mfa_code.empty()) r.headers.emplace_back("x-pim-mfa-code", mfa_code);
    return auth_->Authenticate(r);
  }

  identity::SigningKey idp_key_ = identity::SigningKey::Generate();
  std::unique_ptr<accounts::BearerAuthenticator> auth_;
  PrincipalId ada_;
};

TEST_F(BearerAuthenticatorTest, AcceptsOurOwnTokens) {
  accounts::UserTokenRequest req;
  req.client_id = "pimctl";
  auto t = tokens_->IssueForUser(SignedIn(ada_, false), req);
  ASSERT_TRUE(t.ok());
  auto caller = With(t->access_token);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->id, ada_);
}

TEST_F(BearerAuthenticatorTest, MapsAnExternalIssuersTokenToThePrincipal) {
  auto caller = With(identity::EncodeJwt(idp_key_, ExternalClaims()));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->id, ada_);
  EXPECT_EQ(caller->mfa_at, clock_.Now() - absl::Seconds(60));
  EXPECT_EQ(caller->authentication_contexts, std::vector<std::string>{"c1"});
}

TEST_F(BearerAuthenticatorTest, RefusesWhatItCannotTrust) {
  auto wrong_aud = ExternalClaims();
  wrong_aud["aud"] = "someone-else";
  auto unknown_user = ExternalClaims();
  unknown_user["preferred_username"] = "mallory@contoso.test";
  auto untrusted = ExternalClaims();
  untrusted["iss"] = "https://evil.example";
  auto expired = ExternalClaims();
  expired["exp"] = absl::ToUnixSeconds(clock_.Now()) - 3600;
  const identity::SigningKey stranger = identity::SigningKey::Generate();
  for (const std::string& token :
       {identity::EncodeJwt(idp_key_, wrong_aud), identity::EncodeJwt(idp_key_, unknown_user),
        identity::EncodeJwt(idp_key_, untrusted), identity::EncodeJwt(idp_key_, expired),
        identity::EncodeJwt(stranger, ExternalClaims()), std::string("not-a-jwt"),
        std::string(20000, 'a')}) {
    EXPECT_ERROR(With(token), absl::StatusCode::kUnauthenticated, api::kInvalidAuthenticationToken);
  }
  api::HttpRequest none;
  EXPECT_ERROR(auth_->Authenticate(none), absl::StatusCode::kUnauthenticated,
               api::kInvalidAuthenticationToken);
  none.headers.emplace_back("authorization", "Basic YTpi");
  EXPECT_ERROR(auth_->Authenticate(none), absl::StatusCode::kUnauthenticated,
               api::kInvalidAuthenticationToken);
}

TEST_F(BearerAuthenticatorTest, UnsignedTokensAreRefused) {
  const std::string header = identity::Base64UrlEncode(R"({"alg":"none","typ":"JWT"})");
  const std::string payload = identity::Base64UrlEncode(boost::json::serialize(ExternalClaims()));
  EXPECT_FALSE(With(header + "." + payload + ".").ok());
}

TEST_F(BearerAuthenticatorTest, AStepUpCodeCountsAsMfaNowAndWorksOnce) {
  const auto [key, recovery] = EnrolTotp(ada_);
  accounts::UserTokenRequest req;
  req.client_id = "pimctl";
  auto t = tokens_->IssueForUser(SignedIn(ada_, false), req);
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(With(t->access_token)->mfa_at.has_value());
  const std::string code = CodeAt(key, clock_.Now());
  auto stepped = With(t->access_token, code);
  ASSERT_TRUE(stepped.ok()) << stepped.status();
  EXPECT_EQ(stepped->mfa_at, clock_.Now());
  EXPECT_ERROR(With(t->access_token, code), absl::StatusCode::kUnauthenticated,
               accounts::kInvalidTotpCode);
}

TEST_F(BearerAuthenticatorTest, TrustedIssuersFileIsValidated) {
  EXPECT_FALSE(accounts::LoadExternalIssuers("{}", dir_.path()).ok());
  EXPECT_FALSE(accounts::LoadExternalIssuers(R"([{"issuer":"x","jwksFile":"idp.jwks"}])",
                                             dir_.path())
                   .ok());  // no audience
  EXPECT_FALSE(accounts::LoadExternalIssuers(
                   R"([{"issuer":"x","audience":"a","jwksFile":"missing.jwks"}])", dir_.path())
                   .ok());
  EXPECT_FALSE(
      accounts::LoadExternalIssuers(
          R"([{"issuer":"x","audience":"a","jwksFile":"idp.jwks","match":"email"}])", dir_.path())
          .ok());
}

}  // namespace
}  // namespace pim::testing
