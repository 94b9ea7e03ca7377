// pimd's configuration: flags, PIMD_* environment variables and an optional config file
// (INI/TOML, `--config`), in that order of precedence. `pimd --help` lists every setting.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pim/server/server_options.h"

namespace pim::server {

struct PimdConfig {
  std::string data_dir = "./pim-data";    // databases, signing keys, TLS files (created 0700)
  std::string secrets_key_file;           // seals credentials and signing keys at rest;
                                          // default: <data-dir>/secrets.key
  std::string previous_secrets_key_file;  // while changing that key: the one it replaces
  std::string tenant_id = "00000000-0000-4000-8000-000000000000";
  ServerOptions server;
  std::vector<std::string> tls_hostnames = {"localhost", "127.0.0.1", "::1"};
  bool plain_http = false;           // loopback only
  bool test_clock = false;           // loopback only; the clock moves only through the API
  std::string test_clock_start;      // ISO 8601; default: the real time at start
  bool demo = false;                 // seed the demo tenant into an empty database
  bool init_only = false;            // prepare the data directory, then exit without serving
  std::string public_url;            // base of absolute links, when clients reach us via a proxy
  std::string issuer;                // `iss` of our tokens; default: public_url, else
                                     // https://<first tls hostname>[:port]
  std::string trusted_issuers_file;  // external identity providers whose tokens we accept
  std::string notifications_file;    // e-mail and webhook channels (docs/notifications.md)
  absl::Duration access_token_lifetime = absl::Minutes(15);
  absl::Duration mfa_max_age = absl::Hours(1);  // how old MFA may be at activation/approval
  int audit_retention_days = 0;  // change records older than this are deleted; 0 keeps them all
  int audit_checkpoint_interval = 1000;  // audit entries per signed checkpoint
};

// The outcome of parsing the command line: a config to run, or text to print and an exit code
// (--help, --version, or a usage error).
struct ParsedCommandLine {
  bool run = false;
  PimdConfig config;
  int exit_code = 0;
  std::string message;
};

[[nodiscard]] ParsedCommandLine ParsePimdCommandLine(int argc, const char* const* argv);

// Refuses unsafe combinations: plain HTTP or the test clock on a non-loopback address, a
// certificate without a key. InvalidArgument naming the problem.
[[nodiscard]] absl::Status ValidatePimdConfig(const PimdConfig& config);

}  // namespace pim::server
