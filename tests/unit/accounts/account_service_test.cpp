#include "pim/accounts/account_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "boost/json.hpp"
#include "pim/identity/jwt.h"
#include "pim/identity/signing_key.h"
#include "unit/accounts/accounts_fixture.h"

namespace pim::testing {
namespace {

using accounts::kAccountLocked;
using accounts::kInvalidCredentials;
using accounts::kInvalidTotpCode;
using accounts::kSecondFactorRequired;

class AccountServiceTest : public AccountsTest {};

TEST_F(AccountServiceTest, SignsInByMailCaseInsensitivelyOrById) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  auto by_mail = accounts_->SignIn("ADA@Contoso.test", kGoodPassword, "", "10.0.0.1");
  ASSERT_TRUE(by_mail.ok()) << by_mail.status();
  EXPECT_EQ(by_mail->principal, ada);
  EXPECT_EQ(by_mail->amr, (std::vector<std::string>{"pwd"}));
  EXPECT_EQ(by_mail->auth_time, clock_.Now());
  EXPECT_FALSE(by_mail->must_change_password);
  auto by_id = accounts_->SignIn(ada.str(), kGoodPassword, "", "10.0.0.1");
  ASSERT_TRUE(by_id.ok()) << by_id.status();
  EXPECT_EQ(by_id->principal, ada);
}

TEST_F(AccountServiceTest, WrongPasswordUnknownUserAndDisabledUserLookAlike) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  AddAccount("Ben Bit", "ben@contoso.test");
  Principal ben;
  engine_->Read([&](const State& s) {
    for (const auto& [id, p] : s.principals()) {
      if (p.mail == "ben@contoso.test") ben = p;
    }
  });
  ben.enabled = false;
  ASSERT_TRUE(engine_->PutPrincipal(Caller::System(), ben).ok());

  const absl::Status wrong = accounts_->SignIn("ada@contoso.test", "nope", "", "a").status();
  const absl::Status unknown =
      accounts_->SignIn("nobody@contoso.test", kGoodPassword, "", "a").status();
  const absl::Status disabled =
      accounts_->SignIn("ben@contoso.test", kGoodPassword, "", "a").status();
  for (const absl::Status& s : {wrong, unknown, disabled}) {
    EXPECT_ERROR(s, absl::StatusCode::kUnauthenticated, kInvalidCredentials);
    EXPECT_EQ(s.message(), wrong.message());
  }
  EXPECT_TRUE(accounts_->SignIn(ada.str(), kGoodPassword, "", "a").ok());
}

TEST_F(AccountServiceTest, LocksOutAfterRepeatedFailuresThenBacksOffAndRecovers) {
  AddAccount("Ada Lovelace", "ada@contoso.test");
  for (int i = 0; i < 5; ++i) {
    EXPECT_ERROR(accounts_->SignIn("ada@contoso.test", "wrong", "", "a"),
                 absl::StatusCode::kUnauthenticated, kInvalidCredentials);
  }
  // Locked: even the right password is refused, for a minute.
  EXPECT_ERROR(accounts_->SignIn("ada@contoso.test", kGoodPassword, "", "a"),
               absl::StatusCode::kResourceExhausted, kAccountLocked);
  clock_.Advance(absl::Seconds(59));
  EXPECT_ERROR(accounts_->SignIn("ada@contoso.test", kGoodPassword, "", "b"),
               absl::StatusCode::kResourceExhausted, kAccountLocked);
  clock_.Advance(absl::Seconds(1));
  // One more failure doubles the lockout.
  EXPECT_ERROR(accounts_->SignIn("ada@contoso.test", "wrong", "", "a"),
               absl::StatusCode::kUnauthenticated, kInvalidCredentials);
  clock_.Advance(absl::Seconds(119));
  EXPECT_ERROR(accounts_->SignIn("ada@contoso.test", kGoodPassword, "", "a"),
               absl::StatusCode::kResourceExhausted, kAccountLocked);
  clock_.Advance(absl::Seconds(1));
  EXPECT_TRUE(accounts_->SignIn("ada@contoso.test", kGoodPassword, "", "a").ok());
  // Success resets the count: four more failures do not lock.
  for (int i = 0; i < 4; ++i) {
    EXPECT_FALSE(accounts_->SignIn("ada@contoso.test", "wrong", "", "a").ok());
  }
  EXPECT_TRUE(accounts_->SignIn("ada@contoso.test", kGoodPassword, "", "a").ok());
}

