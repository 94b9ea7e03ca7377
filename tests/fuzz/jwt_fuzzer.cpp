// DecodeAndVerifyJwt is total on any input: the claims, or Unauthenticated with code
// InvalidAuthenticationToken and one of a fixed set of messages (so none holds token text).
// Accepted claims carry the expected issuer and audience. And when the input is a JSON object, the
// same object signed by a trusted key is either accepted with exactly those claims or refused for a
// reason about the claims, never about the header or the signature.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "fuzz_check.h"
#include "pim/domain/status.h"
#include "pim/identity/jwt.h"

namespace {

using pim::identity::VerificationKey;

// RFC 8037's Ed25519 key: the seed corpus holds tokens it signed.
constexpr std::string_view kSigningPem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";
// RFC 7515 appendix A.3's P-256 key, for the ES256 path.
constexpr std::string_view kEcJwks = R"({"keys":[{"kty":"EC","crv":"P-256","kid":"ec-1",)"
                                     R"("x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",)"
                                     R"("y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]})";

const absl::Time kNow = absl::FromUnixSeconds(1767603600);  // 2026-01-05T09:00:00Z

const pim::identity::SigningKey& Signer() {
  static const pim::identity::SigningKey key = *pim::identity::SigningKey::FromPem(kSigningPem);
  return key;
}

const std::vector<VerificationKey>& Keys() {
  static const std::vector<VerificationKey> keys = [] {
    std::vector<VerificationKey> out = *VerificationKey::ParseJwks(kEcJwks);
    out.push_back(VerificationKey::FromSigningKey(Signer()));
    return out;
  }();
  return keys;
}

const pim::identity::JwtExpectations& Expected() {
  static const pim::identity::JwtExpectations expected{"https://pim.example", {"pim-api"}};
  return expected;
}

// Refusals about the token's form, header or signature.
const std::set<absl::string_view> kHeaderReasons = {
    "token is not a signed JWT",
    "token header is malformed",
    "token header has no algorithm",
    "unsigned tokens are not accepted",
    "token has critical header parameters",
    "token signed by an unknown key",
    "token algorithm is not accepted",
    "token signature is malformed",
    "token algorithm does not match its key",
    "token signature is invalid",
};
// Refusals of a correctly signed token for its size or claims.
const std::set<absl::string_view> kClaimReasons = {
    "token is too large",
    "token payload is malformed",  // e.g. deeper than the verifier's limit
    "token issuer is not trusted",
    "token audience is not this service",
    "token has no expiry time",
    "token has expired",
    "token lifetime is too long",
    "token is not valid yet",
    "token is issued in the future",
};

// Verifies `token` and checks the outcome's invariants.
absl::StatusOr<boost::json::object> Check(std::string_view token, std::string_view input) {
  auto claims = pim::identity::DecodeAndVerifyJwt(token, Keys(), Expected(), kNow);
  if (claims.ok()) {
    const auto* iss = claims->if_contains("iss");
    PIM_FUZZ_CHECK(iss != nullptr && *iss == "https://pim.example", input);
    PIM_FUZZ_CHECK(claims->contains("aud") && claims->contains("exp"), input);
    return claims;
  }
  const absl::Status& status = claims.status();
  PIM_FUZZ_CHECK(status.code() == absl::StatusCode::kUnauthenticated, input);
  PIM_FUZZ_CHECK(pim::ErrorCodeOf(status) == "InvalidAuthenticationToken", input);
  PIM_FUZZ_CHECK(
      kHeaderReasons.contains(status.message()) || kClaimReasons.contains(status.message()), input);
  return claims;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static_cast<void>(Check(input, input));

  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(input, ec);
  if (ec || !parsed.is_object()) return 0;
  const auto claims = Check(EncodeJwt(Signer(), parsed.get_object()), input);
  // Compared with the object as its JSON text reads back: Boost 1.81 may parse a double one unit
  // in the last place away from the one it serialised, and serialises an overflowed (infinite)
  // one as text it does not parse.
  const boost::json::value sent = boost::json::parse(boost::json::serialize(parsed), ec);
  if (ec) {
    PIM_FUZZ_CHECK(!claims.ok() && claims.status().message() == "token payload is malformed",
                   input);
  } else {
    PIM_FUZZ_CHECK(claims.ok() ? *claims == sent.get_object()
                               : kClaimReasons.contains(claims.status().message()),
                   input);
  }
  return 0;
}
