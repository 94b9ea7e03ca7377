#include "pim/api/oidc/oidc_api.h"

#include <gtest/gtest.h>

#include <regex>

#include "boost/json.hpp"
#include "pim/identity/base64url.h"
#include "pim/identity/jwt.h"
#include "pim/identity/secure_random.h"
#include "pim/identity/signing_key.h"
#include "unit/accounts/accounts_fixture.h"

namespace pim::testing {
namespace {

constexpr char kVerifier[] = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr char kRedirect[] = "http://127.0.0.1:53682/callback";

std::string Challenge(std::string_view verifier) {
  return identity::Base64UrlEncode(identity::Sha256(verifier));
}

std::string Capture(const std::string& text, const std::string& pattern) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(pattern))) return "";
  return m[1];
}

class OidcApiTest : public TokensTest {
 protected:
  void SetUp() override {
    TokensTest::SetUp();
    oidc_ = std::make_unique<api::OidcApi>(*accounts_, *tokens_, clock_);
    ada_ = AddAccount("Ada Lovelace", "ada@contoso.test");
  }

  api::HttpResponse Send(const std::string& method, const std::string& target,
                         const std::string& body = "",
                         const std::string& content_type = "application/x-www-form-urlencoded",
                         std::vector<std::pair<std::string, std::string>> headers = {}) {
    api::HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = body;
    r.remote_address = "10.1.1.1";
    r.headers = std::move(headers);
    if (!body.empty()) r.headers.emplace_back("content-type", content_type);
    const size_t q = target.find('?');
    return oidc_->Handle(r, target.substr(0, q),
                         q == std::string::npos ? "" : target.substr(q + 1));
  }

  static boost::json::object Body(const api::HttpResponse& r) {
    return boost::json::parse(r.body).as_object();
  }

  std::string AuthorizeQuery(const std::string& state = "xyz") {
    return "response_type=code&client_id=pimctl&redirect_uri=http%3A%2F%2F127.0.0.1%3A53682%"
           "2Fcallback"
           "&code_challenge=" +
           Challenge(kVerifier) +
           "&code_challenge_method=S256&scope=openid+profile&state=" + state + "&nonce=n1";
  }

  // Posts the credentials step and returns the response.
  api::HttpResponse PostCredentials(const std::string& user, const std::string& password,
                                    const std::string& otp = "") {
    return Send("POST", "/oauth2/authorize",
                "step=credentials&" + AuthorizeQuery() + "&username=" + user +
                    "&password=" + password + "&otp=" + otp);
  }

  api::HttpResponse Redeem(const std::string& code, const std::string& verifier = kVerifier,
                           const std::string& redirect = kRedirect) {
    return Send("POST", "/oauth2/token",
                "grant_type=authorization_code&client_id=pimctl&code=" + code +
                    "&redirect_uri=" + redirect + "&code_verifier=" + verifier);
  }

  std::unique_ptr<api::OidcApi> oidc_;
  PrincipalId ada_;
};

TEST_F(OidcApiTest, DiscoveryAndKeys) {
  auto r = Send("GET", "/.well-known/openid-configuration");
  ASSERT_EQ(r.status, 200);
  const auto doc = Body(r);
  EXPECT_EQ(doc.at("issuer").as_string(), kIssuer);
  EXPECT_EQ(doc.at("token_endpoint").as_string(), std::string(kIssuer) + "/oauth2/token");
  EXPECT_EQ(doc.at("jwks_uri").as_string(), std::string(kIssuer) + "/oauth2/keys");
  EXPECT_EQ(doc.at("code_challenge_methods_supported").as_array(), boost::json::array{"S256"});
  auto keys = Send("GET", "/oauth2/keys");
  ASSERT_EQ(keys.status, 200);
  const auto list = Body(keys).at("keys").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].as_object().at("alg").as_string(), "EdDSA");
  EXPECT_FALSE(list[0].as_object().contains("d"));
  EXPECT_EQ(Send("DELETE", "/oauth2/keys").status, 404);
}

