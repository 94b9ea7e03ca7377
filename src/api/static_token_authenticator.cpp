#include "pim/api/static_token_authenticator.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "boost/json/value.hpp"
#include "pim/domain/status.h"

namespace pim::api {
namespace {

constexpr std::string_view kInvalidToken = "InvalidAuthenticationToken";
constexpr std::size_t kMinimumTokenLength = 32;

std::array<unsigned char, 32> Sha256(std::string_view text) {
  std::array<unsigned char, 32> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  return digest;
}

absl::Status Unauthenticated(std::string_view why) {
  return Error(absl::StatusCode::kUnauthenticated, kInvalidToken, why);
}

absl::Status BadFile(const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat("token file: ", why));
}

}  // namespace

absl::StatusOr<StaticTokenAuthenticator> StaticTokenAuthenticator::Create(
    const std::vector<StaticToken>& tokens, const Clock& clock) {
  std::vector<Entry> entries;
  entries.reserve(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const StaticToken& t = tokens[i];
    if (t.token.size() < kMinimumTokenLength) {
      return BadFile(absl::StrCat("token #", i + 1, " is shorter than 32 characters"));
    }
    if (t.principal_id.empty()) return BadFile(absl::StrCat("token #", i + 1, " has no principal"));
    Entry e{Sha256(t.token), t.principal_id, t.mfa, t.authentication_contexts};
    for (const Entry& other : entries) {
      if (other.digest == e.digest) return BadFile(absl::StrCat("token #", i + 1, " is repeated"));
    }
    entries.push_back(std::move(e));
  }
  return StaticTokenAuthenticator(std::move(entries), clock);
}

absl::StatusOr<std::vector<StaticToken>> StaticTokenAuthenticator::ParseFile(
    std::string_view json) {
  boost::system::error_code ec;
  const boost::json::value root = boost::json::parse(json, ec);
  if (ec || !root.is_object()) return BadFile("not a JSON object");
  const auto* list = root.as_object().if_contains("tokens");
  if (list == nullptr || !list->is_array()) return BadFile("\"tokens\" must be an array");
  std::vector<StaticToken> out;
  for (const boost::json::value& item : list->as_array()) {
    const std::size_t n = out.size() + 1;
    if (!item.is_object()) return BadFile(absl::StrCat("entry #", n, " is not an object"));
    const auto& o = item.as_object();
    StaticToken t;
    const auto* token = o.if_contains("token");
    const auto* principal = o.if_contains("principalId");
    if (token == nullptr || !token->is_string()) {
      return BadFile(absl::StrCat("entry #", n, " needs a string \"token\""));
    }
    if (principal == nullptr || !principal->is_string()) {
      return BadFile(absl::StrCat("entry #", n, " needs a string \"principalId\""));
    }
    t.token = std::string(token->as_string());
    t.principal_id = std::string(principal->as_string());
    if (const auto* mfa = o.if_contains("mfa")) {
      if (!mfa->is_bool()) return BadFile(absl::StrCat("entry #", n, ": \"mfa\" is a boolean"));
      t.mfa = mfa->as_bool();
    }
    if (const auto* acrs = o.if_contains("authenticationContexts")) {
      if (!acrs->is_array()) {
        return BadFile(absl::StrCat("entry #", n, ": \"authenticationContexts\" is an array"));
      }
      for (const auto& c : acrs->as_array()) {
        if (!c.is_string()) return BadFile(absl::StrCat("entry #", n, ": contexts are strings"));
        t.authentication_contexts.emplace_back(c.as_string());
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

absl::StatusOr<Caller> StaticTokenAuthenticator::Authenticate(const HttpRequest& request) const {
  const std::string_view header = request.Header("authorization");
  if (header.empty()) return Unauthenticated("Access token is empty.");
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(absl::string_view(header.data(), kScheme.size()), "Bearer ")) {
    return Unauthenticated("Access token must be sent as a Bearer token.");
  }
  const Digest digest = Sha256(header.substr(kScheme.size()));
  // Every entry is compared, in constant time, whatever matches: the time taken tells nothing
  // about which token (or how much of one) was right.
  const Entry* found = nullptr;
  for (const Entry& e : entries_) {
    if (CRYPTO_memcmp(e.digest.data(), digest.data(), digest.size()) == 0) found = &e;
  }
  if (found == nullptr) return Unauthenticated("Access token is invalid or has expired.");
  Caller caller = Caller::User(found->principal_id);
  if (found->mfa) caller.mfa_at = clock_->Now();
  caller.authentication_contexts = found->authentication_contexts;
  return caller;
}

}  // namespace pim::api
