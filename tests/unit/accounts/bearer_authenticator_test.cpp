#include "pim/accounts/bearer_authenticator.h"

#include <gtest/gtest.h>

#include <fstream>

#include "boost/json.hpp"
#include "pim/identity/base64url.h"
#include "pim/identity/jwt.h"
#include "pim/identity/signing_key.h"
#include "unit/accounts/accounts_fixture.h"
#include "unit/accounts/fake_jwks_fetcher.h"

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

TEST_F(BearerAuthenticatorTest, AnObjectIdMatchNeverSignsInAsAGroupAndTrustMfaGatesAcrs) {
  auto issuers = accounts::LoadExternalIssuers(
      boost::json::serialize(boost::json::array{boost::json::object{{"issuer", kExternal},
                                                                    {"audience", "pim"},
                                                                    {"jwksFile", "idp.jwks"},
                                                                    {"trustMfa", false}}}),
      dir_.path());
  ASSERT_TRUE(issuers.ok()) << issuers.status();
  accounts::BearerAuthenticator by_oid(*tokens_, std::move(*issuers), *engine_, clock_,
                                       accounts_.get());
  auto with = [&](const boost::json::object& claims) {
    api::HttpRequest r;
    r.method = "GET";
    r.remote_address = "10.0.0.9";
    r.headers.emplace_back("authorization", "Bearer " + identity::EncodeJwt(idp_key_, claims));
    return by_oid.Authenticate(r);
  };
  auto as_ada = ExternalClaims();
  as_ada["oid"] = ada_.str();
  auto caller = with(as_ada);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->id, ada_);
  EXPECT_FALSE(caller->mfa_at.has_value());
  EXPECT_TRUE(caller->authentication_contexts.empty());  // "acrs" is not trusted either

  const PrincipalId admins = AddGroup("Admins", /*assignable=*/true);
  auto as_group = ExternalClaims();
  as_group["oid"] = admins.str();
  EXPECT_ERROR(with(as_group), absl::StatusCode::kUnauthenticated,
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
  auto error = [&](const std::string& json) {
    auto loaded = accounts::LoadExternalIssuers(json, dir_.path());
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument) << json;
    return std::string(loaded.status().message());
  };
  EXPECT_EQ(error(R"([{"issuer":"x","audience":"a"}])"),
            R"(trusted issuers: x: "jwksFile" or "jwksUri" is required)");
  EXPECT_EQ(
      error(R"([{"issuer":"x","audience":"a","jwksFile":"idp.jwks","jwksUri":"https://i/k"}])"),
      R"(trusted issuers: x: give either "jwksFile" or "jwksUri", not both)");
  EXPECT_EQ(error(R"([{"issuer":"x","audience":"a","jwksUri":"http://idp.example/keys"}])"),
            "trusted issuers: x: jwksUri must use https:// (http:// is allowed only for "
            "127.0.0.1, [::1] or localhost)");
  EXPECT_EQ(error(R"([{"issuer":"x","audience":"a","jwksUri":42}])"),
            R"(trusted issuers: x: "jwksUri" is a string)");
  EXPECT_EQ(error(R"([{"issuer":"x","audience":"a","jwksFile":"idp.jwks","caFile":"ca.pem"}])"),
            R"(trusted issuers: x: "caFile" goes only with "jwksUri")");
  EXPECT_EQ(error(R"([{"issuer":"x","audience":"a","jwksUri":"https://i/k","caFile":"no.pem"}])"),
            "trusted issuers: x: cannot read caFile " + dir_.File("no.pem"));
  EXPECT_EQ(error(R"([{"issuer":"x","audience":"a","jwksUri":"https://i/k","caFile":"idp.jwks"}])"),
            "trusted issuers: x: caFile " + dir_.File("idp.jwks") + " holds no PEM certificate");
  EXPECT_EQ(error(R"([{"issuer":"x","audience":"a","jwksFile":"idp.jwks"},
                      {"issuer":"x","audience":"b","jwksUri":"https://i/k"}])"),
            "trusted issuers: x: listed twice");

  std::ofstream(dir_.File("ca.pem")) << "-----BEGIN CERTIFICATE-----\nMIIB\n"
                                        "-----END CERTIFICATE-----\n";
  auto remote = accounts::LoadExternalIssuers(
      R"([{"issuer":"x","audience":"a","jwksUri":"https://idp.example/keys","caFile":"ca.pem"},
          {"issuer":"y","audience":"a","jwksUri":"http://127.0.0.1:8080/keys"}])",
      dir_.path());
  ASSERT_TRUE(remote.ok()) << remote.status();
  EXPECT_EQ((*remote)[0].jwks_uri, "https://idp.example/keys");
  EXPECT_EQ((*remote)[0].ca_file, dir_.File("ca.pem"));
  EXPECT_TRUE((*remote)[0].keys.empty());  // nothing is fetched while loading
  EXPECT_EQ((*remote)[1].ca_file, "");

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

// An issuer whose keys come from its jwksUri, served by a fake provider.
class RemoteIssuerTest : public TokensTest {
 protected:
  static constexpr char kRemote[] = "https://idp.remote.example/v2.0";

  void SetUp() override {
    TokensTest::SetUp();
    ada_ = AddAccount("Ada Lovelace", "ada@contoso.test");
  }

  void Build(bool with_fetcher = true) {
    auto issuers =
        accounts::LoadExternalIssuers(boost::json::serialize(boost::json::array{boost::json::object{
                                          {"issuer", kRemote},
                                          {"audience", "api://pim"},
                                          {"jwksUri", "https://idp.remote.example/discovery/keys"},
                                          {"claim", "preferred_username"},
                                          {"match", "userPrincipalName"}}}),
                                      dir_.path());
    ASSERT_TRUE(issuers.ok()) << issuers.status();
    accounts::JwksFetcherFactory factory;
    if (with_fetcher) {
      factory = [this](const accounts::ExternalIssuer& issuer) {
        fetchers_for_.push_back(issuer.issuer);
        return std::make_unique<FakeJwksFetcher>(idp_);
      };
    }
    auth_ = std::make_unique<accounts::BearerAuthenticator>(*tokens_, std::move(*issuers), *engine_,
                                                            clock_, accounts_.get(), factory);
  }

  // What pimd does at start-up.
  void FetchAtStart() {
    for (accounts::RemoteJwks* keys : auth_->remote_key_sets()) keys->RefreshIfDue();
  }

  std::string TokenBy(const identity::SigningKey& key) {
    const int64_t now = absl::ToUnixSeconds(clock_.Now());
    return identity::EncodeJwt(key, {{"iss", kRemote},
                                     {"aud", "api://pim"},
                                     {"iat", now},
                                     {"exp", now + 3600},
                                     {"preferred_username", "ada@contoso.test"}});
  }

  absl::StatusOr<Caller> With(const std::string& token) {
    api::HttpRequest r;
    r.method = "GET";
    r.remote_address = "10.0.0.9";
    r.headers.emplace_back("authorization", "Bearer " + token);
    return auth_->Authenticate(r);
  }

  FakeIdp idp_;
  std::vector<std::string> fetchers_for_;
  identity::SigningKey key1_ = identity::SigningKey::Generate();
  identity::SigningKey key2_ = identity::SigningKey::Generate();
  std::unique_ptr<accounts::BearerAuthenticator> auth_;
  PrincipalId ada_;
};

TEST_F(RemoteIssuerTest, FetchesTheKeysFromTheUrlAndVerifiesTheIssuersTokens) {
  idp_.Serve({&key1_});
  Build();
  EXPECT_EQ(fetchers_for_, std::vector<std::string>{kRemote});
  ASSERT_EQ(auth_->remote_key_sets().size(), 1u);
  EXPECT_EQ(idp_.fetches(), 0);  // the authenticator itself does not fetch
  FetchAtStart();
  EXPECT_EQ(idp_.urls(), std::vector<std::string>{"https://idp.remote.example/discovery/keys"});
  auto caller = With(TokenBy(key1_));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->id, ada_);
  EXPECT_EQ(idp_.fetches(), 1);  // known key: no fetch
}

