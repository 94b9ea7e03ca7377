// StaticTokenAuthenticator::ParseFile is total (tokens or InvalidArgument, never a crash), and
// no error message — of ParseFile or of Create on what it parsed — depends on the text of a
// token: the same file with every token replaced by another of the same length (distinct ones
// kept distinct) gives the same message, and no message carries the corpus' probe token.
// Parsed tokens that Create accepts authenticate as their own principal, and only as it.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "fuzz_check.h"
#include "pim/api/http.h"
#include "pim/api/static_token_authenticator.h"
#include "pim/engine/manual_clock.h"

namespace {

constexpr std::string_view kProbe = "PROBE-TOKEN";

// Replaces the value of every "token" member (at any depth) by a string of the same length,
// equal replacements for equal tokens, different ones for different tokens of 8+ characters.
void ReplaceTokens(boost::json::value& v, std::map<std::string, std::string>& replacements) {
  if (auto* o = v.if_object()) {
    for (auto& kv : *o) {
      if (kv.key() == "token" && kv.value().is_string()) {
        const std::string token(kv.value().get_string());
        auto it = replacements.find(token);
        if (it == replacements.end()) {
          std::string other(token.size(), 'Z');
          const std::string index = std::to_string(replacements.size());
          if (index.size() < other.size()) other.replace(0, index.size(), index);
          it = replacements.emplace(token, std::move(other)).first;
        }
        kv.value() = it->second;
      } else {
        ReplaceTokens(kv.value(), replacements);
      }
    }
  } else if (auto* a = v.if_array()) {
    for (auto& item : *a) ReplaceTokens(item, replacements);
  }
}

// The message ParseFile, then Create, gives for `json`; "" when both succeed.
std::string Outcome(std::string_view json, std::string_view input) {
  static const pim::ManualClock clock(
      absl::FromCivil(absl::CivilSecond(2026, 1, 5, 9, 0, 0), absl::UTCTimeZone()));
  const auto parsed = pim::api::StaticTokenAuthenticator::ParseFile(json);
  absl::Status status = parsed.status();
  if (parsed.ok()) status = pim::api::StaticTokenAuthenticator::Create(*parsed, clock).status();
  if (status.ok()) return "";
  PIM_FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument, input);
  const std::string message(status.message());
  PIM_FUZZ_CHECK(!message.empty() && message.size() <= 200, input);
  PIM_FUZZ_CHECK(message.find(kProbe) == std::string::npos, input);
  return message;
}

pim::api::HttpRequest WithBearer(std::string_view token) {
  pim::api::HttpRequest request;
  request.method = "GET";
  request.target = "/v1.0/me";
  request.headers.emplace_back("authorization", "Bearer " + std::string(token));
  return request;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string outcome = Outcome(input, input);
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(input, ec);
  if (!ec) {
    std::map<std::string, std::string> replacements;
    ReplaceTokens(root, replacements);
    PIM_FUZZ_CHECK(Outcome(boost::json::serialize(root), input) == outcome, input);
  }
  if (!outcome.empty()) return 0;

  static const pim::ManualClock clock(
      absl::FromCivil(absl::CivilSecond(2026, 1, 5, 9, 0, 0), absl::UTCTimeZone()));
  const auto parsed = pim::api::StaticTokenAuthenticator::ParseFile(input);
  PIM_FUZZ_CHECK(parsed.ok(), input);
  const auto authenticator = pim::api::StaticTokenAuthenticator::Create(*parsed, clock);
  PIM_FUZZ_CHECK(authenticator.ok(), input);
  for (const pim::api::StaticToken& t : *parsed) {
    const auto caller = authenticator->Authenticate(WithBearer(t.token));
    PIM_FUZZ_CHECK(caller.ok() && caller->id.str() == t.principal_id, input);
    PIM_FUZZ_CHECK(caller->mfa_at.has_value() == t.mfa, input);
    PIM_FUZZ_CHECK(caller->authentication_contexts == t.authentication_contexts, input);
    PIM_FUZZ_CHECK(!caller->is_system, input);
  }
  const auto stranger = authenticator->Authenticate(WithBearer("not-any-token-in-the-file"));
  PIM_FUZZ_CHECK(!stranger.ok() && stranger.status().code() == absl::StatusCode::kUnauthenticated,
                 input);
  return 0;
}