TEST_F(AccountServiceTest, SwitchingBetweenAnAccountsNamesBuysNoExtraGuesses) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  for (const std::string name : {"ada@contoso.test", "ADA@CONTOSO.TEST", "ada@contoso.test"}) {
    EXPECT_FALSE(accounts_->SignIn(name, "wrong", "", "a").ok());
  }
  EXPECT_FALSE(accounts_->SignIn(ada.str(), "wrong", "", "b").ok());
  EXPECT_FALSE(accounts_->SignIn(ada.str(), "wrong", "", "c").ok());
  EXPECT_ERROR(accounts_->SignIn("Ada@Contoso.Test", kGoodPassword, "", "d"),
               absl::StatusCode::kResourceExhausted, kAccountLocked);
  EXPECT_ERROR(accounts_->SignIn(ada.str(), kGoodPassword, "", "d"),
               absl::StatusCode::kResourceExhausted, kAccountLocked);
}

TEST_F(AccountServiceTest, UnknownNamesLockOutToo) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_ERROR(accounts_->SignIn("ghost@contoso.test", "x", "", "a"),
                 absl::StatusCode::kUnauthenticated, kInvalidCredentials);
  }
  EXPECT_ERROR(accounts_->SignIn("ghost@contoso.test", "x", "", "a"),
               absl::StatusCode::kResourceExhausted, kAccountLocked);
}

TEST_F(AccountServiceTest, AnAddressThatKeepsFailingIsRefusedForEveryAccount) {
  AddAccount("Ada Lovelace", "ada@contoso.test");
  for (int i = 0; i < 50; ++i) {
    EXPECT_FALSE(accounts_->SignIn("user" + std::to_string(i) + "@x", "x", "", "6.6.6.6").ok());
  }
  EXPECT_ERROR(accounts_->SignIn("ada@contoso.test", kGoodPassword, "", "6.6.6.6"),
               absl::StatusCode::kResourceExhausted, kAccountLocked);
  EXPECT_TRUE(accounts_->SignIn("ada@contoso.test", kGoodPassword, "", "10.0.0.1").ok());
  clock_.Advance(absl::Minutes(15));
  EXPECT_TRUE(accounts_->SignIn("ada@contoso.test", kGoodPassword, "", "6.6.6.6").ok());
}

TEST_F(AccountServiceTest, FailingFromManyNewAddressesDoesNotLiftARefusal) {
  accounts::AccountOptions options;
  options.hash_params = identity::PasswordHashParams::ForTests();
  options.address_failure_budget = 3;
  options.max_tracked_addresses = 10;
  accounts::AccountService accounts(*credentials_, *engine_, clock_, options);
  AddAccount("Ada Lovelace", "ada@contoso.test");
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(accounts.SignIn("x@y", "x", "", "6.6.6.6").ok());
  // More fresh addresses than are tracked, each failing once (other login names, so that no
  // account lockout is involved).
  for (int i = 0; i < 40; ++i) {
    EXPECT_FALSE(
        accounts.SignIn("n" + std::to_string(i) + "@y", "x", "", "2001:db8::" + std::to_string(i))
            .ok());
  }
  EXPECT_ERROR(accounts.SignIn("ada@contoso.test", kGoodPassword, "", "6.6.6.6"),
               absl::StatusCode::kResourceExhausted, kAccountLocked);
  EXPECT_TRUE(accounts.SignIn("ada@contoso.test", kGoodPassword, "", "10.0.0.1").ok());
  clock_.Advance(absl::Minutes(15));
  EXPECT_TRUE(accounts.SignIn("ada@contoso.test", kGoodPassword, "", "6.6.6.6").ok());
}

