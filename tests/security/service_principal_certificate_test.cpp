// Certificate credentials through the whole request path: an administrator registers a Graph
// keyCredential at POST /pim/v1/servicePrincipals/{id}/keys, the service principal obtains a
// token with a client assertion signed by the certificate's key, and removal ends that.
#include "absl/strings/str_cat.h"
#include "pim/domain/iso8601.h"
#include "pim/identity/x509_certificate.h"
#include "security/security_fixture.h"
#include "unit/identity/test_certificates.h"

namespace pim::testing {
namespace {

using identity::testing::CertKey;
using identity::testing::MakeCertificate;
using identity::testing::NewCertKey;
using identity::testing::SignedJwt;
using identity::testing::TestCertificate;

class ServicePrincipalCertificateTest : public SecurityTest {
 protected:
  void SetUp() override {
    SecurityTest::SetUp();
    ada_ = AddAccount("Ada Admin", "ada@contoso.test");
    ASSERT_TRUE(MakeActive(ada_, GA()).ok());
    mallory_ = AddAccount("Mallory Mole", "mallory@contoso.test");
    app_ = AddPrincipal(PrincipalKind::kServicePrincipal, "deploy-bot");
    path_ = "/pim/v1/servicePrincipals/" + app_.str() + "/keys";
  }

  static std::string KeyCredential(const std::string& key) {
    return boost::json::serialize(boost::json::object{{"type", "AsymmetricX509Cert"},
                                                      {"usage", "Verify"},
                                                      {"key", key},
                                                      {"displayName", "CN=deploy-bot"}});
  }

  api::HttpResponse TokenFor(const TestCertificate& cert, const std::string& jti) {
    const identity::X509Certificate parsed = *identity::X509Certificate::FromDer(cert.der);
    const int64_t now = absl::ToUnixSeconds(clock_.Now());
    const std::string assertion =
        SignedJwt(cert.key.get(), {{"alg", parsed.alg()}, {"typ", "JWT"}, {"x5t", parsed.x5t()}},
                  {{"iss", app_.str()},
                   {"sub", app_.str()},
                   {"aud", std::string(kIssuer) + "/oauth2/token"},
                   {"exp", now + 300},
                   {"jti", jti}});
    return Form("/oauth2/token",
                "grant_type=client_credentials&client_id=" + app_.str() +
                    "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%"
                    "3Ajwt-bearer&client_assertion=" +
                    assertion);
  }

