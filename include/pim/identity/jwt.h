// JSON Web Tokens (RFC 7519) in JWS compact form: issuing pim's own, signed with its Ed25519
// SigningKey, and verifying any token against a set of VerificationKeys, with the claim checks
// of an OpenID Connect relying party. Only asymmetric algorithms exist here (EdDSA, RS256,
// ES256, and PS256 for RSA keys that declare it): there is no "none" and no HMAC, so a public
// key can never act as a shared secret. All functions are thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "boost/json/object.hpp"
#include "pim/identity/jwk.h"
#include "pim/identity/signing_key.h"

namespace pim::identity {

// The machine code of every refusal of DecodeAndVerifyJwt.
inline constexpr std::string_view kInvalidAuthenticationToken = "InvalidAuthenticationToken";

// A signed token carrying `claims`, with header {"alg":"EdDSA","typ":"JWT","kid":key.kid()}.
[[nodiscard]] std::string EncodeJwt(const SigningKey& key, const boost::json::object& claims);

// What a token must say to be accepted.
struct JwtExpectations {
  std::string issuer;                  // the "iss" claim, exactly
  std::vector<std::string> audiences;  // "aud" (a string or an array) must contain one of them
  absl::Duration leeway = absl::Seconds(60);      // allowed clock skew
  absl::Duration max_lifetime = absl::Hours(24);  // longest accepted exp - iat
};

// The claims of `token` once it is proven to be signed by one of `keys` and valid at `now`.
// Errors: Unauthenticated, code kInvalidAuthenticationToken, with a short message naming the
// reason (never any part of the token) when the token
//  - is over 16 KiB, or not three base64url parts;
//  - has a header or payload that is not a JSON object (nested at most 16 deep; of duplicate
//    members the last counts, as RFC 7515 §5.2 allows);
//  - has no "alg", alg "none", or a "crit" header;
//  - names a "kid" none of `keys` has, or an alg other than that key's (without a kid, only
//    the keys whose alg equals the header's are tried); headers that point at other keys
//    ("jku", "jwk", "x5u", "x5c") are ignored;
//  - has no valid signature by those keys;
//  - has an "iss" other than the expected issuer, or an "aud" holding none of the audiences;
//  - has no numeric "exp", or exp + leeway <= now, or exp later than now + max_lifetime +
//    leeway;
//  - has "nbf" or "iat" that is not a number or lies after now + leeway;
//  - has "iat" with exp - iat > max_lifetime.
[[nodiscard]] absl::StatusOr<boost::json::object> DecodeAndVerifyJwt(
    std::string_view token, const std::vector<VerificationKey>& keys,
    const JwtExpectations& expected, absl::Time now);

// A string member of the unverified header (`part` 0) or payload (1) of a compact JWT: only to
// choose keys, never to trust. nullopt when absent or unreadable.
[[nodiscard]] std::optional<std::string> PeekJwtString(std::string_view token, int part,
                                                       std::string_view name);

}  // namespace pim::identity
