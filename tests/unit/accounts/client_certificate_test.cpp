// Certificate credentials of service principals: upload (Graph's keyCredential), listing, and
// client assertions (RFC 7523) signed by the certificate's key and naming it by thumbprint.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "boost/json.hpp"
#include "pim/accounts/account_service.h"
#include "pim/identity/base64url.h"
#include "pim/identity/signing_key.h"
#include "pim/identity/x509_certificate.h"
#include "unit/accounts/accounts_fixture.h"
#include "unit/identity/test_certificates.h"

namespace pim::testing {
namespace {

using accounts::ClientKeyInfo;
using accounts::kCertificateExpired;
using accounts::kCertificateNotYetValid;
using accounts::kInvalidCredentials;
using identity::X509Certificate;
using identity::testing::CertKey;
using identity::testing::MakeCertificate;
using identity::testing::NewCertKey;
using identity::testing::SignedJwt;
using identity::testing::TestCertificate;

constexpr char kTokenEndpoint[] = "https://pim.test/oauth2/token";

class ClientCertificateTest : public AccountsTest {
 protected:
  void SetUp() override {
    AccountsTest::SetUp();
    app_ = AddPrincipal(PrincipalKind::kServicePrincipal, "deploy-bot");
  }

  // A certificate valid from an hour ago for `lifetime`.
  TestCertificate Certificate(CertKey kind, absl::Duration lifetime = absl::Hours(24 * 90)) {
    return MakeCertificate(NewCertKey(kind), clock_.Now() - absl::Hours(1),
                           clock_.Now() + lifetime);
  }

  static X509Certificate Parsed(const TestCertificate& made) {
    return *X509Certificate::FromDer(made.der);
  }

  // An assertion by `signer` with JOSE `header` (alg is added), as MSAL makes them. With
  // `claimed_alg`, the header is rewritten to claim that algorithm after signing.
  std::string Assertion(const TestCertificate& signer, boost::json::object header,
                        const std::string& jti, const std::string& aud = kTokenEndpoint,
                        const std::string& claimed_alg = "") {
    const int64_t now = absl::ToUnixSeconds(clock_.Now());
    header["typ"] = "JWT";
    if (!header.contains("alg")) header["alg"] = Parsed(signer).alg();
    std::string token = SignedJwt(signer.key.get(), header,
                                  {{"iss", app_.str()},
                                   {"sub", app_.str()},
                                   {"aud", aud},
                                   {"iat", now},
                                   {"nbf", now},
                                   {"exp", now + 600},
                                   {"jti", jti}});
    if (claimed_alg.empty()) return token;
    header["alg"] = claimed_alg;
    return identity::Base64UrlEncode(boost::json::serialize(header)) +
           token.substr(token.find('.'));
  }

  absl::StatusOr<PrincipalId> Verify(const std::string& assertion) {
    return accounts_->VerifyClientAssertion(app_.str(), assertion, {kTokenEndpoint}, "10.0.0.9");
  }

  PrincipalId app_;
};

TEST_F(ClientCertificateTest, UploadKeepsThumbprintsAndValidityAndListsThem) {
  const TestCertificate made = Certificate(CertKey::kRsa2048);
  const X509Certificate cert = Parsed(made);
  auto added = accounts_->AddClientCertificate(app_, made.Pem(), "build agent");
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(added->type, "AsymmetricX509Cert");
  EXPECT_EQ(added->display_name, "build agent");
  EXPECT_EQ(added->alg, "RS256");
  EXPECT_EQ(added->thumbprint, cert.Sha1Hex());
  EXPECT_EQ(added->thumbprint_sha256, cert.Sha256Hex());
  EXPECT_EQ(added->start, cert.not_before());
  EXPECT_EQ(added->end, cert.not_after());
  EXPECT_EQ(added->subject, "CN=pim-test-client");
  EXPECT_EQ(added->key_id.size(), 36u);  // a GUID, like Graph's keyId
  EXPECT_EQ(added->key_id[14], '4');

  // Without a display name the subject serves; a JWK lists beside it without a window.
  auto second = accounts_->AddClientCertificate(app_, Certificate(CertKey::kEd25519).Base64(), "");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->display_name, "CN=pim-test-client");
  const identity::SigningKey jwk_key = identity::SigningKey::Generate();
  ASSERT_TRUE(accounts_->AddClientKey(app_, boost::json::serialize(jwk_key.PublicJwk())).ok());