TEST_F(AccountServiceTest, TotpIsRequiredOnceEnrolledAndEachCodeWorksOnce) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  const auto [key, recovery] = EnrolTotp(ada);
  EXPECT_EQ(recovery.size(), 10u);
  EXPECT_TRUE(*accounts_->HasTotp(ada));

  EXPECT_ERROR(accounts_->SignIn("ada@contoso.test", kGoodPassword, "", "a"),
               absl::StatusCode::kUnauthenticated, kSecondFactorRequired);
  const std::string code = CodeAt(key, clock_.Now());
  auto ok = accounts_->SignIn("ada@contoso.test", kGoodPassword, code, "a");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->amr, (std::vector<std::string>{"pwd", "mfa", "otp"}));
  // Replay of the same code, even within its window, fails.
  EXPECT_ERROR(accounts_->SignIn("ada@contoso.test", kGoodPassword, code, "a"),
               absl::StatusCode::kUnauthenticated, kInvalidCredentials);
  // One step of skew either way is accepted (a fresh step each time).
  clock_.Advance(absl::Seconds(60));
  EXPECT_TRUE(accounts_
                  ->SignIn("ada@contoso.test", kGoodPassword,
                           CodeAt(key, clock_.Now() - absl::Seconds(30)), "a")
                  .ok());
  clock_.Advance(absl::Seconds(60));
  EXPECT_TRUE(accounts_
                  ->SignIn("ada@contoso.test", kGoodPassword,
                           CodeAt(key, clock_.Now() + absl::Seconds(30)), "a")
                  .ok());
  // Two steps off is refused.
  clock_.Advance(absl::Seconds(120));
  EXPECT_FALSE(accounts_
                   ->SignIn("ada@contoso.test", kGoodPassword,
                            CodeAt(key, clock_.Now() - absl::Seconds(60)), "a")
                   .ok());
}

TEST_F(AccountServiceTest, RecoveryCodesWorkOnceEach) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  const auto [key, recovery] = EnrolTotp(ada);
  ASSERT_FALSE(recovery.empty());
  EXPECT_TRUE(accounts_->SignIn("ada@contoso.test", kGoodPassword, recovery[3], "a").ok());
  EXPECT_FALSE(accounts_->SignIn("ada@contoso.test", kGoodPassword, recovery[3], "a").ok());
  EXPECT_TRUE(accounts_->SignIn("ada@contoso.test", kGoodPassword, recovery[4], "a").ok());
}

TEST_F(AccountServiceTest, TotpBruteForceRunsIntoTheLockout) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  const auto [key, recovery] = EnrolTotp(ada);
  const std::string right = CodeAt(key, clock_.Now());
  int tried = 0;
  for (int guess = 0; tried < 5; ++guess) {
    char code[16];
    std::snprintf(code, sizeof code, "%06d", guess);
    if (code == right) continue;
    ++tried;
    EXPECT_FALSE(accounts_->VerifySecondFactor(ada, code, "a").ok());
  }
  EXPECT_ERROR(accounts_->VerifySecondFactor(ada, right, "a"), absl::StatusCode::kResourceExhausted,
               kAccountLocked);
}

TEST_F(AccountServiceTest, ConcurrentGuessesOnOneAccountAreCountedOneAtATime) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  const auto [key, recovery] = EnrolTotp(ada);
  const std::string right = CodeAt(key, clock_.Now());
  const std::string wrong = right == "000000" ? "111111" : "000000";
  std::atomic<int> verified{0};
  std::atomic<int> locked{0};
  std::vector<std::thread> guessers;
  for (int i = 0; i < 16; ++i) {
    guessers.emplace_back([&, i] {
      const auto r = accounts_->VerifySecondFactor(ada, wrong, "10.0.0." + std::to_string(i));
      (r.status().code() == absl::StatusCode::kResourceExhausted ? locked : verified)++;
    });
  }
  for (std::thread& t : guessers) t.join();
  // The fifth failure locks the account: no more than five guesses were ever checked.
  EXPECT_EQ(verified.load(), 5);
  EXPECT_EQ(locked.load(), 11);
}

TEST_F(AccountServiceTest, StepUpVerifiesAndSpendsTheCode) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  const auto [key, recovery] = EnrolTotp(ada);
  const std::string code = CodeAt(key, clock_.Now());
  auto at = accounts_->VerifySecondFactor(ada, code, "a");
  ASSERT_TRUE(at.ok()) << at.status();
  EXPECT_EQ(*at, clock_.Now());
  EXPECT_ERROR(accounts_->VerifySecondFactor(ada, code, "a"), absl::StatusCode::kUnauthenticated,
               kInvalidTotpCode);
}

