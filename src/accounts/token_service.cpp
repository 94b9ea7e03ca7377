#include "pim/accounts/token_service.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "boost/json.hpp"
#include "pim/api/authenticator.h"
#include "pim/domain/status.h"
#include "pim/identity/base64url.h"
#include "pim/identity/jwt.h"
#include "pim/identity/secure_random.h"

namespace pim::accounts {
namespace {

constexpr std::string_view kRefresh = "refreshToken";  // key: SHA-256 of the token

absl::Status BadGrant(std::string_view message) {
  return Error(absl::StatusCode::kUnauthenticated, kInvalidGrant, message);
}

absl::Status BadToken(std::string_view message) {
  return Error(absl::StatusCode::kUnauthenticated, api::kInvalidAuthenticationToken, message);
}

int64_t Seconds(absl::Time t) { return absl::ToUnixSeconds(t); }

std::optional<boost::json::object> ParseObject(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

std::string Str(const boost::json::object& o, std::string_view field) {
  const auto* v = o.if_contains(field);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

int64_t Int(const boost::json::object& o, std::string_view field) {
  const auto* v = o.if_contains(field);
  return v != nullptr && v->is_int64() ? v->as_int64() : 0;
}

// The "iat" claim in Unix seconds, whatever JSON number type holds it; NaN when absent.
double IssuedAt(const boost::json::object& claims) {
  const auto* v = claims.if_contains("iat");
  if (v == nullptr) return std::nan("");
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  if (v->is_double()) return v->as_double();
  return std::nan("");
}

}  // namespace

TokenService::TokenService(identity::SigningKeyRing& keys, CredentialStore& store,
                           const Engine& engine, const Clock& clock, TokenOptions options)
    : keys_(keys),
      verification_keys_(keys.VerificationKeys(absl::InfinitePast(), absl::ZeroDuration())),
      store_(store),
      engine_(engine),
      clock_(clock),
      options_(std::move(options)) {}

std::string TokenService::Sign(const boost::json::object& claims) const {
  absl::ReaderMutexLock lock(&keys_mu_);
  return identity::EncodeJwt(keys_.current(), claims);
}

absl::Status TokenService::RotateKeys() {
  absl::MutexLock lock(&keys_mu_);
  PIM_RETURN_IF_ERROR(keys_.Rotate(clock_.Now()));
  verification_keys_ = keys_.VerificationKeys(absl::InfinitePast(), absl::ZeroDuration());
  return absl::OkStatus();
}

std::string TokenService::CurrentKeyId() const {
  absl::ReaderMutexLock lock(&keys_mu_);
  return keys_.current().kid();
}

absl::Status TokenService::PruneKeys() {
  absl::MutexLock lock(&keys_mu_);
  PIM_RETURN_IF_ERROR(keys_.Prune(clock_.Now(), options_.access_token_lifetime));
  verification_keys_ = keys_.VerificationKeys(absl::InfinitePast(), absl::ZeroDuration());
  return absl::OkStatus();
}

std::optional<Principal> TokenService::EnabledPrincipal(std::string_view id) const {
  std::optional<Principal> found;
  engine_.Read([&](const State& state) {
    if (const Principal* p = state.FindPrincipal(std::string(id)); p != nullptr && p->enabled) {
      found = *p;
    }
  });
  return found;
}

absl::StatusOr<IssuedTokens> TokenService::Issue(const Principal& principal,
                                                 const std::vector<std::string>& amr,
                                                 absl::Time auth_time,
                                                 const UserTokenRequest& request,
                                                 std::string family, absl::Time session_end) {
  const absl::Time now = clock_.Now();
  const bool is_app = principal.kind == PrincipalKind::kServicePrincipal;
  boost::json::array amr_claim;
  for (const auto& m : amr) amr_claim.emplace_back(m);
  boost::json::object claims{
      {"iss", options_.issuer},
      {"aud", options_.audience},
      {"sub", principal.id.str()},
      {"oid", principal.id.str()},
      {"tid", options_.tenant_id},
      {"iat", Seconds(now)},
      {"nbf", Seconds(now)},
      {"exp", Seconds(now + options_.access_token_lifetime)},
      {"jti", identity::Base64UrlEncode(identity::RandomBytes(16))},
      {"idtyp", is_app ? "app" : "user"},
      {"azp", request.client_id},
      {"name", principal.display_name},
  };
  if (!is_app) {
    claims["amr"] = amr_claim;
    claims["auth_time"] = Seconds(auth_time);
    if (!principal.mail.empty()) claims["preferred_username"] = principal.mail;
    if (!request.scope.empty()) claims["scp"] = request.scope;
  }
  IssuedTokens out;
  out.access_token = Sign(claims);
  out.expires_in = options_.access_token_lifetime;
  out.scope = request.scope;
  if (request.openid && !is_app) {
    boost::json::object id{{"iss", options_.issuer},
                           {"aud", request.client_id},
                           {"sub", principal.id.str()},
                           {"oid", principal.id.str()},
                           {"tid", options_.tenant_id},
                           {"iat", Seconds(now)},
                           {"exp", Seconds(now + options_.access_token_lifetime)},
                           {"auth_time", Seconds(auth_time)},
                           {"amr", amr_claim},
                           {"name", principal.display_name}};
    if (!request.nonce.empty()) id["nonce"] = request.nonce;
    if (!principal.mail.empty()) id["preferred_username"] = principal.mail;
    out.id_token = Sign(id);
  }
  if (request.refresh && !is_app) {
    out.refresh_token = identity::Base64UrlEncode(identity::RandomBytes(32));
    if (family.empty()) family = identity::Base64UrlEncode(identity::RandomBytes(16));
    const absl::Time expires = std::min(now + options_.refresh_token_lifetime, session_end);
    PIM_RETURN_IF_ERROR(
        store_.Put(kRefresh, identity::Sha256Hex(out.refresh_token), principal.id.str(),
                   boost::json::serialize(boost::json::object{{"principal", principal.id.str()},
                                                              {"family", family},
                                                              {"client", request.client_id},
                                                              {"scope", request.scope},
                                                              {"openid", request.openid},
                                                              {"amr", amr_claim},
                                                              {"authTime", Seconds(auth_time)},
                                                              {"expires", Seconds(expires)},
                                                              {"sessionEnd", Seconds(session_end)},
                                                              {"used", false}})));
    // Spent tokens are kept to catch their reuse, until they expire: then they go, as the
    // principal's new ones come, so that the table does not grow with every refresh.
    PIM_ASSIGN_OR_RETURN(auto held, store_.List(kRefresh, principal.id.str()));
    for (const auto& [key, value] : held) {
      const auto record = ParseObject(value);
      if (record && now >= absl::FromUnixSeconds(Int(*record, "expires"))) {
        PIM_RETURN_IF_ERROR(store_.Delete(kRefresh, key));
      }
    }
  }
  return out;
}

absl::StatusOr<IssuedTokens> TokenService::IssueForUser(const SignInResult& sign_in,
                                                        const UserTokenRequest& request) {
  const std::optional<Principal> user = EnabledPrincipal(sign_in.principal.str());
  if (!user) return BadGrant("The account is not available.");
  return Issue(*user, sign_in.amr, sign_in.auth_time, request, "",
               sign_in.auth_time + options_.session_lifetime);
}

absl::StatusOr<IssuedTokens> TokenService::IssueForServicePrincipal(const PrincipalId& sp) {
  const std::optional<Principal> app = EnabledPrincipal(sp.str());
  if (!app || app->kind != PrincipalKind::kServicePrincipal) {
    return BadGrant("The client is not available.");
  }
  UserTokenRequest request;
  request.client_id = sp.str();
  request.refresh = false;
  return Issue(*app, {}, clock_.Now(), request, "", clock_.Now());
}

absl::StatusOr<IssuedTokens> TokenService::Refresh(std::string_view refresh_token,
                                                   std::string_view client_id) {
  const std::string key = identity::Sha256Hex(refresh_token);
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> text, store_.Get(kRefresh, key));
  const auto record = text ? ParseObject(*text) : std::nullopt;
  if (!record) return BadGrant("The refresh token is not valid.");
  const absl::Time now = clock_.Now();
  const auto* used = record->if_contains("used");
  if (used != nullptr && used->is_bool() && used->as_bool()) {
    // A spent token presented again: whoever holds the family is not to be trusted.
    PIM_RETURN_IF_ERROR(Revoke(refresh_token));
    return BadGrant("The refresh token was already used; its session is revoked.");
  }
  if (Str(*record, "client") != client_id) return BadGrant("The refresh token is not valid.");
  if (now >= absl::FromUnixSeconds(Int(*record, "expires"))) {
    return BadGrant("The refresh token has expired.");
  }
  boost::json::object spent = *record;
  spent["used"] = true;
  PIM_ASSIGN_OR_RETURN(const bool won,
                       store_.Replace(kRefresh, key, *text, boost::json::serialize(spent)));
  if (!won) return BadGrant("The refresh token is not valid.");
  const std::optional<Principal> user = EnabledPrincipal(Str(*record, "principal"));
  if (!user) return BadGrant("The account is not available.");
  std::vector<std::string> amr;
  if (const auto* a = record->if_contains("amr"); a != nullptr && a->is_array()) {
    for (const auto& m : a->as_array()) {
      if (m.is_string()) amr.emplace_back(m.as_string());
    }
  }
  UserTokenRequest request;
  request.client_id = std::string(client_id);
  request.scope = Str(*record, "scope");
  const auto* openid = record->if_contains("openid");
  request.openid = openid != nullptr && openid->is_bool() && openid->as_bool();
  // MFA is not refreshed: the new tokens carry the original sign-in's amr and auth_time.
  return Issue(*user, amr, absl::FromUnixSeconds(Int(*record, "authTime")), request,
               Str(*record, "family"), absl::FromUnixSeconds(Int(*record, "sessionEnd")));
}

absl::Status TokenService::Revoke(std::string_view refresh_token) {
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> text,
                       store_.Get(kRefresh, identity::Sha256Hex(refresh_token)));
  const auto record = text ? ParseObject(*text) : std::nullopt;
  if (!record) return absl::OkStatus();
  const std::string family = Str(*record, "family");
  PIM_ASSIGN_OR_RETURN(auto tokens, store_.List(kRefresh, Str(*record, "principal")));
  for (const auto& [k, value] : tokens) {
    const auto other = ParseObject(value);
    if (!other || Str(*other, "family") == family) PIM_RETURN_IF_ERROR(store_.Delete(kRefresh, k));
  }
  return absl::OkStatus();
}

absl::Status TokenService::RevokeAllIn(CredentialStore& store, const PrincipalId& principal) {
  PIM_ASSIGN_OR_RETURN(auto tokens, store.List(kRefresh, principal.str()));
  for (const auto& [key, value] : tokens) PIM_RETURN_IF_ERROR(store.Delete(kRefresh, key));
  return absl::OkStatus();
}

std::optional<TokenService::Verified> TokenService::Recall(const std::string& digest,
                                                           absl::Time now) const {
  absl::ReaderMutexLock lock(&verified_mu_);
  if (auto it = verified_.find(digest); it != verified_.end() && now < it->second.usable_until) {
    return it->second;
  }
  return std::nullopt;
}

absl::StatusOr<Caller> TokenService::CallerOf(const Verified& verified) const {
  if (!EnabledPrincipal(verified.oid)) return BadToken("The token's principal is not available.");
  Caller caller = Caller::User(verified.oid);
  caller.mfa_at = verified.mfa_at;
  return caller;
}

std::optional<absl::StatusOr<Caller>> TokenService::RecallAccessToken(
    std::string_view token) const {
  if (auto known = Recall(identity::Sha256(token), clock_.Now())) return CallerOf(*known);
  return std::nullopt;
}

absl::StatusOr<Caller> TokenService::VerifyAccessToken(std::string_view token) const {
  const absl::Time now = clock_.Now();
  const std::string digest = identity::Sha256(token);
  std::optional<Verified> known = Recall(digest, now);
  if (!known) {
    identity::JwtExpectations expect;
    expect.issuer = options_.issuer;
    expect.audiences = {options_.audience};
    expect.max_lifetime = options_.access_token_lifetime;
    absl::StatusOr<boost::json::object> claims;
    {
      absl::ReaderMutexLock lock(&keys_mu_);
      claims = identity::DecodeAndVerifyJwt(token, verification_keys_, expect, now);
      // A retired key signed nothing after its retirement: a later token made with it was
      // forged with a leaked key. (Verified, a token names the key that signed it; "iat" is in
      // whole seconds, so one signed in the second of the retirement still passes.)
      if (claims.ok()) {
        const std::optional<std::string> kid = identity::PeekJwtString(token, 0, "kid");
        const std::optional<absl::Time> retired = keys_.RetiredAt(kid.value_or(""));
        if (retired &&
            !(IssuedAt(*claims) <= absl::ToDoubleSeconds(*retired - absl::UnixEpoch()))) {
          return BadToken("The token was signed by a retired key after its retirement.");
        }
      }
    }
    if (!claims.ok()) return claims.status();
    Verified v{Str(*claims, "oid"), std::nullopt,
               absl::FromUnixSeconds(Int(*claims, "exp")) + expect.leeway};
    bool mfa = false;
    if (const auto* amr = claims->if_contains("amr"); amr != nullptr && amr->is_array()) {
      for (const auto& m : amr->as_array()) mfa = mfa || (m.is_string() && m.as_string() == "mfa");
    }
    if (mfa) v.mfa_at = absl::FromUnixSeconds(Int(*claims, "auth_time"));
    absl::MutexLock lock(&verified_mu_);
    if (verified_.size() >= 100'000) {
      absl::erase_if(verified_, [&](const auto& kv) { return kv.second.usable_until <= now; });
      if (verified_.size() >= 100'000) verified_.clear();  // bounded; verifying again is safe
    }
    verified_.emplace(digest, v);
    known = std::move(v);
  }
  return CallerOf(*known);
}

std::string TokenService::Jwks() const {
  absl::ReaderMutexLock lock(&keys_mu_);
  return keys_.JwksJson(clock_.Now(), options_.access_token_lifetime);
}

}  // namespace pim::accounts
