// Authenticated calls to one pimd: attaches the cached access token, refreshes it silently
// with the refresh token when it has expired or the server answers 401 (the refresh token
// rotates: the new one is saved atomically before it is used), and turns error answers into
// statuses (ServerError). A refresh holds the sign-in's lock (TokenCache::Lock) and first reads
// the file again: when another process refreshed meanwhile, its tokens are used, so that no two
// processes present the same (spent) refresh token. Thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json/value.hpp"
#include "pim/cli/http_client.h"
#include "pim/cli/token_cache.h"
#include "pim/engine/clock.h"

namespace pim::cli {

struct ApiCall {
  std::string method = "GET";
  std::string path;  // "/v1.0/me", with its query string; or an absolute URL (nextLink)
  std::optional<boost::json::value> body;
  std::string content_type = "application/json";
  std::string raw_body;  // sent as is when `body` is empty (e.g. CSV)
  std::vector<std::pair<std::string, std::string>> headers;
};

struct ApiResult {
  int status = 0;
  boost::json::value json;  // null when the body is empty
  std::string revision;     // X-Pim-Revision
};

class Session {
 public:
  // All borrowed. `server` without a trailing slash.
  Session(HttpClient& http, const TokenCache& cache, const Clock& clock, std::string server)
      : http_(http), cache_(cache), clock_(clock), server_(std::move(server)) {}

  // Sends `call` signed in. Errors: Unauthenticated (exit code 3) when there is no sign-in for
  // this server or the token endpoint refuses the refresh (400/401 invalid_grant: the sign-in
  // is deleted then); any other error of the token endpoint as it is, the sign-in kept; the
  // server's error (ToStatus) for a non-2xx answer; Unavailable when unreachable; DataLoss when
  // a 2xx body is not JSON.
  [[nodiscard]] absl::StatusOr<ApiResult> Call(const ApiCall& call);

  // GET `path` and every page after it (@odata.nextLink / nextLink); the items of "value".
  [[nodiscard]] absl::StatusOr<boost::json::array> ListAll(const std::string& path);

  // The signed-in user's object id and name (from the cache; loads it when needed).
  [[nodiscard]] absl::StatusOr<std::string> UserId();
  [[nodiscard]] absl::StatusOr<std::string> UserName();

  [[nodiscard]] const std::string& server() const { return server_; }

 private:
  [[nodiscard]] absl::Status EnsureSignIn();
  [[nodiscard]] absl::Status RefreshNow();

  HttpClient& http_;
  const TokenCache& cache_;
  const Clock& clock_;
  const std::string server_;
  std::optional<CachedSignIn> sign_in_;
};

}  // namespace pim::cli