TEST_F(AccountServiceTest, EnrolmentNeedsAValidCodeAndCannotBeRepeated) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  auto e = accounts_->BeginTotpEnrolment(ada);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_TRUE(e->otpauth_uri.starts_with("otpauth://totp/"));
  EXPECT_NE(e->qr_svg.find("<svg"), std::string::npos);
  EXPECT_ERROR(accounts_->ConfirmTotpEnrolment(ada, "000000x"), absl::StatusCode::kInvalidArgument,
               kInvalidTotpCode);
  EXPECT_FALSE(*accounts_->HasTotp(ada));  // pending is not enrolled
  EXPECT_TRUE(accounts_->SignIn(ada.str(), kGoodPassword, "", "a").ok());
  const auto key = identity::Base32Decode(e->secret);
  ASSERT_TRUE(accounts_->ConfirmTotpEnrolment(ada, CodeAt(*key, clock_.Now())).ok());
  EXPECT_ERROR(accounts_->BeginTotpEnrolment(ada), absl::StatusCode::kFailedPrecondition,
               "TotpAlreadyEnrolled");
}

TEST_F(AccountServiceTest, ARefusedPasswordChangeDoesNotSpendTheRecoveryCode) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  const auto [key, recovery] = EnrolTotp(ada);
  EXPECT_ERROR(
      accounts_->ChangePassword("ada@contoso.test", kGoodPassword, recovery[0], "short", "a"),
      absl::StatusCode::kInvalidArgument, identity::kPasswordPolicyViolation);
  EXPECT_ERROR(
      accounts_->ChangePassword("ada@contoso.test", kGoodPassword, recovery[0], kGoodPassword, "a"),
      absl::StatusCode::kInvalidArgument, identity::kPasswordPolicyViolation);
  // The same code still works for the change that is accepted, and only once.
  EXPECT_TRUE(accounts_
                  ->ChangePassword("ada@contoso.test", kGoodPassword, recovery[0],
                                   "a much better secret", "a")
                  .ok());
  EXPECT_FALSE(
      accounts_->SignIn("ada@contoso.test", "a much better secret", recovery[0], "a").ok());
}

TEST_F(AccountServiceTest, ForcedChangeAndPasswordPolicy) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  ASSERT_TRUE(accounts_->SetPassword(ada, "temporary password 1", true).ok());
  auto who = accounts_->SignIn("ada@contoso.test", "temporary password 1", "", "a");
  ASSERT_TRUE(who.ok());
  EXPECT_TRUE(who->must_change_password);
  EXPECT_ERROR(
      accounts_->ChangePassword("ada@contoso.test", "temporary password 1", "", "short", "a"),
      absl::StatusCode::kInvalidArgument, identity::kPasswordPolicyViolation);
  EXPECT_ERROR(accounts_->ChangePassword("ada@contoso.test", "temporary password 1", "",
                                         "lovelace is my hero 42", "a"),
               absl::StatusCode::kInvalidArgument, identity::kPasswordPolicyViolation);
  EXPECT_ERROR(
      accounts_->ChangePassword("ada@contoso.test", "wrong", "", "a much better secret", "a"),
      absl::StatusCode::kUnauthenticated, kInvalidCredentials);
  ASSERT_TRUE(accounts_
                  ->ChangePassword("ada@contoso.test", "temporary password 1", "",
                                   "a much better secret", "a")
                  .ok());
  auto after = accounts_->SignIn("ada@contoso.test", "a much better secret", "", "a");
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->must_change_password);
  EXPECT_FALSE(accounts_->SignIn("ada@contoso.test", "temporary password 1", "", "a").ok());
}

TEST_F(AccountServiceTest, BreakGlassMustEnrolTotpUntilItHas) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  ASSERT_TRUE(accounts_->RequireTotpEnrolment(ada).ok());
  auto who = accounts_->SignIn(ada.str(), kGoodPassword, "", "a");
  ASSERT_TRUE(who.ok());
  EXPECT_TRUE(who->must_enrol_totp);
  // A password reset keeps the requirement.
  ASSERT_TRUE(accounts_->SetPassword(ada, kGoodPassword, true).ok());
  EXPECT_TRUE(accounts_->SignIn(ada.str(), kGoodPassword, "", "a")->must_enrol_totp);
  EnrolTotp(ada);
  EXPECT_ERROR(accounts_->SignIn(ada.str(), kGoodPassword, "", "a"),
               absl::StatusCode::kUnauthenticated, kSecondFactorRequired);
}