TEST_F(RemoteIssuerTest, AKeyRotatedInAtTheProviderIsFetchedOnItsFirstToken) {
  idp_.Serve({&key1_});
  Build();
  FetchAtStart();
  clock_.Advance(absl::Seconds(30));
  idp_.Serve({&key1_, &key2_});
  auto caller = With(TokenBy(key2_));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->id, ada_);
  EXPECT_EQ(idp_.fetches(), 2);
  EXPECT_TRUE(With(TokenBy(key1_)).ok());
  EXPECT_TRUE(With(TokenBy(key2_)).ok());
  EXPECT_EQ(idp_.fetches(), 2);
}

TEST_F(RemoteIssuerTest, MadeUpKeyIdsCauseAtMostOneFetchPerThirtySeconds) {
  idp_.Serve({&key1_});
  Build();
  FetchAtStart();
  clock_.Advance(absl::Seconds(30));
  for (int i = 0; i < 50; ++i) {
    EXPECT_ERROR(With(TokenBy(identity::SigningKey::Generate())),
                 absl::StatusCode::kUnauthenticated, api::kInvalidAuthenticationToken);
    clock_.Advance(absl::Milliseconds(500));  // 25 s in all
  }
  EXPECT_EQ(idp_.fetches(), 2);
  EXPECT_TRUE(With(TokenBy(key1_)).ok());
  clock_.Advance(absl::Seconds(5));
  EXPECT_FALSE(With(TokenBy(identity::SigningKey::Generate())).ok());
  EXPECT_EQ(idp_.fetches(), 3);
}

TEST_F(RemoteIssuerTest, AFailedRefreshKeepsTheOldKeys) {
  idp_.Serve({&key1_});
  Build();
  FetchAtStart();
  idp_.Fail(absl::UnavailableError("connection refused"));
  clock_.Advance(absl::Hours(1));
  FetchAtStart();  // the scheduled refresh, failing
  EXPECT_EQ(idp_.fetches(), 2);
  auto caller = With(TokenBy(key1_));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->id, ada_);
}

TEST_F(RemoteIssuerTest, AFailureAtStartRefusesTheIssuersTokensUntilTheKeysArrive) {
  Build();
  FetchAtStart();  // the provider is down
  EXPECT_ERROR(With(TokenBy(key1_)), absl::StatusCode::kUnauthenticated,
               api::kInvalidAuthenticationToken);
  idp_.Serve({&key1_});
  EXPECT_ERROR(With(TokenBy(key1_)), absl::StatusCode::kUnauthenticated,
               api::kInvalidAuthenticationToken);  // within 30 s of the failed fetch
  EXPECT_EQ(idp_.fetches(), 1);
  clock_.Advance(absl::Seconds(30));
  auto caller = With(TokenBy(key1_));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->id, ada_);
  EXPECT_EQ(idp_.fetches(), 2);
}

TEST_F(RemoteIssuerTest, WithoutAFetcherTheIssuersTokensAreRefused) {
  idp_.Serve({&key1_});
  Build(/*with_fetcher=*/false);
  EXPECT_TRUE(auth_->remote_key_sets().empty());
  EXPECT_ERROR(With(TokenBy(key1_)), absl::StatusCode::kUnauthenticated,
               api::kInvalidAuthenticationToken);
  EXPECT_EQ(idp_.fetches(), 0);
}

}  // namespace
}  // namespace pim::testing
