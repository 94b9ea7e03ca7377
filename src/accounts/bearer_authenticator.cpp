#include "pim/accounts/bearer_authenticator.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "boost/json.hpp"
#include "pim/domain/status.h"
#include "pim/identity/base64url.h"
#include "pim/identity/jwt.h"

namespace pim::accounts {
namespace {

constexpr size_t kMaxTokenBytes = size_t{16} * 1024;

absl::Status Unauthenticated(std::string_view why) {
  return Error(absl::StatusCode::kUnauthenticated, api::kInvalidAuthenticationToken, why);
}

// Whether `keys` cannot verify a token whose header names key `kid` (nullopt: names none).
bool LacksKey(const std::vector<identity::VerificationKey>& keys,
              const std::optional<std::string>& kid) {
  if (keys.empty()) return true;
  if (!kid) return false;
  return std::none_of(keys.begin(), keys.end(),
                      [&](const identity::VerificationKey& k) { return k.kid() == *kid; });
}

std::optional<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

std::optional<int64_t> IntClaim(const boost::json::object& claims, std::string_view name) {
  const auto* v = claims.if_contains(name);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= INT64_MAX) return static_cast<int64_t>(v->as_uint64());
  return std::nullopt;
}

}  // namespace

BearerAuthenticator::BearerAuthenticator(const TokenService& tokens,
                                         std::vector<ExternalIssuer> external, const Engine& engine,
                                         const Clock& clock, AccountService* accounts,
                                         const JwksFetcherFactory& make_fetcher,
                                         const RemoteJwksOptions& remote_options)
    : tokens_(tokens),
      external_([&] {
        std::vector<Trusted> trusted;
        for (ExternalIssuer& e : external) {
          std::unique_ptr<RemoteJwks> remote;
          if (!e.jwks_uri.empty() && make_fetcher) {
            if (std::unique_ptr<JwksFetcher> fetcher = make_fetcher(e)) {
              remote = std::make_unique<RemoteJwks>(e.issuer, e.jwks_uri, std::move(fetcher), clock,
                                                    remote_options);
            }
          }
          trusted.push_back(Trusted{std::move(e), std::move(remote)});
        }
        return trusted;
      }()),
      engine_(engine),
      clock_(clock),
      accounts_(accounts) {}

absl::StatusOr<Caller> BearerAuthenticator::Authenticate(const api::HttpRequest& request) const {
  const std::string_view header = request.Header("authorization");
  if (header.empty()) return Unauthenticated("Access token is empty.");
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(absl::string_view(header.data(), kScheme.size()), "Bearer ")) {
    return Unauthenticated("Access token must be sent as a Bearer token.");
  }
  const std::string_view token = header.substr(kScheme.size());
  if (token.size() > kMaxTokenBytes) return Unauthenticated("Access token is too large.");
  // Our own token, verified on an earlier request: known by its digest, nothing to decode.
  std::optional<absl::StatusOr<Caller>> caller = tokens_.RecallAccessToken(token);
  if (!caller) {
    const std::optional<std::string> iss = identity::PeekJwtString(token, 1, "iss");
    if (!iss) return Unauthenticated("Access token is malformed.");
    if (*iss == tokens_.options().issuer) {
      caller = tokens_.VerifyAccessToken(token);
    } else {
      for (const Trusted& e : external_) {
        if (e.config.issuer == *iss) {
          caller = AuthenticateExternal(e, token);
          break;
        }
      }
    }
  }
  if (!caller) return Unauthenticated("Access token is from an untrusted issuer.");
  if (!caller->ok()) return caller->status();

  if (const std::string_view code = request.Header("x-pim-mfa-code"); !code.empty()) {
    if (accounts_ == nullptr) return Unauthenticated("Step-up codes are not accepted here.");
    auto at = accounts_->VerifySecondFactor((*caller)->id, code, request.remote_address);
    if (!at.ok()) return at.status();
    (*caller)->mfa_at = *at;
  }
  return *std::move(caller);
}

