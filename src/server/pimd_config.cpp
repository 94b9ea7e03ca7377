#include "pim/server/pimd_config.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/ip/address.hpp"

namespace pim::server {
namespace {

bool IsLoopback(const std::string& address) {
  boost::system::error_code ec;
  const auto a = boost::asio::ip::make_address(address, ec);
  return !ec && a.is_loopback();
}

// argv, plus "--name=value" for every option whose environment variable is set and that the
// command line does not give.
std::vector<std::string> WithEnvironment(const CLI::App& app, int argc, const char* const* argv) {
  std::vector<std::string> args(argv, argv + argc);
  if (args.empty()) args.emplace_back("pimd");
  for (const CLI::Option* option : app.get_options()) {
    const std::string& variable = option->get_envname();
    const char* value = variable.empty() ? nullptr : std::getenv(variable.c_str());
    // (An empty variable is unset, as CLI11 itself reads the environment.)
    if (value == nullptr || *value == '\0' || option->get_lnames().empty()) continue;
    const std::string name = "--" + option->get_lnames().front();
    const bool given = std::any_of(args.begin() + 1, args.end(), [&](const std::string& a) {
      return a == name || absl::StartsWith(a, name + "=");
    });
    if (!given) args.push_back(absl::StrCat(name, "=", value));
  }
  return args;
}

}  // namespace

ParsedCommandLine ParsePimdCommandLine(int argc, const char* const* argv) {
  ParsedCommandLine out;
  PimdConfig& c = out.config;
  CLI::App app{
      "pimd: Privileged Identity Management server (Graph and ARM PIM APIs, check and watch).\n"
      "Every option can also be set as an environment variable (shown in brackets) or in the\n"
      "file given with --config (INI/TOML, keys named like the long options)."};
  app.set_config("--config", "", "Read settings from this file");
  double read_timeout = absl::ToDoubleSeconds(c.server.read_timeout);
  double idle_timeout = absl::ToDoubleSeconds(c.server.idle_timeout);
  double heartbeat = absl::ToDoubleSeconds(c.server.watch_heartbeat);
  int token_minutes = static_cast<int>(absl::ToInt64Minutes(c.access_token_lifetime));
  int mfa_minutes = static_cast<int>(absl::ToInt64Minutes(c.mfa_max_age));
  app.add_option("--data-dir", c.data_dir,
                 "Directory for the databases, signing keys and TLS files")
      ->envname("PIMD_DATA_DIR")
      ->capture_default_str();
  app.add_option("--secrets-key-file", c.secrets_key_file,
                 "Key that seals TOTP keys, password hashes and signing keys at rest (created "
                 "0600 on first start; default: <data-dir>/secrets.key). Keep it apart from the "
                 "data directory and its backups")
      ->envname("PIMD_SECRETS_KEY_FILE");
  app.add_option("--previous-secrets-key-file", c.previous_secrets_key_file,
                 "To change the secrets key: the key it replaces. pimd seals everything again "
                 "with --secrets-key-file (created if missing) at start; then drop this option")
      ->envname("PIMD_PREVIOUS_SECRETS_KEY_FILE");
  app.add_option("--listen", c.server.listen_address, "IP address to listen on")
      ->envname("PIMD_LISTEN")
      ->capture_default_str();
  app.add_option("--port", c.server.port, "TCP port (0 picks a free one)")
      ->envname("PIMD_PORT")
      ->capture_default_str();
  app.add_option("--tls-cert", c.server.certificate_file,
                 "PEM certificate chain (default: a generated one in <data-dir>/tls)")
      ->envname("PIMD_TLS_CERT");
  app.add_option("--tls-key", c.server.private_key_file, "PEM private key for --tls-cert")
      ->envname("PIMD_TLS_KEY");
  app.add_option("--tls-hostname", c.tls_hostnames,
                 "Names and addresses the generated certificate is valid for")
      ->envname("PIMD_TLS_HOSTNAMES")
      ->delimiter(',')
      ->capture_default_str();
  app.add_flag("--plain-http", c.plain_http,
               "Serve plain HTTP instead of TLS (loopback addresses only; for tests)")
      ->envname("PIMD_PLAIN_HTTP");
  app.add_option("--public-url", c.public_url,
                 "Base URL clients use to reach pimd, for absolute links (default: from Host)")
      ->envname("PIMD_PUBLIC_URL");
  app.add_option("--tenant-id", c.tenant_id, "Directory tenant id")
      ->envname("PIMD_TENANT_ID")
      ->capture_default_str();
  app.add_option("--issuer", c.issuer,
                 "The `iss` of the tokens pimd issues (default: --public-url, else "
                 "https://<first --tls-hostname>[:port])")
      ->envname("PIMD_ISSUER");
  app.add_option("--trusted-issuers", c.trusted_issuers_file,
                 "JSON file of external identity providers whose tokens are accepted "
                 "(docs/identity.md)")
      ->envname("PIMD_TRUSTED_ISSUERS");
  app.add_option("--notifications", c.notifications_file,
                 "JSON file of notification channels: SMTP and webhooks "
                 "(docs/notifications.md)")
      ->envname("PIMD_NOTIFICATIONS");
  app.add_option("--access-token-lifetime", token_minutes, "Minutes an access token lives")
      ->envname("PIMD_ACCESS_TOKEN_LIFETIME")
      ->check(CLI::Range(1, 24 * 60))
      ->capture_default_str();
  app.add_option("--mfa-max-age", mfa_minutes,
                 "Minutes since MFA within which an activation or approval that requires MFA is "
                 "accepted")
      ->envname("PIMD_MFA_MAX_AGE")
      ->check(CLI::Range(1, 24 * 60))
      ->capture_default_str();
  app.add_flag("--demo", c.demo, "Seed the demo tenant into an empty database")
      ->envname("PIMD_DEMO");
  app.add_flag("--init-only", c.init_only,
               "Prepare the data directory (databases, keys, TLS files, break-glass account, demo "
               "tenant), then exit");
  // Only ever on the command line: no environment variable or file can switch it on.
  app.add_flag("--test-clock", c.test_clock,
               "TESTS ONLY: a clock that moves only through POST /pim/v1/test/clock "
               "(loopback addresses only; command line only)")
      ->configurable(false);
  app.add_option("--test-clock-start", c.test_clock_start,
                 "Start time of the test clock (ISO 8601; default: now)")
      ->envname("PIMD_TEST_CLOCK_START");
  app.add_option("--threads", c.server.threads, "I/O threads")
      ->envname("PIMD_THREADS")
      ->capture_default_str();
  app.add_option("--command-threads", c.server.command_threads,
                 "Threads that run writes; they mostly wait for the disk, and writes waiting "
                 "together share one commit")
      ->envname("PIMD_COMMAND_THREADS")
      ->capture_default_str();
  app.add_option("--max-connections", c.server.max_connections, "Open connections at most")
      ->envname("PIMD_MAX_CONNECTIONS")
      ->capture_default_str();
  app.add_option("--max-header-bytes", c.server.max_header_bytes, "Largest request header")
      ->envname("PIMD_MAX_HEADER_BYTES")
      ->capture_default_str();
  app.add_option("--max-body-bytes", c.server.max_body_bytes, "Largest request body")
      ->envname("PIMD_MAX_BODY_BYTES")
      ->capture_default_str();
  app.add_option("--read-timeout", read_timeout,
                 "Seconds a client has to send a whole request (and the TLS handshake)")
      ->envname("PIMD_READ_TIMEOUT")
      ->capture_default_str();
  app.add_option("--idle-timeout", idle_timeout, "Seconds an idle kept-alive connection stays open")
      ->envname("PIMD_IDLE_TIMEOUT")
      ->capture_default_str();
  app.add_option("--rate-limit", c.server.rate_limit_per_second,
                 "Requests per second per caller (0: no limit)")
      ->envname("PIMD_RATE_LIMIT")
      ->capture_default_str();
  app.add_option("--rate-burst", c.server.rate_limit_burst, "Burst size per caller")
      ->envname("PIMD_RATE_BURST")
      ->capture_default_str();
  app.add_option("--auth-failure-rate", c.server.auth_failures_per_second,
                 "Failed authentications per second allowed per address (0: no limit)")
      ->envname("PIMD_AUTH_FAILURE_RATE")
      ->capture_default_str();
  app.add_option("--auth-failure-burst", c.server.auth_failure_burst,
                 "Failed authentications per address before it must wait")
      ->envname("PIMD_AUTH_FAILURE_BURST")
      ->capture_default_str();
  app.add_option("--access-log", c.server.access_log,
                 "Log one line per request (5xx answers are logged even without it)")
      ->envname("PIMD_ACCESS_LOG")
      ->capture_default_str();
  app.add_option("--max-watch-streams", c.server.max_watch_streams, "Open watch streams at most")
      ->envname("PIMD_MAX_WATCH_STREAMS")
      ->capture_default_str();
  app.add_option("--watch-heartbeat", heartbeat, "Seconds between heartbeats on a watch stream")
      ->envname("PIMD_WATCH_HEARTBEAT")
      ->capture_default_str();
  app.add_option("--audit-retention-days", c.audit_retention_days,
                 "Days of change history (audit entries) kept: older change records are deleted at "
                 "start-up and every hour, never before every notification channel has planned "
                 "them (0: keep everything; Entra keeps 30)")
      ->envname("PIMD_AUDIT_RETENTION_DAYS")
      ->check(CLI::Range(0, 100 * 365))
      ->capture_default_str();
  app.add_option("--audit-checkpoint-interval", c.audit_checkpoint_interval,
                 "Audit entries between two signed checkpoints")
      ->envname("PIMD_AUDIT_CHECKPOINT_INTERVAL")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.set_version_flag("--version", "pimd 0.1.0");
  const std::vector<std::string> args = WithEnvironment(app, argc, argv);
  try {
    // CLI11 fills options from the file before the environment; given as arguments, the
    // environment's values come before the file's, and the command line's before both.
    app.parse(std::vector<std::string>(args.rbegin(), args.rend() - 1));
  } catch (const CLI::ParseError& e) {
    std::ostringstream out_stream;
    std::ostringstream err_stream;
    out.exit_code = app.exit(e, out_stream, err_stream);
    out.message = out_stream.str() + err_stream.str();
    return out;
  }
  c.server.read_timeout = absl::Seconds(read_timeout);
  c.server.idle_timeout = absl::Seconds(idle_timeout);
  c.server.watch_heartbeat = absl::Seconds(heartbeat);
  c.server.tls = !c.plain_http;
  c.server.public_url = c.public_url;
  c.access_token_lifetime = absl::Minutes(token_minutes);
  c.mfa_max_age = absl::Minutes(mfa_minutes);
  if (c.issuer.empty()) c.issuer = c.public_url;
  if (c.issuer.empty()) {
    const std::string& name =
        c.tls_hostnames.empty() ? std::string("localhost") : c.tls_hostnames[0];
    const bool ipv6 = name.find(':') != std::string::npos;
    c.issuer = (ipv6 ? "https://[" + name + "]" : "https://" + name) +
               (c.server.port == 0 || c.server.port == 443 ? std::string()
                                                           : ":" + std::to_string(c.server.port));
  }
  while (!c.issuer.empty() && c.issuer.back() == '/') c.issuer.pop_back();
  if (c.secrets_key_file.empty()) c.secrets_key_file = c.data_dir + "/secrets.key";
  out.run = true;
  return out;
}

absl::Status ValidatePimdConfig(const PimdConfig& c) {
  if (c.plain_http && !IsLoopback(c.server.listen_address)) {
    return absl::InvalidArgumentError(
        "--plain-http is only allowed on a loopback --listen address");
  }
  if (c.test_clock && !IsLoopback(c.server.listen_address)) {
    return absl::InvalidArgumentError(
        "--test-clock is only allowed on a loopback --listen address");
  }
  if (c.server.certificate_file.empty() != c.server.private_key_file.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  if (c.server.threads < 1 || c.server.threads > 256) {
    return absl::InvalidArgumentError("--threads must be between 1 and 256");
  }
  if (c.server.command_threads < 1 || c.server.command_threads > 1024) {
    return absl::InvalidArgumentError("--command-threads must be between 1 and 1024");
  }
  if (c.server.read_timeout <= absl::ZeroDuration() ||
      c.server.idle_timeout <= absl::ZeroDuration() ||
      c.server.watch_heartbeat <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("timeouts and the heartbeat must be positive");
  }
  return absl::OkStatus();
}

}  // namespace pim::server