  auto listed = accounts_->ListClientKeys(app_);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 3u);
  int certificates = 0;
  for (const ClientKeyInfo& k : *listed) {
    if (k.key_id == added->key_id) {
      ++certificates;
      EXPECT_EQ(k.type, "AsymmetricX509Cert");
      EXPECT_EQ(k.thumbprint, cert.Sha1Hex());
      EXPECT_EQ(k.start, cert.not_before());
      EXPECT_EQ(k.end, cert.not_after());
      EXPECT_EQ(k.alg, "RS256");
    } else if (k.key_id == second->key_id) {
      ++certificates;
      EXPECT_EQ(k.alg, "EdDSA");
    } else {
      EXPECT_EQ(k.key_id, jwk_key.kid());
      EXPECT_EQ(k.type, "JsonWebKey");
      EXPECT_EQ(k.alg, "EdDSA");
      EXPECT_TRUE(k.thumbprint.empty());
      EXPECT_EQ(k.end, absl::InfiniteFuture());
    }
  }
  EXPECT_EQ(certificates, 2);
}

TEST_F(ClientCertificateTest, UploadRefusesBadExpiredDuplicateAndForeignCertificates) {
  EXPECT_ERROR(accounts_->AddClientCertificate(app_, "garbage", ""),
               absl::StatusCode::kInvalidArgument, "InvalidKey");
  EXPECT_ERROR(accounts_->AddClientCertificate(app_, Certificate(CertKey::kRsa1024).Pem(), ""),
               absl::StatusCode::kInvalidArgument, "InvalidKey");
  const TestCertificate expired = MakeCertificate(
      NewCertKey(CertKey::kP256), clock_.Now() - absl::Hours(48), clock_.Now() - absl::Hours(1));
  const auto refused = accounts_->AddClientCertificate(app_, expired.Base64(), "");
  EXPECT_ERROR(refused, absl::StatusCode::kInvalidArgument, kCertificateExpired);
  EXPECT_NE(std::string(refused.status().message()).find("expired at"), std::string::npos);

  const TestCertificate good = Certificate(CertKey::kP256);
  ASSERT_TRUE(accounts_->AddClientCertificate(app_, good.Pem(), "").ok());
  EXPECT_ERROR(accounts_->AddClientCertificate(app_, good.Base64(), ""),
               absl::StatusCode::kAlreadyExists, "KeyCredentialExists");
  const PrincipalId user = AddAccount("Ada Lovelace", "ada@contoso.test");
  EXPECT_ERROR(accounts_->AddClientCertificate(user, good.Pem(), ""), absl::StatusCode::kNotFound,
               "ServicePrincipalNotFound");
  EXPECT_EQ(accounts_->ListClientKeys(app_)->size(), 1u);
}

TEST_F(ClientCertificateTest, AssertionsNamingTheCertificateByThumbprintOrKidWork) {
  const TestCertificate rsa = Certificate(CertKey::kRsa2048);
  const TestCertificate ec = Certificate(CertKey::kP256);
  const TestCertificate ed = Certificate(CertKey::kEd25519);
  auto rsa_info = accounts_->AddClientCertificate(app_, rsa.Base64(), "");
  ASSERT_TRUE(rsa_info.ok()) << rsa_info.status();
  ASSERT_TRUE(accounts_->AddClientCertificate(app_, ec.Pem(), "").ok());
  ASSERT_TRUE(accounts_->AddClientCertificate(app_, ed.Pem(), "").ok());
  const X509Certificate r = Parsed(rsa);

  // MSAL: x5t (SHA-1) with RS256; newer MSAL: x5t#S256; some libraries: kid = thumbprint.
  const std::vector<std::pair<std::string, std::string>> ways = {
      {"x5t", Assertion(rsa, {{"x5t", r.x5t()}}, "1")},
      {"x5t#S256", Assertion(rsa, {{"x5t#S256", r.x5t_s256()}}, "2")},
      {"both", Assertion(rsa, {{"x5t", r.x5t()}, {"x5t#S256", r.x5t_s256()}, {"kid", "x"}}, "3")},
      {"kid hex", Assertion(rsa, {{"kid", r.Sha1Hex()}}, "4")},
      {"kid lower hex", Assertion(rsa, {{"kid", absl::AsciiStrToLower(r.Sha1Hex())}}, "5")},
      {"kid keyId", Assertion(rsa, {{"kid", rsa_info->key_id}}, "6")},
      // MSAL given a SHA-256 thumbprint: PS256 with x5t#S256.
      {"PS256", Assertion(rsa, {{"alg", "PS256"}, {"x5t#S256", r.x5t_s256()}}, "9")},
      {"PS256 kid", Assertion(rsa, {{"alg", "PS256"}, {"kid", r.Sha1Hex()}}, "10")},
      {"ES256", Assertion(ec, {{"x5t#S256", Parsed(ec).x5t_s256()}}, "7")},
      {"EdDSA", Assertion(ed, {{"x5t", Parsed(ed).x5t()}}, "8")},
  };
  for (const auto& [name, assertion] : ways) {
    auto who = Verify(assertion);
    ASSERT_TRUE(who.ok()) << name << ": " << who.status();
    EXPECT_EQ(*who, app_);
  }
}

