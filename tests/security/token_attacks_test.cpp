// Attacks on authentication: every one is answered 401 (or the OAuth error) and changes nothing.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "security/security_fixture.h"

namespace pim::testing {
namespace {

class TokenAttackTest : public SecurityTest {
 protected:
  void SetUp() override {
    SecurityTest::SetUp();
    ada_ = AddAccount("Ada Admin", "ada@contoso.test");
    ASSERT_TRUE(MakeActive(ada_, GA()).ok());
    mallory_ = AddAccount("Mallory Mole", "mallory@contoso.test");
  }

  // The attack must be refused as unauthenticated and leave everything as it was.
  void ExpectRefused(const std::string& token) {
    const Snapshot before = Take();
    // A write the real Ada could make: registering a service principal.
    const auto r = Send("POST", "/v1.0/servicePrincipals", token,
                        R"({"appId":"00000000-0000-0000-0000-0000000000ff","displayName":"x"})");
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(ErrorCodeOf(r), "InvalidAuthenticationToken");
    EXPECT_EQ(r.body.find(token.substr(0, 20)), std::string::npos) << "token echoed";
    ExpectUnchanged(before);
  }

  static std::string Part(const std::string& jwt, int i) {
    size_t start = 0;
    for (int k = 0; k < i; ++k) start = jwt.find('.', start) + 1;
    const size_t end = jwt.find('.', start);
    return jwt.substr(start, end == std::string::npos ? std::string::npos : end - start);
  }

  PrincipalId ada_;
  PrincipalId mallory_;
};

TEST_F(TokenAttackTest, ForgedSignature) {
  const std::string real = SignIn("mallory%40contoso.test");
  auto claims = ValidClaims(ada_);
  const std::string forged = Part(real, 0) + "." +
                             identity::Base64UrlEncode(boost::json::serialize(claims)) + "." +
                             Part(real, 2);
  ExpectRefused(forged);
}

TEST_F(TokenAttackTest, AlgNone) {
  for (const char* alg : {"none", "None", "NONE"}) {
    const std::string header =
        identity::Base64UrlEncode(std::string(R"({"typ":"JWT","alg":")") + alg + "\"}");
    const std::string payload =
        identity::Base64UrlEncode(boost::json::serialize(ValidClaims(ada_)));
    ExpectRefused(header + "." + payload + ".");
  }
}

TEST_F(TokenAttackTest, Hs256WithThePublicKeyAsSecret) {
  const std::string header = identity::Base64UrlEncode(R"({"alg":"HS256","typ":"JWT","kid":")" +
                                                       keys_->current().kid() + "\"}");
  const std::string input =
      header + "." + identity::Base64UrlEncode(boost::json::serialize(ValidClaims(ada_)));
  for (const std::string& secret :
       {keys_->current().public_key(), boost::json::serialize(keys_->current().PublicJwk())}) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
    ExpectRefused(input + "." +
                  identity::Base64UrlEncode(std::string(reinterpret_cast<char*>(mac), len)));
  }
}

TEST_F(TokenAttackTest, WrongIssuerOrAudience) {
  auto issuer = ValidClaims(ada_);
  issuer["iss"] = "https://evil.example";
  ExpectRefused(Signed(issuer));
  auto audience = ValidClaims(ada_);
  audience["aud"] = "https://graph.microsoft.com";
  ExpectRefused(Signed(audience));
  // The control: the same key and claims are accepted when right.
  EXPECT_EQ(Send("GET", "/v1.0/me", Signed(ValidClaims(ada_))).status, 200);
}

TEST_F(TokenAttackTest, ExpiredAndNotYetValid) {
  const std::string token = SignIn("mallory%40contoso.test");
  EXPECT_EQ(Send("GET", "/v1.0/me", token).status, 200);
  clock_.Advance(absl::Minutes(15) + absl::Seconds(61));
  ExpectRefused(token);
  auto future = ValidClaims(ada_);
  const int64_t later = absl::ToUnixSeconds(clock_.Now() + absl::Minutes(5));
  future["nbf"] = later;
  future["iat"] = later;
  future["exp"] = later + 600;
  ExpectRefused(Signed(future));
}

TEST_F(TokenAttackTest, ADisabledUsersToken) {
  const std::string token = SignIn("mallory%40contoso.test");
  EXPECT_EQ(Send("GET", "/v1.0/me", token).status, 200);
  Principal m;
  engine_->Read([&](const State& s) { m = *s.FindPrincipal(mallory_.str()); });
  m.enabled = false;
  ASSERT_TRUE(engine_->PutPrincipal(Caller::System(), m).ok());
  ExpectRefused(token);
}

TEST_F(TokenAttackTest, ARevokedRefreshToken) {
  const auto first = Form("/oauth2/token",
                          "grant_type=password&client_id=pimctl&username=mallory%40contoso.test&"
                          "password=correct+horse+battery+staple");
  ASSERT_EQ(first.status, 200);
  const std::string refresh(boost::json::parse(first.body).at("refresh_token").as_string());
  EXPECT_EQ(Form("/oauth2/revoke", "token=" + refresh).status, 200);
  const Snapshot before = Take();
  const auto r =
      Form("/oauth2/token", "grant_type=refresh_token&client_id=pimctl&refresh_token=" + refresh);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ErrorCodeOf(r), "invalid_grant");
  ExpectUnchanged(before);
}

TEST_F(TokenAttackTest, TotpReplayAndBruteForce) {
  const auto [key, recovery] = EnrolTotp(mallory_);
  const std::string code = CodeAt(key, clock_.Now());
  const std::string grant =
      "grant_type=password&client_id=pimctl&username=mallory%40contoso.test&password=correct+"
      "horse+battery+staple&otp=";
  EXPECT_EQ(Form("/oauth2/token", grant + code).status, 200);
  const Snapshot before = Take();
  EXPECT_EQ(Form("/oauth2/token", grant + code).status, 400);  // replay
  // Guessing: with the replay, five wrong codes lock the account; then the right code no
  // longer helps.
  for (int i = 0; i < 4; ++i) {
    const std::string guess = std::to_string(100000 + i);
    if (guess == CodeAt(key, clock_.Now() + absl::Seconds(30))) continue;
    EXPECT_EQ(Form("/oauth2/token", grant + guess).status, 400);
  }
  const auto locked = Form("/oauth2/token", grant + CodeAt(key, clock_.Now() + absl::Seconds(30)));
  EXPECT_EQ(locked.status, 429);
  ExpectUnchanged(before);
}

TEST_F(TokenAttackTest, AWrongStepUpCodeIsRefused) {
  const auto [key, recovery] = EnrolTotp(mallory_);
  const std::string token = SignIn("mallory%40contoso.test", CodeAt(key, clock_.Now()));
  const Snapshot before = Take();
  std::string wrong = CodeAt(key, clock_.Now() + absl::Minutes(5));
  const auto r = Send("GET", "/v1.0/me", token, "", {{"x-pim-mfa-code", wrong}});
  EXPECT_EQ(r.status, 401) << r.body;
  ExpectUnchanged(before);
}

}  // namespace
}  // namespace pim::testing
