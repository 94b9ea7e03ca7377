#include "pim/accounts/token_service.h"

#include <gtest/gtest.h>

#include "boost/json.hpp"
#include "pim/api/authenticator.h"
#include "pim/identity/base64url.h"
#include "pim/identity/jwt.h"
#include "unit/accounts/accounts_fixture.h"

namespace pim::testing {
namespace {

using accounts::kInvalidGrant;

boost::json::object Claims(const std::string& jwt) {
  const size_t a = jwt.find('.');
  const size_t b = jwt.find('.', a + 1);
  auto payload = identity::Base64UrlDecode(jwt.substr(a + 1, b - a - 1));
  EXPECT_TRUE(payload.has_value());
  return boost::json::parse(*payload).as_object();
}

class TokenServiceTest : public TokensTest {
 protected:
  accounts::UserTokenRequest Pimctl() {
    accounts::UserTokenRequest r;
    r.client_id = "pimctl";
    return r;
  }
};

TEST_F(TokenServiceTest, AccessTokensCarryTheIdentityClaimsAndVerify) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  auto t = tokens_->IssueForUser(SignedIn(ada, true), Pimctl());
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->expires_in, absl::Minutes(15));
  EXPECT_FALSE(t->refresh_token.empty());
  EXPECT_TRUE(t->id_token.empty());
  const auto c = Claims(t->access_token);
  EXPECT_EQ(c.at("iss").as_string(), kIssuer);
  EXPECT_EQ(c.at("aud").as_string(), "api://pim");
  EXPECT_EQ(c.at("sub").as_string(), ada.str());
  EXPECT_EQ(c.at("oid").as_string(), ada.str());
  EXPECT_EQ(c.at("tid").as_string(), kTenant);
  EXPECT_EQ(c.at("amr").as_array(), (boost::json::array{"pwd", "mfa"}));
  EXPECT_EQ(c.at("auth_time").as_int64(), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_EQ(c.at("exp").as_int64() - c.at("iat").as_int64(), 15 * 60);

  auto caller = tokens_->VerifyAccessToken(t->access_token);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->id, ada);
  EXPECT_EQ(caller->mfa_at, clock_.Now());
  EXPECT_FALSE(caller->is_system);
}

TEST_F(TokenServiceTest, WithoutMfaTheCallerHasNoMfaTime) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  auto t = tokens_->IssueForUser(SignedIn(ada, false), Pimctl());
  ASSERT_TRUE(t.ok());
  auto caller = tokens_->VerifyAccessToken(t->access_token);
  ASSERT_TRUE(caller.ok());
  EXPECT_FALSE(caller->mfa_at.has_value());
}

TEST_F(TokenServiceTest, ExpiredTokensAndDisabledUsersAreRefused) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  auto t = tokens_->IssueForUser(SignedIn(ada, false), Pimctl());
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(tokens_->VerifyAccessToken(t->access_token).ok());  // remembered from here on
  clock_.Advance(absl::Minutes(15) + absl::Seconds(61));          // past exp and the leeway
  EXPECT_EQ(tokens_->VerifyAccessToken(t->access_token).status().code(),
            absl::StatusCode::kUnauthenticated);

  auto fresh = tokens_->IssueForUser(SignedIn(ada, false), Pimctl());
  ASSERT_TRUE(fresh.ok());
  // Verified once (and so remembered), it is still refused once its user is disabled.
  ASSERT_TRUE(tokens_->VerifyAccessToken(fresh->access_token).ok());
  Principal p;
  engine_->Read([&](const State& s) { p = *s.FindPrincipal(ada.str()); });
  p.enabled = false;
  ASSERT_TRUE(engine_->PutPrincipal(Caller::System(), p).ok());
  EXPECT_EQ(tokens_->VerifyAccessToken(fresh->access_token).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_ERROR(tokens_->Refresh(fresh->refresh_token, "pimctl"), absl::StatusCode::kUnauthenticated,
               kInvalidGrant);
}