TEST_F(OidcApiTest, PasswordGrantIssuesVerifiableTokens) {
  auto r = Send("POST", "/oauth2/token",
                "grant_type=password&client_id=pimctl&username=ada%40contoso.test&password=correct+"
                "horse+battery+staple&scope=openid");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Cache-Control"), "no-store");
  const auto body = Body(r);
  EXPECT_EQ(body.at("token_type").as_string(), "Bearer");
  EXPECT_EQ(body.at("expires_in").as_int64(), 900);
  EXPECT_TRUE(body.contains("refresh_token"));
  EXPECT_TRUE(body.contains("id_token"));
  auto caller = tokens_->VerifyAccessToken(std::string(body.at("access_token").as_string()));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->id, ada_);

  // Refresh grant rotates.
  auto refreshed = Send("POST", "/oauth2/token",
                        "grant_type=refresh_token&client_id=pimctl&refresh_token=" +
                            std::string(body.at("refresh_token").as_string()));
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  EXPECT_NE(Body(refreshed).at("refresh_token"), body.at("refresh_token"));
  // Revoking the new one ends the session.
  const std::string latest(Body(refreshed).at("refresh_token").as_string());
  EXPECT_EQ(Send("POST", "/oauth2/revoke", "token=" + latest).status, 200);
  auto after = Send("POST", "/oauth2/token",
                    "grant_type=refresh_token&client_id=pimctl&refresh_token=" + latest);
  EXPECT_EQ(after.status, 400);
  EXPECT_EQ(Body(after).at("error").as_string(), "invalid_grant");
}

TEST_F(OidcApiTest, OnlyTheOpenidScopeBringsAnIdToken) {
  const std::string grant =
      "grant_type=password&client_id=pimctl&username=ada%40contoso.test&password=correct+horse+"
      "battery+staple&scope=";
  EXPECT_FALSE(
      Body(Send("POST", "/oauth2/token", grant + "openidish+profile")).contains("id_token"));
  EXPECT_TRUE(Body(Send("POST", "/oauth2/token", grant + "profile+openid")).contains("id_token"));
}

TEST_F(OidcApiTest, TokenEndpointErrorsFollowRfc6749) {
  auto bad_password = Send("POST", "/oauth2/token",
                           "grant_type=password&client_id=pimctl&username=ada%40contoso.test&"
                           "password=nope");
  EXPECT_EQ(bad_password.status, 400);
  EXPECT_EQ(Body(bad_password).at("error").as_string(), "invalid_grant");
  EXPECT_EQ(bad_password.body.find("nope"), std::string::npos);

  auto json = Send("POST", "/oauth2/token", R"({"grant_type":"password"})", "application/json");
  EXPECT_EQ(json.status, 400);
  EXPECT_EQ(Body(json).at("error").as_string(), "invalid_request");

  auto repeated = Send("POST", "/oauth2/token", "grant_type=password&grant_type=password");
  EXPECT_EQ(Body(repeated).at("error").as_string(), "invalid_request");

  auto unknown_client = Send("POST", "/oauth2/token", "grant_type=password&client_id=evil");
  EXPECT_EQ(unknown_client.status, 401);
  EXPECT_EQ(Body(unknown_client).at("error").as_string(), "invalid_client");

  auto grant = Send("POST", "/oauth2/token", "grant_type=implicit&client_id=pimctl");
  EXPECT_EQ(Body(grant).at("error").as_string(), "unsupported_grant_type");

  for (int i = 0; i < 5; ++i) {
    Send("POST", "/oauth2/token",
         "grant_type=password&client_id=pimctl&username=ada%40contoso.test&password=x");
  }
  auto locked = Send("POST", "/oauth2/token",
                     "grant_type=password&client_id=pimctl&username=ada%40contoso.test&"
                     "password=correct+horse+battery+staple");
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(locked.Header("Retry-After"), "60");
}