std::vector<RemoteJwks*> BearerAuthenticator::remote_key_sets() const {
  std::vector<RemoteJwks*> sets;
  for (const Trusted& e : external_) {
    if (e.remote != nullptr) sets.push_back(e.remote.get());
  }
  return sets;
}

absl::StatusOr<Caller> BearerAuthenticator::AuthenticateExternal(const Trusted& issuer,
                                                                 std::string_view token) const {
  if (issuer.config.jwks_uri.empty()) return MapExternal(issuer.config, issuer.config.keys, token);
  if (issuer.remote == nullptr) {
    return Unauthenticated("The issuer's signing keys are unavailable.");
  }
  std::shared_ptr<const RemoteJwks::KeySet> keys = issuer.remote->keys();
  // A key id the set lacks is how a provider's key rotation shows; RemoteJwks rate-limits the
  // fetches this can cause, so made-up key ids cannot turn into a flood of requests.
  if (LacksKey(*keys, identity::PeekJwtString(token, 0, "kid")))
    keys = issuer.remote->RefreshForUnknownKey();
  if (keys->empty()) return Unauthenticated("The issuer's signing keys are not available yet.");
  return MapExternal(issuer.config, *keys, token);
}

absl::StatusOr<Caller> BearerAuthenticator::MapExternal(
    const ExternalIssuer& issuer, const std::vector<identity::VerificationKey>& keys,
    std::string_view token) const {
  identity::JwtExpectations expect;
  expect.issuer = issuer.issuer;
  expect.audiences = issuer.audiences;
  auto claims = identity::DecodeAndVerifyJwt(token, keys, expect, clock_.Now());
  if (!claims.ok()) return claims.status();
  const auto* value = claims->if_contains(issuer.claim);
  if (value == nullptr || !value->is_string() || value->as_string().empty()) {
    return Unauthenticated("Access token does not name a principal.");
  }
  const std::string wanted = absl::AsciiStrToLower(std::string(value->as_string()));
  std::optional<PrincipalId> id;
  engine_.Read([&](const State& state) {
    if (issuer.match == ExternalIssuer::Match::kObjectId) {
      // A group is never a caller: signing in as one would act with the group's own roles.
      const Principal* p = state.FindPrincipal(wanted);
      if (p != nullptr && p->enabled && p->kind != PrincipalKind::kGroup) id = p->id;
      return;
    }
    for (const auto& [key, p] : state.principals()) {
      if (p.kind == PrincipalKind::kUser && p.enabled && absl::AsciiStrToLower(p.mail) == wanted) {
        id = p.id;
        return;
      }
    }
  });
  if (!id) return Unauthenticated("Access token's principal is not known to this tenant.");
  Caller caller = Caller::User(id->str());
  bool mfa = false;
  if (const auto* amr = claims->if_contains("amr"); amr != nullptr && amr->is_array()) {
    for (const auto& m : amr->as_array()) mfa = mfa || (m.is_string() && m.as_string() == "mfa");
  }
  // Conditional Access authentication contexts the issuer says were satisfied: trusted, like its
  // MFA, only with trustMfa.
  if (const auto* acrs = claims->if_contains("acrs");
      issuer.trust_mfa && acrs != nullptr && acrs->is_array()) {
    for (const auto& c : acrs->as_array()) {
      if (c.is_string() && c.as_string().size() <= 64) {
        caller.authentication_contexts.emplace_back(c.as_string());
      }
    }
  }
  if (mfa && issuer.trust_mfa) {
    const auto at = IntClaim(*claims, "auth_time");
    const auto iat = IntClaim(*claims, "iat");
    if (at || iat) caller.mfa_at = absl::FromUnixSeconds(at ? *at : *iat);
  }
  return caller;
}

