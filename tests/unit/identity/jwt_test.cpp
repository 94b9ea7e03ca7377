#include "pim/identity/jwt.h"

#include <algorithm>

#include "absl/strings/str_split.h"
#include "boost/json/serialize.hpp"
#include "gtest/gtest.h"
#include "pim/domain/status.h"
#include "pim/identity/base64url.h"
#include "test_keys.h"

namespace pim::identity {
namespace {

using testing::MakeToken;

constexpr std::int64_t kNow = 1767603600;  // 2026-01-05T09:00:00Z

class JwtTest : public ::testing::Test {
 protected:
  JwtTest() { keys_.push_back(VerificationKey::FromSigningKey(signer_)); }

  boost::json::object Claims() const {
    return {
        {"iss", "https://pim.example"}, {"aud", "pim-api"}, {"sub", "user-1"}, {"iat", kNow - 10},
        {"exp", kNow + 3600},           {"nbf", kNow - 10}};
  }
  static boost::json::object With(boost::json::object o, std::string_view name,
                                  boost::json::value v) {
    o[name] = std::move(v);
    return o;
  }
  static boost::json::object Without(boost::json::object o, std::string_view name) {
    o.erase(name);
    return o;
  }
  boost::json::object Header() const {
    return {{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", signer_.kid()}};
  }
  std::string Signed(const boost::json::object& header, const boost::json::object& claims) const {
    return MakeToken(header, claims, [&](std::string_view in) { return signer_.Sign(in); });
  }
  absl::StatusOr<boost::json::object> Decode(std::string_view token,
                                             const std::vector<VerificationKey>& keys) const {
    return DecodeAndVerifyJwt(token, keys, expected_, now_);
  }
  absl::StatusOr<boost::json::object> Decode(std::string_view token) const {
    return Decode(token, keys_);
  }
  // Checks that `token` is refused for `reason`, and that nothing of the token is in the message.
  void ExpectRefused(std::string_view token, std::string_view reason,
                     const std::vector<VerificationKey>* keys = nullptr) const {
    const absl::StatusOr<boost::json::object> claims = Decode(token, keys ? *keys : keys_);
    EXPECT_EQ(claims.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_EQ(ErrorCodeOf(claims.status()), "InvalidAuthenticationToken");
    EXPECT_EQ(claims.status().message(), absl::string_view(reason.data(), reason.size()));
    for (const absl::string_view part :
         absl::StrSplit(absl::string_view(token.data(), token.size()), '.')) {
      if (part.size() >= 8) {
        EXPECT_EQ(claims.status().message().find(part), std::string::npos);
      }
    }
  }

  const SigningKey signer_ = SigningKey::Generate();
  std::vector<VerificationKey> keys_;
  const JwtExpectations expected_{"https://pim.example", {"other-api", "pim-api"}};
  const absl::Time now_ = absl::FromUnixSeconds(kNow);
};

TEST_F(JwtTest, EncodedTokensRoundTrip) {
  const std::string token = EncodeJwt(signer_, Claims());
  const std::vector<std::string> parts = absl::StrSplit(token, '.');
  ASSERT_EQ(parts.size(), 3u);
  const boost::json::object header = {{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", signer_.kid()}};
  EXPECT_EQ(Base64UrlDecode(parts[0]), boost::json::serialize(header));
  const absl::StatusOr<boost::json::object> claims = Decode(token);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(*claims, Claims());
}

TEST_F(JwtTest, AcceptsAudienceArraysFractionalTimesAndNoKid) {
  EXPECT_TRUE(Decode(EncodeJwt(signer_, With(Claims(), "aud", {"x", "pim-api"}))).ok());
  EXPECT_TRUE(Decode(EncodeJwt(signer_, With(Claims(), "exp", kNow + 0.5))).ok());
  EXPECT_TRUE(Decode(EncodeJwt(signer_, Without(Without(Claims(), "iat"), "nbf"))).ok());
  // Without a kid every key of the header's alg is tried.
  std::vector<VerificationKey> keys;
  keys.push_back(VerificationKey::FromSigningKey(SigningKey::Generate()));
  keys.push_back(VerificationKey::FromSigningKey(signer_));
  EXPECT_TRUE(Decode(Signed(Without(Header(), "kid"), Claims()), keys).ok());
}

TEST_F(JwtTest, RefusesAForgedPayload) {
  const std::vector<std::string> parts = absl::StrSplit(EncodeJwt(signer_, Claims()), '.');
  const std::string forged =
      Base64UrlEncode(boost::json::serialize(With(Claims(), "sub", "admin")));
  ExpectRefused(absl::StrCat(parts[0], ".", forged, ".", parts[2]), "token signature is invalid");
  // A signature by another key under our kid.
  const SigningKey other = SigningKey::Generate();
  ExpectRefused(MakeToken(Header(), Claims(), [&](std::string_view in) { return other.Sign(in); }),
                "token signature is invalid");
  ExpectRefused(absl::StrCat(parts[0], ".", parts[1], "."), "token signature is invalid");
  ExpectRefused(absl::StrCat(parts[0], ".", parts[1], ".", parts[2], "="),
                "token signature is malformed");
}

TEST_F(JwtTest, RefusesUnsignedTokens) {
  for (const char* none : {"none", "None", "NONE", "nOnE"}) {
    const boost::json::object header = {{"alg", none}, {"typ", "JWT"}};
    ExpectRefused(MakeToken(header, Claims(), [](std::string_view) { return ""; }),
                  "unsigned tokens are not accepted");
    ExpectRefused(MakeToken(With(header, "kid", boost::json::string(signer_.kid())), Claims(),
                            [](std::string_view) { return ""; }),
                  "unsigned tokens are not accepted");
  }
  ExpectRefused(Signed(Without(Header(), "alg"), Claims()), "token header has no algorithm");
  ExpectRefused(Signed(With(Header(), "alg", 1), Claims()), "token header is malformed");
}

TEST_F(JwtTest, RefusesHs256MadeWithThePublicKeyAsSecret) {
  // The classic confusion: HMAC keyed with what the verifier knows as a public key.
  const std::string secrets[] = {signer_.public_key(), Base64UrlEncode(signer_.public_key()),
                                 boost::json::serialize(signer_.PublicJwk())};
  for (const std::string& secret : secrets) {
    auto hmac = [&](std::string_view in) { return testing::HmacSha256(secret, in); };
    ExpectRefused(MakeToken(With(Header(), "alg", "HS256"), Claims(), hmac),
                  "token algorithm does not match its key");
    ExpectRefused(MakeToken(Without(With(Header(), "alg", "HS256"), "kid"), Claims(), hmac),
                  "token algorithm is not accepted");
  }
}

TEST_F(JwtTest, RefusesAlgorithmsOtherThanTheKeys) {
  static const testing::ForeignKey rsa = testing::NewRsaKey(2048, "rsa-1");
  std::vector<VerificationKey> keys;
  keys.push_back(*VerificationKey::FromJwk(rsa.jwk));
  keys.push_back(VerificationKey::FromSigningKey(signer_));
  // An EdDSA token naming the RSA key, and an RS256 token naming the Ed25519 key.
  ExpectRefused(Signed(With(Header(), "kid", "rsa-1"), Claims()),
                "token algorithm does not match its key", &keys);
  const auto rs256 = [&](std::string_view in) { return testing::SignForeign(rsa.key.get(), in); };
  ExpectRefused(MakeToken(With(Header(), "alg", "RS256"), Claims(), rs256),
                "token algorithm does not match its key", &keys);
  ExpectRefused(MakeToken(With(Header(), "alg", "ES256"), Claims(), rs256),
                "token algorithm does not match its key", &keys);
  ExpectRefused(Signed(With(Header(), "alg", "RS256"), Claims()),
                "token algorithm does not match its key", &keys);
  ExpectRefused(Signed(With(Header(), "alg", "PS256"), Claims()),
                "token algorithm does not match its key", &keys);
}

TEST_F(JwtTest, VerifiesRs256AndEs256TokensOfForeignIssuers) {
  static const testing::ForeignKey rsa = testing::NewRsaKey(2048, "rsa-1");
  const testing::ForeignKey ec = testing::NewEcKey("ec-1");
  const boost::json::object jwks = {{"keys", {rsa.jwk, ec.jwk}}};
  const absl::StatusOr<std::vector<VerificationKey>> keys =
      VerificationKey::ParseJwks(boost::json::serialize(jwks));
  ASSERT_TRUE(keys.ok()) << keys.status();
  struct Issuer {
    const char* alg;
    const char* kid;
    EVP_PKEY* key;
  };
  for (const Issuer& issuer :
       {Issuer{"RS256", "rsa-1", rsa.key.get()}, Issuer{"ES256", "ec-1", ec.key.get()}}) {
    const char* alg = issuer.alg;
    const auto sign = [&](std::string_view in) { return testing::SignForeign(issuer.key, in); };
    const boost::json::object header = {{"alg", alg}, {"kid", issuer.kid}, {"typ", "JWT"}};
    const absl::StatusOr<boost::json::object> claims =
        Decode(MakeToken(header, Claims(), sign), *keys);
    ASSERT_TRUE(claims.ok()) << alg << ": " << claims.status();
    EXPECT_EQ(*claims, Claims());
    EXPECT_TRUE(Decode(MakeToken(Without(header, "kid"), Claims(), sign), *keys).ok()) << alg;
    ExpectRefused(MakeToken(header, With(Claims(), "sub", "x"),
                            [&](std::string_view in) { return sign(std::string(in) + "x"); }),
                  "token signature is invalid", &*keys);
  }
}

TEST_F(JwtTest, RefusesUnknownKidsAndCriticalHeaders) {
  ExpectRefused(Signed(With(Header(), "kid", "someone-else"), Claims()),
                "token signed by an unknown key");
  ExpectRefused(Signed(With(Header(), "kid", ""), Claims()), "token signed by an unknown key");
  ExpectRefused(Signed(With(Header(), "kid", 5), Claims()), "token header is malformed");
  ExpectRefused(Signed(With(Header(), "crit", {"exp"}), Claims()),
                "token has critical header parameters");
  const std::vector<VerificationKey> no_keys;
  ExpectRefused(Signed(Header(), Claims()), "token signed by an unknown key", &no_keys);
}

TEST_F(JwtTest, RefusesExpiredAndNotYetValidTokens) {
  auto at = [&](std::string_view claim, std::int64_t t) {
    return EncodeJwt(signer_, With(Claims(), claim, t));
  };
  // Leeway is 60 s on each side.
  EXPECT_TRUE(Decode(at("exp", kNow - 59)).ok());
  ExpectRefused(at("exp", kNow - 60), "token has expired");
  ExpectRefused(at("exp", kNow - 100000), "token has expired");
  EXPECT_TRUE(Decode(at("nbf", kNow + 60)).ok());
  ExpectRefused(at("nbf", kNow + 61), "token is not valid yet");
  EXPECT_TRUE(Decode(at("iat", kNow + 60)).ok());
  ExpectRefused(at("iat", kNow + 61), "token is issued in the future");
  ExpectRefused(EncodeJwt(signer_, Without(Claims(), "exp")), "token has no expiry time");
  for (const boost::json::value& bad :
       {boost::json::value("2030-01-01"), boost::json::value(nullptr), boost::json::value(true)}) {
    ExpectRefused(EncodeJwt(signer_, With(Claims(), "exp", bad)), "token has no expiry time");
    ExpectRefused(EncodeJwt(signer_, With(Claims(), "nbf", bad)), "token is not valid yet");
    ExpectRefused(EncodeJwt(signer_, With(Claims(), "iat", bad)), "token is issued in the future");
  }
}

TEST_F(JwtTest, RefusesLifetimesOverTheMaximum) {
  // exp - iat at most 24 h; without iat, exp at most 24 h (plus leeway) from now.
  const boost::json::object day = With(With(Claims(), "iat", kNow - 10), "exp", kNow - 10 + 86400);
  EXPECT_TRUE(Decode(EncodeJwt(signer_, day)).ok());
  ExpectRefused(EncodeJwt(signer_, With(day, "exp", kNow - 10 + 86401)),
                "token lifetime is too long");
  ExpectRefused(EncodeJwt(signer_, With(Without(Claims(), "iat"), "exp", kNow + 86461)),
                "token lifetime is too long");
  ExpectRefused(EncodeJwt(signer_, With(Claims(), "exp", std::uint64_t{1} << 63)),
                "token lifetime is too long");
  ExpectRefused(EncodeJwt(signer_, With(Claims(), "exp", 1e300)), "token lifetime is too long");
}

TEST_F(JwtTest, RefusesOtherIssuersAndAudiences) {
  ExpectRefused(EncodeJwt(signer_, With(Claims(), "iss", "https://evil.example")),
                "token issuer is not trusted");
  ExpectRefused(EncodeJwt(signer_, With(Claims(), "iss", "https://pim.example/")),
                "token issuer is not trusted");
  ExpectRefused(EncodeJwt(signer_, Without(Claims(), "iss")), "token issuer is not trusted");
  ExpectRefused(EncodeJwt(signer_, With(Claims(), "iss", 1)), "token issuer is not trusted");
  for (const boost::json::value& aud :
       {boost::json::value("someone-else"), boost::json::value(boost::json::array{}),
        boost::json::value({"a", "b"}), boost::json::value({1, 2}), boost::json::value(7),
        boost::json::value("PIM-API")}) {
    ExpectRefused(EncodeJwt(signer_, With(Claims(), "aud", aud)),
                  "token audience is not this service");
  }
  ExpectRefused(EncodeJwt(signer_, Without(Claims(), "aud")), "token audience is not this service");
}

TEST_F(JwtTest, RefusesMalformedTokens) {
  const std::string good = EncodeJwt(signer_, Claims());
  const std::vector<std::string> parts = absl::StrSplit(good, '.');
  for (const std::string& bad :
       {std::string(), std::string("."), std::string(".."), parts[0] + "." + parts[1], good + ".",
        good + "." + parts[2], std::string("a.b.c.d")}) {
    const std::string reason = std::count(bad.begin(), bad.end(), '.') == 2
                                   ? "token header is malformed"
                                   : "token is not a signed JWT";
    ExpectRefused(bad, reason);
  }
  ExpectRefused(std::string(16 * 1024 + 1, 'a'), "token is too large");
  ExpectRefused(absl::StrCat(parts[0], "=.", parts[1], ".", parts[2]), "token header is malformed");
  ExpectRefused(absl::StrCat(Base64UrlEncode("[]"), ".", parts[1], ".", parts[2]),
                "token header is malformed");
  ExpectRefused(absl::StrCat(Base64UrlEncode("{\"alg\":\"EdDSA\""), ".", parts[1], ".", parts[2]),
                "token header is malformed");
  std::string deep = R"({"alg":"EdDSA","x":)";
  for (int i = 0; i < 20; ++i) deep += "[";
  for (int i = 0; i < 20; ++i) deep += "]";
  deep += "}";
  ExpectRefused(absl::StrCat(Base64UrlEncode(deep), ".", parts[1], ".", parts[2]),
                "token header is malformed");
  // A correctly signed payload that is not a JSON object.
  for (const char* payload : {"[1]", "\"claims\"", "{\"iss\":", "{} x"}) {
    const std::string input = absl::StrCat(parts[0], ".", Base64UrlEncode(payload));
    ExpectRefused(absl::StrCat(input, ".", Base64UrlEncode(signer_.Sign(input))),
                  "token payload is malformed");
  }
  // Duplicate members: the last counts (RFC 7515 §5.2).
  const std::string duplicate = R"({"iss":"https://evil.example","iss":"https://pim.example",)"
                                R"("aud":"pim-api","exp":1767607200})";
  const std::string input = absl::StrCat(parts[0], ".", Base64UrlEncode(duplicate));
  const absl::StatusOr<boost::json::object> claims =
      Decode(absl::StrCat(input, ".", Base64UrlEncode(signer_.Sign(input))));
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->at("iss"), "https://pim.example");
}

}  // namespace
}  // namespace pim::identity
