// Fixture for the accounts layer: the engine fixture's directory and manual clock, a private
// in-memory credential store sealed as pimd seals it, and an AccountService with test-cost
// password hashing.
#pragma once

#include <memory>
#include <string>

#include "pim/accounts/account_service.h"
#include "pim/accounts/sealed_credential_store.h"
#include "pim/accounts/token_service.h"
#include "pim/identity/base32.h"
#include "pim/identity/password_policy.h"
#include "pim/identity/signing_key_ring.h"
#include "pim/identity/totp.h"
#include "pim/store/sqlite_credential_store.h"
#include "unit/engine/engine_fixture.h"
#include "unit/store/temp_dir.h"

namespace pim::testing {

inline constexpr char kGoodPassword[] = "correct horse battery staple";

class AccountsTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    auto store = SqliteCredentialStore::Open(":memory:");
    ASSERT_TRUE(store.ok()) << store.status();
    raw_credentials_ = std::move(*store);
    credentials_ = std::make_unique<accounts::SealedCredentialStore>(
        *raw_credentials_, identity::SecretBox::Generate(), accounts::SealedCredentialKinds());
    ASSERT_TRUE(credentials_->Prepare().ok());
    accounts::AccountOptions options;
    options.hash_params = identity::PasswordHashParams::ForTests();
    accounts_ =
        std::make_unique<accounts::AccountService>(*credentials_, *engine_, clock_, options);
  }

  // A user with `mail` and the good password.
  PrincipalId AddAccount(const std::string& name, const std::string& mail) {
    Principal p;
    p.id = PrincipalId(NewId());
    p.kind = PrincipalKind::kUser;
    p.display_name = name;
    p.mail = mail;
    EXPECT_TRUE(engine_->PutPrincipal(Caller::System(), p).ok());
    EXPECT_TRUE(accounts_->SetPassword(p.id, kGoodPassword, false).ok());
    return p.id;
  }

  // Enrols TOTP for `user` and returns {key, recovery codes}.
  std::pair<std::string, std::vector<std::string>> EnrolTotp(const PrincipalId& user) {
    auto e = accounts_->BeginTotpEnrolment(user);
    EXPECT_TRUE(e.ok()) << e.status();
    auto key = identity::Base32Decode(e->secret);
    EXPECT_TRUE(key.has_value());
    auto codes = accounts_->ConfirmTotpEnrolment(user, CodeAt(*key, clock_.Now()));
    EXPECT_TRUE(codes.ok()) << codes.status();
    clock_.Advance(absl::Seconds(30));  // the enrolment's code is spent
    return {*key, codes.ok() ? *codes : std::vector<std::string>{}};
  }

  static std::string CodeAt(const std::string& key, absl::Time t) {
    const identity::TotpParams params;
    return identity::TotpCode(key, identity::TotpStep(t, params), params);
  }

  std::unique_ptr<SqliteCredentialStore> raw_credentials_;        // as the database holds it
  std::unique_ptr<accounts::SealedCredentialStore> credentials_;  // what the services use
  std::unique_ptr<accounts::AccountService> accounts_;
};

// Adds pimd's token issuer: a key ring in a temporary directory and a TokenService.
class TokensTest : public AccountsTest {
 protected:
  static constexpr char kIssuer[] = "https://pim.test";
  static constexpr char kTenant[] = "11111111-1111-4111-8111-111111111111";

  void SetUp() override {
    AccountsTest::SetUp();
    auto ring = identity::SigningKeyRing::Open(dir_.File("keys"), clock_.Now());
    ASSERT_TRUE(ring.ok()) << ring.status();
    keys_ = std::make_unique<identity::SigningKeyRing>(std::move(*ring));
    accounts::TokenOptions options;
    options.issuer = kIssuer;
    options.tenant_id = kTenant;
    tokens_ =
        std::make_unique<accounts::TokenService>(*keys_, *credentials_, *engine_, clock_, options);
  }

  accounts::SignInResult SignedIn(const PrincipalId& who, bool mfa) {
    accounts::SignInResult r;
    r.principal = who;
    r.auth_time = clock_.Now();
    r.amr = mfa ? std::vector<std::string>{"pwd", "mfa"} : std::vector<std::string>{"pwd"};
    return r;
  }

  TempDir dir_;
  std::unique_ptr<identity::SigningKeyRing> keys_;
  std::unique_ptr<accounts::TokenService> tokens_;
};

}  // namespace pim::testing
