// What the pimctl tests share: the fake server's address, a fake clock and a fake HttpClient
// that logs every request and answers it with a handler, and a JSON object from text.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "boost/json/object.hpp"
#include "boost/json/parse.hpp"
#include "pim/cli/http_client.h"
#include "pim/cli/token_cache.h"
#include "pim/engine/clock.h"

namespace pim::cli {

inline constexpr char kServer[] = "https://pim.test";

// Starts at 2026-01-05T09:00Z and moves only when told to.
class FakeClock final : public Clock {
 public:
  absl::Time Now() const override { return now_; }
  void Advance(absl::Duration d) { now_ += d; }

 private:
  absl::Time now_ = absl::FromUnixSeconds(1'767'603'600);  // 2026-01-05T09:00Z
};

// A sign-in to kServer as the token cache keeps it: tokens "access-{tokens}" and
// "refresh-{tokens}", the access token valid until `expires`.
inline CachedSignIn TestSignIn(absl::Time expires, const std::string& user_id,
                               const std::string& user_name = "",
                               const std::string& tokens = "old") {
  CachedSignIn s;
  s.server = kServer;
  s.access_token = Secret("access-" + tokens);
  s.refresh_token = Secret("refresh-" + tokens);
  s.access_expires = expires;
  s.user_id = user_id;
  s.user_name = user_name;
  return s;
}

// Appends each request to `log`, then answers it with `handler`.
class FakeHttp final : public HttpClient {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;
  FakeHttp(std::vector<HttpRequest>& log, Handler handler)
      : log_(log), handler_(std::move(handler)) {}
  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    log_.push_back(request);
    return handler_(request);
  }

 private:
  std::vector<HttpRequest>& log_;
  Handler handler_;
};

// The JSON object `text` (which must be one).
inline boost::json::object Obj(const char* text) { return boost::json::parse(text).as_object(); }

}  // namespace pim::cli
