// The loopback redirect of a native app's sign-in (RFC 8252 section 7.3): pimctl listens on
// 127.0.0.1 on an ephemeral port, the browser is sent back to it with ?code=…&state=…, and
// exactly one request is served before the socket closes.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace pim::cli {

// What one redirect request means, and what to answer the browser.
struct RedirectOutcome {
  absl::StatusOr<std::string> code;  // the authorization code, or why there is none
  int http_status = 200;             // for the browser
  std::string page;                  // a short text/plain page for the browser
};

// Interprets the head of an HTTP request ("GET /callback?code=…&state=… HTTP/1.1\r\n…").
// The code is accepted only for GET on `path` with `state` equal to `expected_state`.
// Errors in `code`: PermissionDenied when the state differs (a forged or stale redirect; the
// code is not used), Unauthenticated when the server sent `error` (its description included),
// InvalidArgument for anything else malformed.
[[nodiscard]] RedirectOutcome HandleRedirect(std::string_view request_head, std::string_view path,
                                             std::string_view expected_state);

// Thread-compatible. Owns one listening socket.
class LoopbackRedirect {
 public:
  // Listens on 127.0.0.1 on a port the kernel picks. Errors: Unavailable if that fails.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<LoopbackRedirect>> Listen();
  ~LoopbackRedirect();
  LoopbackRedirect(const LoopbackRedirect&) = delete;
  LoopbackRedirect& operator=(const LoopbackRedirect&) = delete;

  [[nodiscard]] int port() const { return port_; }
  // "http://127.0.0.1:<port>/callback".
  [[nodiscard]] std::string redirect_uri() const;

  // Serves exactly one request (HandleRedirect) and closes the listening socket. Errors: those
  // of HandleRedirect; DeadlineExceeded when no request came within `timeout`.
  [[nodiscard]] absl::StatusOr<std::string> AwaitCode(std::string_view expected_state,
                                                      absl::Duration timeout);

 private:
  LoopbackRedirect(int fd, int port) : fd_(fd), port_(port) {}
  void Close();

  int fd_;
  const int port_;
};

}  // namespace pim::cli