TEST_F(OidcApiTest, PasswordGrantNeedsTheTotpCodeOnceEnrolled) {
  const auto [key, recovery] = EnrolTotp(ada_);
  const std::string base =
      "grant_type=password&client_id=pimctl&username=ada%40contoso.test&password=correct+horse+"
      "battery+staple";
  auto without = Send("POST", "/oauth2/token", base);
  EXPECT_EQ(without.status, 400);
  EXPECT_EQ(Body(without).at("suberror").as_string(), accounts::kSecondFactorRequired);
  auto with = Send("POST", "/oauth2/token", base + "&otp=" + CodeAt(key, clock_.Now()));
  ASSERT_EQ(with.status, 200) << with.body;
  auto caller = tokens_->VerifyAccessToken(std::string(Body(with).at("access_token").as_string()));
  ASSERT_TRUE(caller.ok());
  EXPECT_EQ(caller->mfa_at, clock_.Now());
}

TEST_F(OidcApiTest, ClientCredentialsBySecretInBodyOrBasic) {
  const PrincipalId app = AddPrincipal(PrincipalKind::kServicePrincipal, "deploy-bot");
  auto secret = accounts_->AddClientSecret(app, absl::Hours(24));
  ASSERT_TRUE(secret.ok());
  auto post = Send("POST", "/oauth2/token",
                   "grant_type=client_credentials&client_id=" + app.str() +
                       "&client_secret=" + secret->secret_text);
  ASSERT_EQ(post.status, 200) << post.body;
  EXPECT_FALSE(Body(post).contains("refresh_token"));

  const std::string basic = "Basic " + [&] {
    std::string b64 = identity::Base64UrlEncode(app.str() + ":" + secret->secret_text);
    for (char& c : b64) c = c == '-' ? '+' : c == '_' ? '/' : c;
    while (b64.size() % 4 != 0) b64 += '=';
    return b64;
  }();
  auto basic_ok = Send("POST", "/oauth2/token", "grant_type=client_credentials",
                       "application/x-www-form-urlencoded", {{"authorization", basic}});
  ASSERT_EQ(basic_ok.status, 200) << basic_ok.body;

  auto wrong = Send("POST", "/oauth2/token",
                    "grant_type=client_credentials&client_id=" + app.str() + "&client_secret=x");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(Body(wrong).at("error").as_string(), "invalid_client");
}

TEST_F(OidcApiTest, ClientCredentialsByASignedAssertion) {
  const PrincipalId app = AddPrincipal(PrincipalKind::kServicePrincipal, "deploy-bot");
  const identity::SigningKey key = identity::SigningKey::Generate();
  ASSERT_TRUE(accounts_->AddClientKey(app, boost::json::serialize(key.PublicJwk())).ok());
  const int64_t now = absl::ToUnixSeconds(clock_.Now());
  const std::string assertion =
      identity::EncodeJwt(key, {{"iss", app.str()},
                                {"sub", app.str()},
                                {"aud", std::string(kIssuer) + "/oauth2/token"},
                                {"exp", now + 120},
                                {"jti", "a-1"}});
  const std::string body =
      "grant_type=client_credentials&client_id=" + app.str() +
      "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
      "&client_assertion=" +
      assertion;
  auto ok = Send("POST", "/oauth2/token", body);
  ASSERT_EQ(ok.status, 200) << ok.body;
  auto caller = tokens_->VerifyAccessToken(std::string(Body(ok).at("access_token").as_string()));
  ASSERT_TRUE(caller.ok());
  EXPECT_EQ(caller->id, app);
  auto replay = Send("POST", "/oauth2/token", body);
  EXPECT_EQ(replay.status, 401);
  EXPECT_EQ(Body(replay).at("error").as_string(), "invalid_client");
}