// RecallAccessToken knows only tokens verified before: it answers like VerifyAccessToken for
// them (the principal checked every time) and nothing for any other token.
TEST_F(TokenServiceTest, RecallKnowsOnlyVerifiedUnexpiredTokens) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  auto t = tokens_->IssueForUser(SignedIn(ada, true), Pimctl());
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(tokens_->RecallAccessToken(t->access_token).has_value()) << "never verified";
  EXPECT_FALSE(tokens_->RecallAccessToken("not a token").has_value());
  ASSERT_TRUE(tokens_->VerifyAccessToken(t->access_token).ok());
  auto recalled = tokens_->RecallAccessToken(t->access_token);
  ASSERT_TRUE(recalled.has_value());
  ASSERT_TRUE(recalled->ok()) << recalled->status();
  EXPECT_EQ((*recalled)->id, ada);
  EXPECT_EQ((*recalled)->mfa_at, tokens_->VerifyAccessToken(t->access_token)->mfa_at);

  Principal p;
  engine_->Read([&](const State& s) { p = *s.FindPrincipal(ada.str()); });
  p.enabled = false;
  ASSERT_TRUE(engine_->PutPrincipal(Caller::System(), p).ok());
  recalled = tokens_->RecallAccessToken(t->access_token);
  ASSERT_TRUE(recalled.has_value());
  EXPECT_EQ(recalled->status().code(), absl::StatusCode::kUnauthenticated);

  clock_.Advance(absl::Minutes(15) + absl::Seconds(61));  // past exp and the leeway
  EXPECT_FALSE(tokens_->RecallAccessToken(t->access_token).has_value());
}

TEST_F(TokenServiceTest, ATamperedTokenIsRefused) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  const PrincipalId ben = AddAccount("Ben Bit", "ben@contoso.test");
  auto t = tokens_->IssueForUser(SignedIn(ada, false), Pimctl());
  ASSERT_TRUE(t.ok());
  const std::string& jwt = t->access_token;
  const size_t a = jwt.find('.');
  const size_t b = jwt.find('.', a + 1);
  auto claims = Claims(jwt);
  claims["oid"] = ben.str();
  const std::string forged = jwt.substr(0, a + 1) +
                             identity::Base64UrlEncode(boost::json::serialize(claims)) +
                             jwt.substr(b);
  EXPECT_EQ(tokens_->VerifyAccessToken(forged).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(TokenServiceTest, RefreshRotatesAndKeepsTheOriginalSignIn) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  const absl::Time signed_in = clock_.Now();
  auto first = tokens_->IssueForUser(SignedIn(ada, true), Pimctl());
  ASSERT_TRUE(first.ok());
  clock_.Advance(absl::Hours(2));
  auto second = tokens_->Refresh(first->refresh_token, "pimctl");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_NE(second->refresh_token, first->refresh_token);
  const auto c = Claims(second->access_token);
  EXPECT_EQ(c.at("auth_time").as_int64(), absl::ToUnixSeconds(signed_in));
  auto caller = tokens_->VerifyAccessToken(second->access_token);
  ASSERT_TRUE(caller.ok());
  EXPECT_EQ(caller->mfa_at, signed_in);  // MFA is as old as the sign-in, not the refresh
  // Another client cannot redeem it.
  EXPECT_ERROR(tokens_->Refresh(second->refresh_token, "other"), absl::StatusCode::kUnauthenticated,
               kInvalidGrant);
}