  PrincipalId ada_, mallory_, app_;
  std::string path_;
};

TEST_F(ServicePrincipalCertificateTest, AdministratorRegistersACertificateThatSignsIn) {
  const TestCertificate cert = MakeCertificate(
      NewCertKey(CertKey::kRsa2048), clock_.Now() - absl::Hours(1), clock_.Now() + absl::Hours(24));
  const identity::X509Certificate parsed = *identity::X509Certificate::FromDer(cert.der);
  EXPECT_EQ(TokenFor(cert, "before").status, 401);

  const Snapshot before = Take();
  const auto refused =
      Send("POST", path_, SignIn("mallory%40contoso.test"), KeyCredential(cert.Base64()));
  EXPECT_EQ(refused.status, 403) << refused.body;
  ExpectUnchanged(before);
  EXPECT_TRUE(accounts_->ListClientKeys(app_)->empty());

  const std::string ada = SignIn("ada%40contoso.test");
  const auto created = Send("POST", path_, ada, KeyCredential(cert.Base64()));
  ASSERT_EQ(created.status, 201) << created.body;
  const auto credential = boost::json::parse(created.body).as_object();
  EXPECT_EQ(credential.at("type").as_string(), "AsymmetricX509Cert");
  EXPECT_EQ(credential.at("usage").as_string(), "Verify");
  EXPECT_EQ(credential.at("displayName").as_string(), "CN=deploy-bot");
  EXPECT_EQ(credential.at("customKeyIdentifier").as_string(), parsed.Sha1Hex());
  EXPECT_EQ(credential.at("thumbprintSha256").as_string(), parsed.Sha256Hex());
  EXPECT_EQ(credential.at("startDateTime").as_string(), FormatDateTime(parsed.not_before()));
  EXPECT_EQ(credential.at("endDateTime").as_string(), FormatDateTime(parsed.not_after()));
  EXPECT_TRUE(credential.at("key").is_null());
  const std::string key_id(credential.at("keyId").as_string());

  const auto listed = Send("GET", path_, ada);
  ASSERT_EQ(listed.status, 200) << listed.body;
  const auto value = boost::json::parse(listed.body).at("value").as_array();
  ASSERT_EQ(value.size(), 1u);
  EXPECT_EQ(value[0].at("keyId").as_string(), key_id);
  EXPECT_EQ(value[0].at("thumbprint").as_string(), parsed.Sha1Hex());
  EXPECT_EQ(value[0].at("endDateTime"), credential.at("endDateTime"));

  const auto token = TokenFor(cert, "after");
  ASSERT_EQ(token.status, 200) << token.body;
  EXPECT_EQ(Send("DELETE", path_ + "/" + key_id, ada).status, 204);
  EXPECT_EQ(TokenFor(cert, "removed").status, 401);
}

TEST_F(ServicePrincipalCertificateTest, UploadErrorsAreClear) {
  const std::string ada = SignIn("ada%40contoso.test");
  const TestCertificate expired = MakeCertificate(
      NewCertKey(CertKey::kP256), clock_.Now() - absl::Hours(48), clock_.Now() - absl::Hours(24));
  const auto old = Send("POST", path_, ada, KeyCredential(expired.Pem()));
  EXPECT_EQ(old.status, 400);
  EXPECT_EQ(ErrorCodeOf(old), "CertificateExpired");
  EXPECT_NE(old.body.find("expired at"), std::string::npos) << old.body;

  const auto garbage = Send("POST", path_, ada, KeyCredential("bm90IGEgY2VydGlmaWNhdGU="));
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(ErrorCodeOf(garbage), "InvalidKey");

  const TestCertificate good = MakeCertificate(
      NewCertKey(CertKey::kEd25519), clock_.Now() - absl::Hours(1), clock_.Now() + absl::Hours(1));
  for (const auto& [body, why] : std::vector<std::pair<boost::json::object, std::string>>{
           {{{"type", "Symmetric"}, {"usage", "Verify"}, {"key", good.Base64()}}, "type"},
           {{{"type", "AsymmetricX509Cert"}, {"usage", "Sign"}, {"key", good.Base64()}}, "usage"},
           {{{"type", "AsymmetricX509Cert"}, {"key", good.Base64()}}, "no usage"},
           {{{"type", "AsymmetricX509Cert"}, {"usage", "Verify"}}, "no key"},
           {{{"type", "AsymmetricX509Cert"},
             {"usage", "Verify"},
             {"key", good.Base64()},
             {"endDateTime", "2999-01-01T00:00:00Z"}},
            "endDateTime"},
           {{{"type", "AsymmetricX509Cert"},
             {"usage", "Verify"},
             {"key", good.Base64()},
             {"secretText", "x"}},
            "unknown member"}}) {
    const auto r = Send("POST", path_, ada, boost::json::serialize(body));
    EXPECT_EQ(r.status, 400) << why << ": " << r.body;
  }
  EXPECT_TRUE(accounts_->ListClientKeys(app_)->empty());
  const auto ok = Send("POST", path_, ada, KeyCredential(good.Pem()));
  EXPECT_EQ(ok.status, 201) << ok.body;
  const auto again = Send("POST", path_, ada, KeyCredential(good.Base64()));
  EXPECT_EQ(again.status, 409) << again.body;
}

TEST_F(ServicePrincipalCertificateTest, GraphAddKeyAndRemoveKey) {
  const TestCertificate cert = MakeCertificate(
      NewCertKey(CertKey::kP256), clock_.Now() - absl::Hours(1), clock_.Now() + absl::Hours(24));
  const identity::X509Certificate parsed = *identity::X509Certificate::FromDer(cert.der);
  const std::string add = "/v1.0/servicePrincipals/" + app_.str() + "/addKey";
  const std::string remove = "/v1.0/servicePrincipals/" + app_.str() + "/removeKey";
  const std::string body = absl::StrCat(R"({"keyCredential":)", KeyCredential(cert.Base64()),
                                        R"(,"passwordCredential":null,"proof":"not-checked"})");

  const Snapshot before = Take();
  const auto refused = Send("POST", add, SignIn("mallory%40contoso.test"), body);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(ErrorCodeOf(refused), "Authorization_RequestDenied");
  ExpectUnchanged(before);
  EXPECT_TRUE(accounts_->ListClientKeys(app_)->empty());

  const std::string ada = SignIn("ada%40contoso.test");
  const auto added = Send("POST", add, ada, body);
  ASSERT_EQ(added.status, 200) << added.body;
  const auto credential = boost::json::parse(added.body).as_object();
  EXPECT_EQ(credential.at("@odata.context").as_string(),
            "https://pim.test:8443/v1.0/$metadata#microsoft.graph.keyCredential");
  EXPECT_EQ(credential.at("customKeyIdentifier").as_string(), parsed.Sha1Hex());
  EXPECT_EQ(credential.at("type").as_string(), "AsymmetricX509Cert");
  EXPECT_EQ(credential.at("usage").as_string(), "Verify");
  EXPECT_EQ(credential.at("startDateTime").as_string(), FormatDateTime(parsed.not_before()));
  EXPECT_EQ(credential.at("endDateTime").as_string(), FormatDateTime(parsed.not_after()));
  EXPECT_TRUE(credential.at("key").is_null());
  const std::string key_id(credential.at("keyId").as_string());
  EXPECT_EQ(TokenFor(cert, "graph").status, 200);

  EXPECT_EQ(Send("POST", add, ada, R"({"keyCredential":{"type":"AsymmetricX509Cert"}})").status,
            400);
  EXPECT_EQ(Send("POST", add, ada,
                 absl::StrCat(R"({"keyCredential":)", KeyCredential(cert.Base64()),
                              R"(,"passwordCredential":{"displayName":"x"}})"))
                .status,
            400);
  EXPECT_EQ(Send("PATCH", add, ada, "{}").status, 405);  // an action: POST only
  EXPECT_EQ(Send("POST", remove, ada, R"({"keyId":"00000000-0000-4000-8000-000000000000"})").status,
            400);
  EXPECT_EQ(Send("POST", remove, ada, absl::StrCat(R"({"keyId":")", key_id, R"("})")).status, 204);
  EXPECT_EQ(TokenFor(cert, "graph-removed").status, 401);
  EXPECT_EQ(Send("POST", "/v1.0/servicePrincipals/" + mallory_.str() + "/addKey", ada, body).status,
            404);
}

}  // namespace
}  // namespace pim::testing