TEST_F(OidcApiTest, AuthorizationCodeWithPkce) {
  auto page = Send("GET", "/oauth2/authorize?" + AuthorizeQuery());
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page.Header("Content-Security-Policy").find("frame-ancestors 'none'"),
            std::string::npos);
  EXPECT_NE(page.body.find("name=\"password\""), std::string::npos);

  auto wrong = PostCredentials("ada%40contoso.test", "nope");
  EXPECT_EQ(wrong.status, 400);
  EXPECT_NE(wrong.body.find("incorrect"), std::string::npos);

  auto signed_in = PostCredentials("ada%40contoso.test", "correct+horse+battery+staple");
  ASSERT_EQ(signed_in.status, 302) << signed_in.body;
  const std::string location(signed_in.Header("Location"));
  ASSERT_TRUE(location.starts_with(std::string(kRedirect) + "?code=")) << location;
  EXPECT_NE(location.find("&state=xyz"), std::string::npos);
  const std::string code = Capture(location, "code=([^&]+)");

  // A wrong verifier or redirect does not redeem it — and spends it.
  EXPECT_EQ(Redeem(code, std::string(43, 'a')).status, 400);
  EXPECT_EQ(Redeem(code).status, 400);

  auto again = PostCredentials("ada%40contoso.test", "correct+horse+battery+staple");
  const std::string code2 = Capture(std::string(again.Header("Location")), "code=([^&]+)");
  EXPECT_EQ(Redeem(code2, kVerifier, "http://127.0.0.1:1/other").status, 400);
  auto again3 = PostCredentials("ada%40contoso.test", "correct+horse+battery+staple");
  const std::string code3 = Capture(std::string(again3.Header("Location")), "code=([^&]+)");
  auto tokens = Redeem(code3);
  ASSERT_EQ(tokens.status, 200) << tokens.body;
  EXPECT_TRUE(Body(tokens).contains("id_token"));
  EXPECT_EQ(Redeem(code3).status, 400);  // single use

  // Codes expire after a minute.
  auto late = PostCredentials("ada%40contoso.test", "correct+horse+battery+staple");
  const std::string code4 = Capture(std::string(late.Header("Location")), "code=([^&]+)");
  clock_.Advance(absl::Seconds(61));
  EXPECT_EQ(Redeem(code4).status, 400);
}

TEST_F(OidcApiTest, AuthorizeNeverRedirectsToUnregisteredPlaces) {
  const std::string challenge = Challenge(kVerifier);
  for (const std::string& redirect :
       {std::string("https%3A%2F%2Fevil.example%2Fcb"),
        std::string("http%3A%2F%2Fevil.example%2Fcb"),
        std::string("http%3A%2F%2F127.0.0.1.evil.example%2Fcb"),
        std::string("http%3A%2F%2Flocalhost%40evil.example%2Fcb"),
        std::string("http%3A%2F%2F127.0.0.1%3A8080%2Fcb%23fragment"),
        std::string("http%3A%2F%2F127.0.0.1%3A123456%2Fcb"), std::string("")}) {
    auto r = Send("GET",
                  "/oauth2/authorize?response_type=code&client_id=pimctl&redirect_uri=" + redirect +
                      "&code_challenge=" + challenge + "&code_challenge_method=S256");
    EXPECT_EQ(r.status, 400) << redirect;
    EXPECT_TRUE(r.Header("Location").empty());
  }
  auto plain = Send("GET",
                    "/oauth2/authorize?response_type=code&client_id=pimctl&redirect_uri=http%3A%2F%"
                    "2F127.0.0.1%3A1%2Fcb&code_challenge=" +
                        challenge + "&code_challenge_method=plain");
  EXPECT_EQ(plain.status, 400);
  auto no_pkce = Send("GET",
                      "/oauth2/authorize?response_type=code&client_id=pimctl&redirect_uri=http%3A%"
                      "2F%2F127.0.0.1%3A1%2Fcb");
  EXPECT_EQ(no_pkce.status, 400);
  auto unknown = Send("GET", "/oauth2/authorize?" + AuthorizeQuery() + "&client_id=x");
  EXPECT_EQ(unknown.status, 400);
}

