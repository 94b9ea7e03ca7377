// Network settings of pimd's HTTP server and their limits.
#pragma once

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace pim::server {

struct ServerOptions {
  std::string listen_address = "127.0.0.1";
  std::uint16_t port = 8443;     // 0 picks a free port (tests)
  bool tls = true;               // false only with allow_plain_http, and only on loopback
  std::string certificate_file;  // PEM chain
  std::string private_key_file;  // PEM key
  int threads = 4;
  // Writes (anything but GET/HEAD/OPTIONS and POST /pim/v1/check) run on this many threads
  // instead of the I/O threads: they mostly wait for the disk, and the engine commits the
  // writes that wait together with one fsync (group commit).
  int command_threads = 32;
  std::string public_url;  // base of absolute links; "" derives it from the Host header
  bool access_log = true;  // one `http.request` log line per request (5xx are always logged)

  std::uint32_t max_header_bytes = 16 * 1024;
  std::uint64_t max_body_bytes = std::uint64_t{1024} * 1024;
  absl::Duration read_timeout = absl::Seconds(15);  // to receive one whole request (and TLS)
  absl::Duration idle_timeout = absl::Seconds(60);  // between requests on a kept-alive connection
  absl::Duration write_timeout = absl::Seconds(30);
  int max_connections = 1024;
  int max_watch_streams = 256;
  absl::Duration watch_heartbeat = absl::Seconds(15);

  // Per caller (bearer credential, else peer address): a token bucket of `rate_limit_burst`
  // requests refilled at `rate_limit_per_second`. 0 disables the limit.
  double rate_limit_per_second = 1000;
  double rate_limit_burst = 2000;
  // Per peer address: failed authentications (401) allowed, refilled per second. An address
  // that runs out is answered 429 whatever credential it tries next, so rotating made-up
  // tokens does not escape the limit. 0 disables it.
  double auth_failures_per_second = 0.2;
  double auth_failure_burst = 20;
};

}  // namespace pim::server