TEST_F(TokenServiceTest, ReusingASpentRefreshTokenRevokesTheWholeFamily) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  auto first = tokens_->IssueForUser(SignedIn(ada, false), Pimctl());
  auto other_session = tokens_->IssueForUser(SignedIn(ada, false), Pimctl());
  ASSERT_TRUE(first.ok() && other_session.ok());
  auto second = tokens_->Refresh(first->refresh_token, "pimctl");
  ASSERT_TRUE(second.ok());
  // The stolen (spent) token comes back: refused, and the legitimate successor dies with it.
  EXPECT_ERROR(tokens_->Refresh(first->refresh_token, "pimctl"), absl::StatusCode::kUnauthenticated,
               kInvalidGrant);
  EXPECT_ERROR(tokens_->Refresh(second->refresh_token, "pimctl"),
               absl::StatusCode::kUnauthenticated, kInvalidGrant);
  // Another session of the same user is unaffected.
  EXPECT_TRUE(tokens_->Refresh(other_session->refresh_token, "pimctl").ok());
}

TEST_F(TokenServiceTest, RevokedAndExpiredRefreshTokensAreRefused) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  auto t = tokens_->IssueForUser(SignedIn(ada, false), Pimctl());
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(tokens_->Revoke(t->refresh_token).ok());
  EXPECT_ERROR(tokens_->Refresh(t->refresh_token, "pimctl"), absl::StatusCode::kUnauthenticated,
               kInvalidGrant);
  EXPECT_TRUE(tokens_->Revoke("never-issued").ok());

  auto old = tokens_->IssueForUser(SignedIn(ada, false), Pimctl());
  ASSERT_TRUE(old.ok());
  clock_.Advance(absl::Hours(24 * 14));
  EXPECT_ERROR(tokens_->Refresh(old->refresh_token, "pimctl"), absl::StatusCode::kUnauthenticated,
               kInvalidGrant);

  auto all = tokens_->IssueForUser(SignedIn(ada, false), Pimctl());
  ASSERT_TRUE(all.ok());
  ASSERT_TRUE(tokens_->RevokeAll(ada).ok());
  EXPECT_FALSE(tokens_->Refresh(all->refresh_token, "pimctl").ok());
}

TEST_F(TokenServiceTest, SettingAPasswordEndsEverySessionOfThatUserOnly) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  const PrincipalId bob = AddAccount("Bob Builder", "bob@contoso.test");
  auto ada_session = tokens_->IssueForUser(SignedIn(ada, false), Pimctl());
  auto bob_session = tokens_->IssueForUser(SignedIn(bob, false), Pimctl());
  ASSERT_TRUE(ada_session.ok() && bob_session.ok());
  // An administrator's reset (Graph's passwordProfile) and the user's own change both end here.
  ASSERT_TRUE(accounts_->SetPassword(ada, "Correct-Horse-Battery-42", /*force_change=*/true).ok());
  EXPECT_ERROR(tokens_->Refresh(ada_session->refresh_token, "pimctl"),
               absl::StatusCode::kUnauthenticated, kInvalidGrant);
  EXPECT_TRUE(tokens_->Refresh(bob_session->refresh_token, "pimctl").ok());
}

TEST_F(TokenServiceTest, ExpiredRefreshTokensAreDroppedAsNewOnesAreIssued) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  auto t = tokens_->IssueForUser(SignedIn(ada, false), Pimctl());
  ASSERT_TRUE(t.ok());
  for (int i = 0; i < 5; ++i) {
    t = tokens_->Refresh(t->refresh_token, "pimctl");
    ASSERT_TRUE(t.ok()) << t.status();
  }
  EXPECT_EQ(credentials_->List("refreshToken", ada.str())->size(), 6u);  // 5 spent, 1 live
  clock_.Advance(absl::Hours(24 * 15));  // every one of them expired
  ASSERT_TRUE(tokens_->IssueForUser(SignedIn(ada, false), Pimctl()).ok());
  EXPECT_EQ(credentials_->List("refreshToken", ada.str())->size(), 1u);
}