TEST_F(OidcApiTest, PageValuesAreEscaped) {
  auto page = Send("GET", "/oauth2/authorize?" + AuthorizeQuery("%22%3E%3Cscript%3E") +
                              "&login_hint=%3Cimg+src%3Dx%3E");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("<script>"), std::string::npos);
  EXPECT_EQ(page.body.find("<img"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;img src=x&gt;"), std::string::npos);
}

TEST_F(OidcApiTest, FirstSignInForcesAPasswordChangeAndTotpEnrolment) {
  ASSERT_TRUE(accounts_->SetPassword(ada_, "initial password 123", true).ok());
  ASSERT_TRUE(accounts_->RequireTotpEnrolment(ada_).ok());
  auto change = PostCredentials("ada%40contoso.test", "initial+password+123");
  ASSERT_EQ(change.status, 200) << change.body;
  EXPECT_NE(change.body.find("Choose a new password"), std::string::npos);
  std::string flow = Capture(change.body, "name=\"flow\" value=\"([^\"]+)\"");
  ASSERT_FALSE(flow.empty());

  auto mismatch = Send(
      "POST", "/oauth2/authorize",
      "step=change&flow=" + flow + "&new_password=a+much+better+secret&confirm_password=other");
  EXPECT_NE(mismatch.body.find("differ"), std::string::npos);
  // The old handle is spent; the page carries a new one.
  EXPECT_NE(Send("POST", "/oauth2/authorize", "step=change&flow=" + flow).body.find("expired"),
            std::string::npos);
  flow = Capture(mismatch.body, "name=\"flow\" value=\"([^\"]+)\"");

  auto enrol = Send("POST", "/oauth2/authorize",
                    "step=change&flow=" + flow +
                        "&new_password=a+much+better+secret&confirm_password=a+much+better+secret");
  ASSERT_EQ(enrol.status, 200);
  EXPECT_NE(enrol.body.find("<svg"), std::string::npos);
  const std::string secret = Capture(enrol.body, "Key: <code>([A-Z2-7]+)</code>");
  ASSERT_FALSE(secret.empty());
  const auto key = identity::Base32Decode(secret);
  ASSERT_TRUE(key.has_value());
  flow = Capture(enrol.body, "name=\"flow\" value=\"([^\"]+)\"");

  auto retry = Send("POST", "/oauth2/authorize", "step=enrol&flow=" + flow + "&otp=000000");
  EXPECT_EQ(Capture(retry.body, "Key: <code>([A-Z2-7]+)</code>"), secret);
  flow = Capture(retry.body, "name=\"flow\" value=\"([^\"]+)\"");
  auto codes = Send("POST", "/oauth2/authorize",
                    "step=enrol&flow=" + flow + "&otp=" + CodeAt(*key, clock_.Now()));
  ASSERT_EQ(codes.status, 200);
  EXPECT_NE(codes.body.find("recovery codes"), std::string::npos);
  flow = Capture(codes.body, "name=\"flow\" value=\"([^\"]+)\"");
  auto done = Send("POST", "/oauth2/authorize", "step=done&flow=" + flow);
  ASSERT_EQ(done.status, 302);
  auto tokens = Redeem(Capture(std::string(done.Header("Location")), "code=([^&]+)"));
  ASSERT_EQ(tokens.status, 200) << tokens.body;
  auto caller =
      tokens_->VerifyAccessToken(std::string(Body(tokens).at("access_token").as_string()));
  ASSERT_TRUE(caller.ok());
  EXPECT_TRUE(caller->mfa_at.has_value());
  // The new password is the one that works now.
  clock_.Advance(absl::Seconds(30));
  EXPECT_TRUE(
      accounts_->SignIn("ada@contoso.test", "a much better secret", CodeAt(*key, clock_.Now()), "x")
          .ok());
}

TEST_F(OidcApiTest, AFlowHandleWorksOnlyForItsOwnPage) {
  ASSERT_TRUE(accounts_->SetPassword(ada_, "initial password 123", true).ok());
  ASSERT_TRUE(accounts_->RequireTotpEnrolment(ada_).ok());
  for (const std::string wrong_step : {"enrol", "done"}) {
    auto change = PostCredentials("ada%40contoso.test", "initial+password+123");
    const std::string flow = Capture(change.body, "name=\"flow\" value=\"([^\"]+)\"");
    ASSERT_FALSE(flow.empty());
    // The password-change handle posted as another step: refused, and spent.
    auto r =
        Send("POST", "/oauth2/authorize", "step=" + wrong_step + "&flow=" + flow + "&otp=123456");
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("expired"), std::string::npos);
    EXPECT_TRUE(r.Header("Location").empty());
    EXPECT_NE(Send("POST", "/oauth2/authorize",
                   "step=change&flow=" + flow +
                       "&new_password=a+much+better+secret&confirm_password=a+much+better+secret")
                  .body.find("expired"),
              std::string::npos);
  }
  EXPECT_FALSE(*accounts_->HasTotp(ada_));
}