TEST_F(AccountServiceTest, ClientSecretsVerifyUntilExpiryOrRemoval) {
  const PrincipalId app = AddPrincipal(PrincipalKind::kServicePrincipal, "deploy-bot");
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  EXPECT_ERROR(accounts_->AddClientSecret(ada, absl::Hours(1)), absl::StatusCode::kNotFound,
               "ServicePrincipalNotFound");
  auto secret = accounts_->AddClientSecret(app, absl::Hours(1));
  ASSERT_TRUE(secret.ok()) << secret.status();
  EXPECT_EQ(secret->hint, secret->secret_text.substr(0, 3));
  auto who = accounts_->VerifyClientSecret(app.str(), secret->secret_text, "a");
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(*who, app);
  EXPECT_ERROR(accounts_->VerifyClientSecret(app.str(), secret->secret_text + "x", "a"),
               absl::StatusCode::kUnauthenticated, kInvalidCredentials);
  // Nothing of the secret itself is stored.
  auto stored = credentials_->List("clientSecret", app.str());
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].second.find(secret->secret_text), std::string::npos);
  clock_.Advance(absl::Hours(1));
  EXPECT_FALSE(accounts_->VerifyClientSecret(app.str(), secret->secret_text, "a").ok());
  auto second = accounts_->AddClientSecret(app, absl::Hours(1));
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(accounts_->RemoveClientSecret(app, second->key_id).ok());
  EXPECT_FALSE(accounts_->VerifyClientSecret(app.str(), second->secret_text, "a").ok());
}

TEST_F(AccountServiceTest, NobodyCanLockAServicePrincipalOutByFailingOnPurpose) {
  const PrincipalId app = AddPrincipal(PrincipalKind::kServicePrincipal, "deploy-bot");
  auto secret = accounts_->AddClientSecret(app, absl::Hours(1));
  ASSERT_TRUE(secret.ok()) << secret.status();
  // Many wrong secrets from several addresses (each under its own budget)...
  for (int i = 0; i < 30; ++i) {
    EXPECT_ERROR(accounts_->VerifyClientSecret(app.str(), "wrong", "10.0.0." + std::to_string(i)),
                 absl::StatusCode::kUnauthenticated, kInvalidCredentials);
  }
  // ...do not stop the real client, and leave no per-client counter behind.
  EXPECT_TRUE(accounts_->VerifyClientSecret(app.str(), secret->secret_text, "10.9.9.9").ok());
  EXPECT_TRUE(credentials_->List("signinFailures", app.str())->empty());
}

TEST_F(AccountServiceTest, AFailedSignInWithAHugeUnknownNameStoresAFixedSizeCounter) {
  const std::string name(100 * 1024, 'x');
  EXPECT_ERROR(accounts_->SignIn(name, "x", "", "a"), absl::StatusCode::kUnauthenticated,
               kInvalidCredentials);
  EXPECT_FALSE(credentials_->Get("signinFailures", name)->has_value());
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(accounts_->SignIn(name, "x", "", "a").ok());
  EXPECT_ERROR(accounts_->SignIn(name, "x", "", "a"), absl::StatusCode::kResourceExhausted,
               kAccountLocked);  // still counted, per name
}