TEST_F(TokenServiceTest, IdTokensAnswerOpenIdRequests) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  accounts::UserTokenRequest r = Pimctl();
  r.openid = true;
  r.nonce = "n-0S6_WzA2Mj";
  auto t = tokens_->IssueForUser(SignedIn(ada, false), r);
  ASSERT_TRUE(t.ok());
  ASSERT_FALSE(t->id_token.empty());
  const auto c = Claims(t->id_token);
  EXPECT_EQ(c.at("aud").as_string(), "pimctl");
  EXPECT_EQ(c.at("nonce").as_string(), "n-0S6_WzA2Mj");
  EXPECT_EQ(c.at("preferred_username").as_string(), "ada@contoso.test");
}

TEST_F(TokenServiceTest, ServicePrincipalsGetAppTokensWithoutRefresh) {
  const PrincipalId app = AddPrincipal(PrincipalKind::kServicePrincipal, "deploy-bot");
  auto t = tokens_->IssueForServicePrincipal(app);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_TRUE(t->refresh_token.empty());
  const auto c = Claims(t->access_token);
  EXPECT_EQ(c.at("idtyp").as_string(), "app");
  EXPECT_FALSE(c.contains("amr"));
  auto caller = tokens_->VerifyAccessToken(t->access_token);
  ASSERT_TRUE(caller.ok());
  EXPECT_EQ(caller->id, app);
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  EXPECT_FALSE(tokens_->IssueForServicePrincipal(ada).ok());
}

TEST_F(TokenServiceTest, TokensOfARotatedKeyVerifyUntilTheyExpire) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  auto before = tokens_->IssueForUser(SignedIn(ada, false), Pimctl());
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(tokens_->RotateKeys().ok());
  auto after = tokens_->IssueForUser(SignedIn(ada, false), Pimctl());
  ASSERT_TRUE(after.ok());
  const auto keys = boost::json::parse(tokens_->Jwks()).as_object().at("keys").as_array();
  EXPECT_EQ(keys.size(), 2u);
  EXPECT_TRUE(tokens_->VerifyAccessToken(before->access_token).ok());
  EXPECT_TRUE(tokens_->VerifyAccessToken(after->access_token).ok());
  clock_.Advance(absl::Minutes(16));
  ASSERT_TRUE(tokens_->PruneKeys().ok());
  EXPECT_EQ(boost::json::parse(tokens_->Jwks()).as_object().at("keys").as_array().size(), 1u);
}

TEST_F(TokenServiceTest, ARetiredKeyVerifiesNothingSignedAfterItsRetirement) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  auto before = tokens_->IssueForUser(SignedIn(ada, false), Pimctl());
  ASSERT_TRUE(before.ok());
  // Someone copied the key that is about to be retired.
  auto leaked = identity::SigningKey::FromPem(keys_->current().PrivatePem());
  ASSERT_TRUE(leaked.ok());
  clock_.Advance(absl::Seconds(5));
  ASSERT_TRUE(tokens_->RotateKeys().ok());
  clock_.Advance(absl::Minutes(5));  // within the old key's window: it still verifies...
  EXPECT_TRUE(tokens_->VerifyAccessToken(before->access_token).ok());
  // ...but only what it signed while it was current: a token minted with it now is forged.
  auto forged = Claims(before->access_token);
  const int64_t now = absl::ToUnixSeconds(clock_.Now());
  forged["iat"] = now;
  forged["nbf"] = now;
  forged["exp"] = now + 600;
  forged["jti"] = "forged";
  EXPECT_ERROR(tokens_->VerifyAccessToken(identity::EncodeJwt(*leaked, forged)),
               absl::StatusCode::kUnauthenticated, api::kInvalidAuthenticationToken);
  forged["iat"] = static_cast<double>(now);  // the same as a JSON double
  forged["jti"] = "forged-double";
  EXPECT_FALSE(tokens_->VerifyAccessToken(identity::EncodeJwt(*leaked, forged)).ok());
  forged.erase("iat");
  forged["jti"] = "forged-no-iat";
  EXPECT_FALSE(tokens_->VerifyAccessToken(identity::EncodeJwt(*leaked, forged)).ok());
}

}  // namespace
}  // namespace pim::testing