TEST_F(ClientCertificateTest, WrongThumbprintKeyAudienceOrReplayIsRefused) {
  const TestCertificate rsa = Certificate(CertKey::kRsa2048);
  const TestCertificate ec = Certificate(CertKey::kP256);
  const TestCertificate stranger = Certificate(CertKey::kP256);
  ASSERT_TRUE(accounts_->AddClientCertificate(app_, rsa.Pem(), "").ok());
  ASSERT_TRUE(accounts_->AddClientCertificate(app_, ec.Pem(), "").ok());
  const X509Certificate r = Parsed(rsa);
  const X509Certificate e = Parsed(ec);

  const std::vector<std::pair<std::string, std::string>> refused = {
      // A thumbprint nobody registered, even signed by a registered key.
      {"unknown x5t", Assertion(ec, {{"x5t", Parsed(stranger).x5t()}}, "a")},
      // The RSA certificate's thumbprint over the EC key's signature.
      {"x5t of another", Assertion(ec, {{"x5t", r.x5t()}, {"alg", "ES256"}}, "b")},
      // PS256 is for RSA keys only.
      {"PS256 on EC", Assertion(ec, {{"alg", "ES256"}, {"x5t", e.x5t()}}, "e", kTokenEndpoint,
                                /*claimed_alg=*/"PS256")},
      // A PKCS#1 v1.5 signature claimed as PSS.
      {"RS256 as PS256", Assertion(rsa, {{"alg", "RS256"}, {"x5t", r.x5t()}}, "f", kTokenEndpoint,
                                   /*claimed_alg=*/"PS256")},
      // Headers that disagree with each other.
      {"mixed", Assertion(rsa, {{"x5t", r.x5t()}, {"x5t#S256", e.x5t_s256()}}, "c")},
      // A registered thumbprint over a stranger's signature.
      {"forged", Assertion(stranger, {{"x5t#S256", e.x5t_s256()}}, "d")},
  };
  int n = 0;
  for (const auto& [name, assertion] : refused) {
    SCOPED_TRACE(name);
    EXPECT_ERROR(Verify(assertion), absl::StatusCode::kUnauthenticated, kInvalidCredentials);
    // A good assertion between refusals keeps the client clear of its lockout.
    ASSERT_TRUE(Verify(Assertion(ec, {{"x5t", e.x5t()}}, absl::StrCat("ok-", ++n))).ok());
  }
  const std::string good = Assertion(ec, {{"x5t#S256", e.x5t_s256()}}, "once");
  ASSERT_TRUE(Verify(good).ok());  // also clears the failure count
  EXPECT_ERROR(Verify(good), absl::StatusCode::kUnauthenticated, kInvalidCredentials);
  EXPECT_ERROR(Verify(Assertion(ec, {{"x5t#S256", e.x5t_s256()}}, "other-aud", "https://evil")),
               absl::StatusCode::kUnauthenticated, kInvalidCredentials);
  // iss and sub must both be the client.
  const int64_t now = absl::ToUnixSeconds(clock_.Now());
  const std::string wrong_sub =
      SignedJwt(ec.key.get(), {{"alg", "ES256"}, {"x5t#S256", e.x5t_s256()}},
                {{"iss", app_.str()},
                 {"sub", "someone-else"},
                 {"aud", kTokenEndpoint},
                 {"exp", now + 60},
                 {"jti", "sub"}});
  EXPECT_ERROR(Verify(wrong_sub), absl::StatusCode::kUnauthenticated, kInvalidCredentials);
}