absl::StatusOr<std::vector<ExternalIssuer>> LoadExternalIssuers(std::string_view json,
                                                                const std::string& base_dir) {
  auto bad = [](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("trusted issuers: ", std::string(why)));
  };
  auto resolve = [&](const std::string& path) {
    return path.front() == '/' ? path : absl::StrCat(base_dir, "/", path);
  };
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(json, ec);
  if (ec || !doc.is_array()) return bad("the file must hold a JSON array");
  std::vector<ExternalIssuer> out;
  for (const auto& item : doc.as_array()) {
    if (!item.is_object()) return bad("each entry is an object");
    const auto& o = item.as_object();
    ExternalIssuer e;
    auto text = [&](std::string_view field) -> std::string {
      const auto* v = o.if_contains(field);
      return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    e.issuer = text("issuer");
    if (e.issuer.empty()) return bad("\"issuer\" is required");
    if (const auto* aud = o.if_contains("audience"); aud != nullptr && aud->is_string()) {
      e.audiences.emplace_back(aud->as_string());
    } else if (aud != nullptr && aud->is_array()) {
      for (const auto& a : aud->as_array()) {
        if (!a.is_string()) return bad("\"audience\" holds strings");
        e.audiences.emplace_back(a.as_string());
      }
    }
    if (e.audiences.empty()) return bad(absl::StrCat(e.issuer, ": \"audience\" is required"));
    if (!text("claim").empty()) e.claim = text("claim");
    const std::string match = text("match");
    if (match == "userPrincipalName") {
      e.match = ExternalIssuer::Match::kUserPrincipalName;
    } else if (!match.empty() && match != "objectId") {
      return bad(absl::StrCat(e.issuer, ": \"match\" is objectId or userPrincipalName"));
    }
    if (const auto* t = o.if_contains("trustMfa"); t != nullptr) {
      if (!t->is_bool()) return bad("\"trustMfa\" is a boolean");
      e.trust_mfa = t->as_bool();
    }
    for (const std::string_view field : {"jwksFile", "jwksUri", "caFile"}) {
      if (const auto* v = o.if_contains(field); v != nullptr && !v->is_string()) {
        return bad(absl::StrCat(e.issuer, ": \"", std::string(field), "\" is a string"));
      }
    }
    const std::string jwks_file = text("jwksFile");
    const std::string jwks_uri = text("jwksUri");
    const std::string ca_file = text("caFile");
    if (!jwks_file.empty() && !jwks_uri.empty()) {
      return bad(absl::StrCat(e.issuer, ": give either \"jwksFile\" or \"jwksUri\", not both"));
    }
    if (jwks_file.empty() && jwks_uri.empty()) {
      return bad(absl::StrCat(e.issuer, ": \"jwksFile\" or \"jwksUri\" is required"));
    }
    if (!ca_file.empty() && jwks_uri.empty()) {
      return bad(absl::StrCat(e.issuer, ": \"caFile\" goes only with \"jwksUri\""));
    }
    if (!jwks_uri.empty()) {
      if (auto s = ValidateJwksUri(jwks_uri); !s.ok()) {
        return bad(absl::StrCat(e.issuer, ": ", s.message()));
      }
      e.jwks_uri = jwks_uri;
      if (!ca_file.empty()) {
        e.ca_file = resolve(ca_file);
        const std::optional<std::string> pem = ReadWholeFile(e.ca_file);
        if (!pem) return bad(absl::StrCat(e.issuer, ": cannot read caFile ", e.ca_file));
        if (!absl::StrContains(*pem, "-----BEGIN CERTIFICATE-----")) {
          return bad(absl::StrCat(e.issuer, ": caFile ", e.ca_file, " holds no PEM certificate"));
        }
      }
    } else {
      const std::string path = resolve(jwks_file);
      const std::optional<std::string> contents = ReadWholeFile(path);
      if (!contents) return bad(absl::StrCat(e.issuer, ": cannot read ", path));
      auto keys = identity::VerificationKey::ParseJwks(*contents);
      if (!keys.ok()) return bad(absl::StrCat(e.issuer, ": ", keys.status().message()));
      e.keys = std::move(*keys);
    }
    if (std::any_of(out.begin(), out.end(),
                    [&](const ExternalIssuer& x) { return x.issuer == e.issuer; })) {
      return bad(absl::StrCat(e.issuer, ": listed twice"));
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace pim::accounts
