#include "pim/accounts/bearer_authenticator.h"

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

// The unverified `iss` of a compact JWT, only to choose which keys to verify it with.
std::optional<std::string> PeekIssuer(std::string_view token) {
  const size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const auto payload = identity::Base64UrlDecode(token.substr(first + 1, second - first - 1));
  if (!payload) return std::nullopt;
  boost::json::parse_options options;
  options.max_depth = 16;
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(*payload, ec, {}, options);
  if (ec || !v.is_object()) return std::nullopt;
  const auto* iss = v.as_object().if_contains("iss");
  if (iss == nullptr || !iss->is_string()) return std::nullopt;
  return std::string(iss->as_string());
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
                                         const Clock& clock, AccountService* accounts)
    : tokens_(tokens),
      external_(std::move(external)),
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
  const std::optional<std::string> iss = PeekIssuer(token);
  if (!iss) return Unauthenticated("Access token is malformed.");

  absl::StatusOr<Caller> caller = Unauthenticated("Access token is from an untrusted issuer.");
  if (*iss == tokens_.options().issuer) {
    caller = tokens_.VerifyAccessToken(token);
  } else {
    for (const ExternalIssuer& e : external_) {
      if (e.issuer == *iss) {
        caller = AuthenticateExternal(e, token);
        break;
      }
    }
  }
  if (!caller.ok()) return caller.status();

  if (const std::string_view code = request.Header("x-pim-mfa-code"); !code.empty()) {
    if (accounts_ == nullptr) return Unauthenticated("Step-up codes are not accepted here.");
    auto at = accounts_->VerifySecondFactor(caller->id, code, request.remote_address);
    if (!at.ok()) return at.status();
    caller->mfa_at = *at;
  }
  return caller;
}

absl::StatusOr<Caller> BearerAuthenticator::AuthenticateExternal(const ExternalIssuer& issuer,
                                                                 std::string_view token) const {
  identity::JwtExpectations expect;
  expect.issuer = issuer.issuer;
  expect.audiences = issuer.audiences;
  auto claims = identity::DecodeAndVerifyJwt(token, issuer.keys, expect, clock_.Now());
  if (!claims.ok()) return claims.status();
  const auto* value = claims->if_contains(issuer.claim);
  if (value == nullptr || !value->is_string() || value->as_string().empty()) {
    return Unauthenticated("Access token does not name a principal.");
  }
  const std::string wanted = absl::AsciiStrToLower(std::string(value->as_string()));
  std::optional<PrincipalId> id;
  engine_.Read([&](const State& state) {
    if (issuer.match == ExternalIssuer::Match::kObjectId) {
      const Principal* p = state.FindPrincipal(wanted);
      if (p != nullptr && p->enabled) id = p->id;
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
  // Conditional Access authentication contexts the issuer says were satisfied.
  if (const auto* acrs = claims->if_contains("acrs"); acrs != nullptr && acrs->is_array()) {
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
    std::string jwks_file = text("jwksFile");
    if (jwks_file.empty()) return bad(absl::StrCat(e.issuer, ": \"jwksFile\" is required"));
    if (jwks_file.front() != '/') jwks_file = absl::StrCat(base_dir, "/", jwks_file);
    std::ifstream in(jwks_file, std::ios::binary);
    if (!in) return bad(absl::StrCat(e.issuer, ": cannot read ", jwks_file));
    std::ostringstream contents;
    contents << in.rdbuf();
    auto keys = identity::VerificationKey::ParseJwks(contents.str());
    if (!keys.ok()) return bad(absl::StrCat(e.issuer, ": ", keys.status().message()));
    e.keys = std::move(*keys);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace pim::accounts