TEST_F(ClientCertificateTest, ExpiredCertificateFailsWithItsOwnReasonAndNotYetValidWaits) {
  const TestCertificate made = Certificate(CertKey::kRsa2048, absl::Hours(2));
  const X509Certificate cert = Parsed(made);
  ASSERT_TRUE(accounts_->AddClientCertificate(app_, made.Pem(), "").ok());
  ASSERT_TRUE(Verify(Assertion(made, {{"x5t", cert.x5t()}}, "before")).ok());

  clock_.Advance(absl::Hours(2) + absl::Seconds(1));
  const auto expired = Verify(Assertion(made, {{"x5t", cert.x5t()}}, "after"));
  EXPECT_ERROR(expired, absl::StatusCode::kUnauthenticated, kCertificateExpired);
  EXPECT_NE(std::string(expired.status().message()).find("expired"), std::string::npos);
  EXPECT_NE(std::string(expired.status().message()).find(cert.Sha1Hex()), std::string::npos);
  // Someone without the key learns nothing about the certificate.
  const TestCertificate stranger = Certificate(CertKey::kRsa2048);
  EXPECT_ERROR(Verify(Assertion(stranger, {{"x5t", cert.x5t()}}, "stranger")),
               absl::StatusCode::kUnauthenticated, kInvalidCredentials);

  // A certificate valid from tomorrow may be uploaded, and works from then on.
  const TestCertificate later = MakeCertificate(
      NewCertKey(CertKey::kP256), clock_.Now() + absl::Hours(24), clock_.Now() + absl::Hours(48));
  const X509Certificate l = Parsed(later);
  ASSERT_TRUE(accounts_->AddClientCertificate(app_, later.Pem(), "").ok());
  EXPECT_ERROR(Verify(Assertion(later, {{"x5t", l.x5t()}}, "early")),
               absl::StatusCode::kUnauthenticated, kCertificateNotYetValid);
  clock_.Advance(absl::Hours(24));
  EXPECT_TRUE(Verify(Assertion(later, {{"x5t", l.x5t()}}, "on time")).ok());
}

TEST_F(ClientCertificateTest, RemovedCertificateOrDisabledPrincipalNoLongerSignsIn) {
  const TestCertificate made = Certificate(CertKey::kP256);
  const X509Certificate cert = Parsed(made);
  auto added = accounts_->AddClientCertificate(app_, made.Pem(), "");
  ASSERT_TRUE(added.ok());
  ASSERT_TRUE(Verify(Assertion(made, {{"x5t", cert.x5t()}}, "1")).ok());

  Principal sp;
  engine_->Read([&](const State& s) { sp = *s.FindPrincipal(app_.str()); });
  sp.enabled = false;
  ASSERT_TRUE(engine_->PutPrincipal(Caller::System(), sp).ok());
  EXPECT_ERROR(Verify(Assertion(made, {{"x5t", cert.x5t()}}, "2")),
               absl::StatusCode::kUnauthenticated, kInvalidCredentials);
  sp.enabled = true;
  ASSERT_TRUE(engine_->PutPrincipal(Caller::System(), sp).ok());
  ASSERT_TRUE(Verify(Assertion(made, {{"x5t", cert.x5t()}}, "3")).ok());

  ASSERT_TRUE(accounts_->RemoveClientKey(app_, added->key_id).ok());
  EXPECT_ERROR(accounts_->RemoveClientKey(app_, added->key_id), absl::StatusCode::kNotFound,
               "KeyNotFound");
  EXPECT_ERROR(Verify(Assertion(made, {{"x5t", cert.x5t()}}, "4")),
               absl::StatusCode::kUnauthenticated, kInvalidCredentials);
  EXPECT_TRUE(accounts_->ListClientKeys(app_)->empty());
}

TEST_F(ClientCertificateTest, AThumbprintHeaderNeverFallsBackToRegisteredJwks) {
  // The same EC key registered as a JWK: an assertion naming a certificate by thumbprint is
  // checked against certificates only.
  const TestCertificate made = Certificate(CertKey::kP256);
  const X509Certificate cert = Parsed(made);
  boost::json::object jwk = cert.jwk();
  jwk["kid"] = "bare";
  ASSERT_TRUE(accounts_->AddClientKey(app_, boost::json::serialize(jwk)).ok());
  EXPECT_ERROR(Verify(Assertion(made, {{"x5t", cert.x5t()}}, "1")),
               absl::StatusCode::kUnauthenticated, kInvalidCredentials);
  EXPECT_TRUE(Verify(Assertion(made, {{"kid", "bare"}}, "2")).ok());
}

}  // namespace
}  // namespace pim::testing
