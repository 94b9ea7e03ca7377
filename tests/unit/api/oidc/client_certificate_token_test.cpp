// The token endpoint's client-credentials grant with a certificate credential: the service
// principal signs an RFC 7523 client assertion with the certificate's private key and names the
// certificate by thumbprint, as MSAL's ConfidentialClientApplication does.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "boost/json.hpp"
#include "pim/api/oidc/oidc_api.h"
#include "pim/identity/x509_certificate.h"
#include "unit/accounts/accounts_fixture.h"
#include "unit/identity/test_certificates.h"

namespace pim::testing {
namespace {

using identity::testing::CertKey;
using identity::testing::MakeCertificate;
using identity::testing::NewCertKey;
using identity::testing::SignedJwt;
using identity::testing::TestCertificate;

class ClientCertificateTokenTest : public TokensTest {
 protected:
  void SetUp() override {
    TokensTest::SetUp();
    oidc_ = std::make_unique<api::OidcApi>(*accounts_, *tokens_, clock_);
    app_ = AddPrincipal(PrincipalKind::kServicePrincipal, "deploy-bot");
  }

  std::string Assertion(const TestCertificate& cert, const std::string& jti) {
    const identity::X509Certificate parsed = *identity::X509Certificate::FromDer(cert.der);
    const int64_t now = absl::ToUnixSeconds(clock_.Now());
    return SignedJwt(cert.key.get(), {{"alg", parsed.alg()}, {"typ", "JWT"}, {"x5t", parsed.x5t()}},
                     {{"iss", app_.str()},
                      {"sub", app_.str()},
                      {"aud", std::string(kIssuer) + "/oauth2/token"},
                      {"iat", now},
                      {"nbf", now},
                      {"exp", now + 600},
                      {"jti", jti}});
  }

  api::HttpResponse RequestToken(const std::string& assertion) {
    api::HttpRequest r;
    r.method = "POST";
    r.target = "/oauth2/token";
    r.remote_address = "10.1.1.1";
    r.body = "grant_type=client_credentials&client_id=" + app_.str() +
             "&scope=api%3A%2F%2Fpim%2F.default"
             "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-"
             "bearer&client_assertion=" +
             assertion;
    r.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
    return oidc_->Handle(r, "/oauth2/token", "");
  }

  static boost::json::object Body(const api::HttpResponse& r) {
    return boost::json::parse(r.body).as_object();
  }

  std::unique_ptr<api::OidcApi> oidc_;
  PrincipalId app_;
};

TEST_F(ClientCertificateTokenTest, CertificateSignedAssertionObtainsAnAppToken) {
  const TestCertificate cert = MakeCertificate(
      NewCertKey(CertKey::kRsa2048), clock_.Now() - absl::Hours(1), clock_.Now() + absl::Hours(2));
  ASSERT_TRUE(accounts_->AddClientCertificate(app_, cert.Base64(), "ci").ok());

  const api::HttpResponse r = RequestToken(Assertion(cert, "first"));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = Body(r);
  EXPECT_EQ(body.at("token_type").as_string(), "Bearer");
  EXPECT_FALSE(body.contains("refresh_token"));
  auto caller = tokens_->VerifyAccessToken(std::string(body.at("access_token").as_string()));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->id, app_);

  // The same assertion again is a replay.
  const api::HttpResponse replay = RequestToken(Assertion(cert, "first"));
  EXPECT_EQ(replay.status, 401);
  EXPECT_EQ(Body(replay).at("error").as_string(), "invalid_client");
  EXPECT_EQ(Body(replay).at("error_description").as_string(), "Client authentication failed.");
}

TEST_F(ClientCertificateTokenTest, ExpiredCertificateIsInvalidClientSayingSo) {
  const TestCertificate cert = MakeCertificate(
      NewCertKey(CertKey::kP256), clock_.Now() - absl::Hours(1), clock_.Now() + absl::Hours(1));
  ASSERT_TRUE(accounts_->AddClientCertificate(app_, cert.Pem(), "").ok());
  clock_.Advance(absl::Hours(1) + absl::Minutes(1));

  const api::HttpResponse r = RequestToken(Assertion(cert, "late"));
  EXPECT_EQ(r.status, 401);
  const auto body = Body(r);
  EXPECT_EQ(body.at("error").as_string(), "invalid_client");
  const std::string description(body.at("error_description").as_string());
  EXPECT_NE(description.find("expired"), std::string::npos) << description;
  EXPECT_EQ(r.Header("Cache-Control"), "no-store");

  // Someone else's key naming that certificate learns nothing about it.
  const TestCertificate forged = MakeCertificate(
      NewCertKey(CertKey::kP256), clock_.Now() - absl::Hours(1), clock_.Now() + absl::Hours(1));
  const identity::X509Certificate real = *identity::X509Certificate::FromDer(cert.der);
  const int64_t now = absl::ToUnixSeconds(clock_.Now());
  const std::string forged_assertion =
      SignedJwt(forged.key.get(), {{"alg", "ES256"}, {"x5t", real.x5t()}},
                {{"iss", app_.str()},
                 {"sub", app_.str()},
                 {"aud", std::string(kIssuer) + "/oauth2/token"},
                 {"exp", now + 60},
                 {"jti", "forged"}});
  const api::HttpResponse refused = RequestToken(forged_assertion);
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(Body(refused).at("error_description").as_string(), "Client authentication failed.");
}

}  // namespace
}  // namespace pim::testing