TEST_F(OidcApiTest, AccountEndpointsLetScriptsDoTheFirstSignIn) {
  ASSERT_TRUE(accounts_->SetPassword(ada_, "initial password 123", true).ok());
  ASSERT_TRUE(accounts_->RequireTotpEnrolment(ada_).ok());
  const std::string grant =
      "grant_type=password&client_id=pimctl&username=ada%40contoso.test&password=";
  auto must_change = Send("POST", "/oauth2/token", grant + "initial+password+123");
  EXPECT_EQ(Body(must_change).at("suberror").as_string(), accounts::kPasswordChangeRequired);

  auto too_early = Send("POST", "/pim/v1/account/totp",
                        R"({"userName":"ada@contoso.test","password":"initial password 123"})",
                        "application/json");
  EXPECT_EQ(too_early.status, 400);

  auto changed = Send("POST", "/pim/v1/account/password",
                      R"({"userName":"ada@contoso.test","currentPassword":"initial password 123",)"
                      R"("newPassword":"a much better secret"})",
                      "application/json");
  ASSERT_EQ(changed.status, 204) << changed.body;
  auto must_enrol = Send("POST", "/oauth2/token", grant + "a+much+better+secret");
  EXPECT_EQ(Body(must_enrol).at("suberror").as_string(), accounts::kTotpEnrolmentRequired);

  auto begin = Send("POST", "/pim/v1/account/totp",
                    R"({"userName":"ada@contoso.test","password":"a much better secret"})",
                    "application/json");
  ASSERT_EQ(begin.status, 200) << begin.body;
  const auto key = identity::Base32Decode(std::string(Body(begin).at("secret").as_string()));
  ASSERT_TRUE(key.has_value());
  EXPECT_TRUE(std::string(Body(begin).at("otpauthUri").as_string()).starts_with("otpauth://"));
  auto confirm =
      Send("POST", "/pim/v1/account/totp/confirm",
           R"({"userName":"ada@contoso.test","password":"a much better secret","code":")" +
               CodeAt(*key, clock_.Now()) + "\"}",
           "application/json");
  ASSERT_EQ(confirm.status, 200) << confirm.body;
  EXPECT_EQ(Body(confirm).at("recoveryCodes").as_array().size(), 10u);
  clock_.Advance(absl::Seconds(30));
  auto ok = Send("POST", "/oauth2/token",
                 grant + "a+much+better+secret&otp=" + CodeAt(*key, clock_.Now()));
  EXPECT_EQ(ok.status, 200) << ok.body;

  auto unknown =
      Send("POST", "/pim/v1/account/password",
           R"({"userName":"ada@contoso.test","currentPassword":"x","newPassword":"y","extra":1})",
           "application/json");
  EXPECT_EQ(unknown.status, 400);
}

}  // namespace
}  // namespace pim::testing