TEST_F(AccountServiceTest, ClientAssertionsSignedByARegisteredKeyWorkOnce) {
  const PrincipalId app = AddPrincipal(PrincipalKind::kServicePrincipal, "deploy-bot");
  const identity::SigningKey key = identity::SigningKey::Generate();
  boost::json::object with_private = key.PublicJwk();
  with_private["d"] = "AAAA";
  EXPECT_ERROR(accounts_->AddClientKey(app, boost::json::serialize(with_private)),
               absl::StatusCode::kInvalidArgument, "InvalidKey");
  auto kid = accounts_->AddClientKey(app, boost::json::serialize(key.PublicJwk()));
  ASSERT_TRUE(kid.ok()) << kid.status();
  EXPECT_EQ(*kid, key.kid());

  const int64_t now = absl::ToUnixSeconds(clock_.Now());
  auto assertion = [&](const std::string& jti, int64_t lifetime = 300) {
    return identity::EncodeJwt(key, {{"iss", app.str()},
                                     {"sub", app.str()},
                                     {"aud", "https://pim.test/oauth2/token"},
                                     {"iat", now},
                                     {"exp", now + lifetime},
                                     {"jti", jti}});
  };
  const std::vector<std::string> aud = {"https://pim.test/oauth2/token"};
  auto who = accounts_->VerifyClientAssertion(app.str(), assertion("one"), aud, "a");
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(*who, app);
  // Replayed, too long-lived, for another audience, or signed by another key: refused.
  EXPECT_ERROR(accounts_->VerifyClientAssertion(app.str(), assertion("one"), aud, "a"),
               absl::StatusCode::kUnauthenticated, kInvalidCredentials);
  EXPECT_FALSE(accounts_->VerifyClientAssertion(app.str(), assertion("two", 3600), aud, "a").ok());
  EXPECT_FALSE(
      accounts_->VerifyClientAssertion(app.str(), assertion("three"), {"https://other"}, "a").ok());
  const identity::SigningKey stranger = identity::SigningKey::Generate();
  EXPECT_FALSE(accounts_
                   ->VerifyClientAssertion(app.str(),
                                           identity::EncodeJwt(stranger, {{"iss", app.str()},
                                                                          {"sub", app.str()},
                                                                          {"aud", aud[0]},
                                                                          {"exp", now + 60},
                                                                          {"jti", "four"}}),
                                           aud, "b")
                   .ok());
  // The same assertion sent by several requests at once works for one of them only.
  const std::string raced = assertion("six");
  std::atomic<int> accepted{0};
  std::vector<std::thread> senders;
  for (int i = 0; i < 8; ++i) {
    senders.emplace_back([&] {
      if (accounts_->VerifyClientAssertion(app.str(), raced, aud, "d").ok()) ++accepted;
    });
  }
  for (std::thread& t : senders) t.join();
  EXPECT_EQ(accepted.load(), 1);
  ASSERT_TRUE(accounts_->RemoveClientKey(app, *kid).ok());
  EXPECT_FALSE(accounts_->VerifyClientAssertion(app.str(), assertion("five"), aud, "c").ok());
}

TEST_F(AccountServiceTest, ForgettingAPrincipalErasesItsCredentials) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  EnrolTotp(ada);
  ASSERT_TRUE(accounts_->ForgetPrincipal(ada).ok());
  EXPECT_FALSE(*accounts_->HasTotp(ada));
  EXPECT_ERROR(accounts_->SignIn(ada.str(), kGoodPassword, "", "a"),
               absl::StatusCode::kUnauthenticated, kInvalidCredentials);
}

TEST_F(AccountServiceTest, PasswordsAreStoredAsArgon2idHashesOnly) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  auto record = credentials_->Get("password", ada.str());
  ASSERT_TRUE(record.ok() && record->has_value());
  EXPECT_NE((*record)->find("$argon2id$"), std::string::npos);
  EXPECT_EQ((*record)->find(kGoodPassword), std::string::npos);
}

TEST_F(AccountServiceTest, TheDatabaseHoldsPasswordHashesAndTotpKeysOnlySealed) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  const auto [key, recovery] = EnrolTotp(ada);
  for (const char* kind : {"password", "totp", "recovery"}) {
    auto raw = raw_credentials_->Get(kind, ada.str());
    ASSERT_TRUE(raw.ok() && raw->has_value()) << kind;
    EXPECT_TRUE(identity::SecretBox::IsSealed(**raw)) << kind;
    EXPECT_EQ((*raw)->find("argon2id"), std::string::npos) << kind;
    EXPECT_EQ((*raw)->find(identity::Base32Encode(key)), std::string::npos) << kind;
  }
  // Sealed or not, they work: sign-in reads both, and spends a recovery code by Replace.
  EXPECT_TRUE(accounts_->SignIn("ada@contoso.test", kGoodPassword, recovery[0], "a").ok());
  EXPECT_FALSE(accounts_->SignIn("ada@contoso.test", kGoodPassword, recovery[0], "a").ok());
}

TEST_F(AccountServiceTest, ATotpKeyPlantedInTheClearIsRefusedNotTrusted) {
  const PrincipalId ada = AddAccount("Ada Lovelace", "ada@contoso.test");
  // Someone who can write the database but lacks the key puts a TOTP key of their own there.
  ASSERT_TRUE(raw_credentials_
                  ->Put("totp", ada.str(), ada.str(),
                        R"({"key":"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ","confirmed":true})")
                  .ok());
  EXPECT_EQ(accounts_->HasTotp(ada).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_FALSE(accounts_->SignIn("ada@contoso.test", kGoodPassword, "123456", "a").ok());
}

}  // namespace
}  // namespace pim::testing
