#include "pim/identity/jwt.h"

#include <cmath>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "pim/domain/status.h"
#include "pim/identity/base64url.h"

namespace pim::identity {
namespace {

constexpr std::size_t kMaxTokenBytes = std::size_t{16} * 1024;

absl::Status Refused(std::string_view why) {
  return Error(absl::StatusCode::kUnauthenticated, kInvalidAuthenticationToken, why);
}

std::string_view View(const boost::json::string& s) { return {s.data(), s.size()}; }

// The JSON object base64url `part` encodes, or nullopt.
std::optional<boost::json::object> DecodeObject(std::string_view part) {
  const std::optional<std::string> text = Base64UrlDecode(part);
  if (!text) return std::nullopt;
  boost::json::parse_options options;
  options.max_depth = 16;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(*text, ec, {}, options);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.get_object());
}

// The string member `name`, or nullopt when absent; `valid` is false when it is not a string.
std::optional<std::string_view> StringMember(const boost::json::object& o, std::string_view name,
                                             bool& valid) {
  const boost::json::value* v = o.if_contains(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    valid = false;
    return std::nullopt;
  }
  return View(v->get_string());
}

// The NumericDate `v` (seconds since the epoch, possibly fractional), or nullopt when `v` is not
// a finite number. Values past the range of absl::Time saturate to its infinities.
std::optional<absl::Time> NumericDate(const boost::json::value& v) {
  if (v.is_int64()) return absl::FromUnixSeconds(v.get_int64());
  if (v.is_uint64()) return absl::InfiniteFuture();  // above INT64_MAX
  if (v.is_double() && std::isfinite(v.get_double())) {
    return absl::UnixEpoch() + absl::Seconds(v.get_double());
  }
  return std::nullopt;
}

bool AudienceMatches(const boost::json::value* aud, const std::vector<std::string>& audiences) {
  const auto expected = [&](const boost::json::value& v) {
    if (!v.is_string()) return false;
    for (const std::string& a : audiences) {
      if (View(v.get_string()) == a) return true;
    }
    return false;
  };
  if (aud == nullptr) return false;
  if (!aud->is_array()) return expected(*aud);
  for (const boost::json::value& v : aud->get_array()) {
    if (expected(v)) return true;
  }
  return false;
}

// The header checks and the signature: OK when `token` is signed by one of `keys` as its header
// says.
absl::Status VerifySignature(std::string_view signing_input, std::string_view signature_part,
                             const boost::json::object& header,
                             const std::vector<VerificationKey>& keys) {
  bool valid = true;
  const std::optional<std::string_view> alg = StringMember(header, "alg", valid);
  const std::optional<std::string_view> kid = StringMember(header, "kid", valid);
  if (!valid) return Refused("token header is malformed");
  if (!alg) return Refused("token header has no algorithm");
  if (absl::EqualsIgnoreCase(absl::string_view(alg->data(), alg->size()), "none")) {
    return Refused("unsigned tokens are not accepted");
  }
  if (header.contains("crit")) return Refused("token has critical header parameters");
  std::vector<const VerificationKey*> candidates;
  for (const VerificationKey& key : keys) {
    if (kid ? key.kid() == *kid : key.alg() == *alg) candidates.push_back(&key);
  }
  if (candidates.empty()) {
    return Refused(kid ? "token signed by an unknown key" : "token algorithm is not accepted");
  }
  const std::optional<std::string> signature = Base64UrlDecode(signature_part);
  if (!signature) return Refused("token signature is malformed");
  bool algorithm_fits = false;
  for (const VerificationKey* key : candidates) {
    if (key->alg() != *alg) continue;
    algorithm_fits = true;
    if (key->Verify(signing_input, *signature)) return absl::OkStatus();
  }
  return Refused(algorithm_fits ? "token signature is invalid"
                                : "token algorithm does not match its key");
}

absl::Status CheckClaims(const boost::json::object& claims, const JwtExpectations& expected,
                         absl::Time now) {
  bool valid = true;
  const std::optional<std::string_view> iss = StringMember(claims, "iss", valid);
  if (!iss || *iss != expected.issuer) return Refused("token issuer is not trusted");
  if (!AudienceMatches(claims.if_contains("aud"), expected.audiences)) {
    return Refused("token audience is not this service");
  }
  const boost::json::value* exp_value = claims.if_contains("exp");
  const std::optional<absl::Time> exp = exp_value ? NumericDate(*exp_value) : std::nullopt;
  if (!exp) return Refused("token has no expiry time");
  if (*exp + expected.leeway <= now) return Refused("token has expired");
  if (*exp - now > expected.max_lifetime + expected.leeway) {
    return Refused("token lifetime is too long");
  }
  if (const boost::json::value* nbf_value = claims.if_contains("nbf")) {
    const std::optional<absl::Time> nbf = NumericDate(*nbf_value);
    if (!nbf || *nbf - expected.leeway > now) return Refused("token is not valid yet");
  }
  if (const boost::json::value* iat_value = claims.if_contains("iat")) {
    const std::optional<absl::Time> iat = NumericDate(*iat_value);
    if (!iat || *iat - expected.leeway > now) return Refused("token is issued in the future");
    if (*exp - *iat > expected.max_lifetime) return Refused("token lifetime is too long");
  }
  return absl::OkStatus();
}

}  // namespace

std::string EncodeJwt(const SigningKey& key, const boost::json::object& claims) {
  const boost::json::object header = {{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", key.kid()}};
  std::string signing_input = absl::StrCat(Base64UrlEncode(boost::json::serialize(header)), ".",
                                           Base64UrlEncode(boost::json::serialize(claims)));
  const std::string signature = key.Sign(signing_input);
  return absl::StrCat(signing_input, ".", Base64UrlEncode(signature));
}

absl::StatusOr<boost::json::object> DecodeAndVerifyJwt(std::string_view token,
                                                       const std::vector<VerificationKey>& keys,
                                                       const JwtExpectations& expected,
                                                       absl::Time now) {
  if (token.size() > kMaxTokenBytes) return Refused("token is too large");
  const std::size_t first = token.find('.');
  const std::size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return Refused("token is not a signed JWT");
  }
  const std::optional<boost::json::object> header = DecodeObject(token.substr(0, first));
  if (!header) return Refused("token header is malformed");
  PIM_RETURN_IF_ERROR(
      VerifySignature(token.substr(0, second), token.substr(second + 1), *header, keys));
  // The payload is read only once it is known to come from a trusted key.
  std::optional<boost::json::object> claims =
      DecodeObject(token.substr(first + 1, second - first - 1));
  if (!claims) return Refused("token payload is malformed");
  PIM_RETURN_IF_ERROR(CheckClaims(*claims, expected, now));
  return std::move(*claims);
}

std::optional<std::string> PeekJwtString(std::string_view token, int part, std::string_view name) {
  const size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const auto decoded = Base64UrlDecode(part == 0 ? token.substr(0, first)
                                                 : token.substr(first + 1, second - first - 1));
  if (!decoded) return std::nullopt;
  boost::json::parse_options options;
  options.max_depth = 16;
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(*decoded, ec, {}, options);
  if (ec || !v.is_object()) return std::nullopt;
  const auto* member = v.as_object().if_contains(name);
  if (member == nullptr || !member->is_string()) return std::nullopt;
  return std::string(member->as_string());
}

}  // namespace pim::identity
