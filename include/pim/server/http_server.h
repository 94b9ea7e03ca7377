// pimd's HTTP/1.1 server on Boost.Beast/Asio: TLS (1.2+) by default, keep-alive, limits on
// header and body size, read/idle/write timeouts, a connection cap and a per-caller rate limit.
// It answers /healthz, /readyz and /metrics itself and hands every other request to the API
// (api::ApiService); a watch response continues as a Server-Sent Events stream fed by the
// engine's change log.
//
// Thread-safe. The server runs `options.threads` I/O threads until Stop() or destruction.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "pim/api/http.h"
#include "pim/api/watch_feed.h"
#include "pim/engine/clock.h"
#include "pim/engine/engine.h"
#include "pim/server/metrics.h"
#include "pim/server/server_options.h"

namespace pim::server {

class HttpServer {
 public:
  using Handler = std::function<api::HttpResponse(const api::HttpRequest&)>;

  // Binds, then starts serving. `engine`, `watch`, `metrics` and `wall_clock` (used only for
  // rate limiting and latency) must outlive the server. Errors: InvalidArgument (plain HTTP on
  // a non-loopback address, unreadable certificate or key), Unavailable (cannot bind).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      const ServerOptions& options, Handler handler, const Engine& engine,
      const api::WatchFeed& watch, Metrics& metrics, const Clock& wall_clock);

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  // The bound port (the one picked when options.port was 0).
  [[nodiscard]] std::uint16_t port() const;
  // /readyz answers 200 once this is set.
  void SetReady(bool ready);
  // Stops accepting, closes every connection and joins the threads. Idempotent.
  void Stop();

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pim::server
