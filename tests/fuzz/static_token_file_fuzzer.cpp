// StaticTokenAuthenticator::ParseFile is total (tokens or InvalidArgument, never a crash), and
// no error message — of ParseFile or of Create on what it parsed — quotes any token the file
// holds. Parsed tokens that Create accepts authenticate as their own principal, and only as it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "boost/json/parse.hpp"
#include "boost/json/value.hpp"
#include "fuzz_check.h"
#include "pim/api/http.h"
#include "pim/api/static_token_authenticator.h"
#include "pim/engine/manual_clock.h"

namespace {

// Every string in `v` that could be a token (the value of any "token" member, at any depth).
void CollectTokens(const boost::json::value& v, std::vector<std::string>& out) {
  if (const auto* o = v.if_object()) {
    for (const auto& kv : *o) {
      if (kv.key() == "token" && kv.value().is_string()) {
        out.emplace_back(kv.value().get_string());
      }
      CollectTokens(kv.value(), out);
    }
  } else if (const auto* a = v.if_array()) {
    for (const auto& item : *a) CollectTokens(item, out);
  }
}

void CheckMessage(const absl::Status& status, const std::vector<std::string>& tokens,
                  std::string_view input) {
  PIM_FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument, input);
  const std::string_view message(status.message().data(), status.message().size());
  PIM_FUZZ_CHECK(!message.empty() && message.size() <= 200, input);
  for (const std::string& token : tokens) {
    // A token of a few characters may appear in any text by chance ("entry #1").
    if (token.size() >= 6) PIM_FUZZ_CHECK(message.find(token) == std::string_view::npos, input);
  }
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
  std::vector<std::string> tokens;
  {
    boost::system::error_code ec;
    const boost::json::value root = boost::json::parse(input, ec);
    if (!ec) CollectTokens(root, tokens);
  }
  const auto parsed = pim::api::StaticTokenAuthenticator::ParseFile(input);
  if (!parsed.ok()) {
    CheckMessage(parsed.status(), tokens, input);
    return 0;
  }
  static const pim::ManualClock clock(
      absl::FromCivil(absl::CivilSecond(2026, 1, 5, 9, 0, 0), absl::UTCTimeZone()));
  const auto authenticator = pim::api::StaticTokenAuthenticator::Create(*parsed, clock);
  if (!authenticator.ok()) {
    CheckMessage(authenticator.status(), tokens, input);
    return 0;
  }
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
