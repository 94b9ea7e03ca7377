// What every pimctl command runs with once the command line is parsed (the global options, the
// process environment, the lazily made token cache, HTTP client and session), and how the
// command groups register themselves in the command tree. Internal to pim_cli.
// Thread-compatible.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "pim/cli/app.h"
#include "pim/cli/exit_code.h"
#include "pim/cli/output.h"
#include "pim/cli/session.h"
#include "pim/cli/token_cache.h"
#include "pim/domain/outbound_url.h"
#include "pim/domain/status.h"

namespace pim::cli {

// Options shared by every command.
struct Globals {
  std::string server;
  std::string ca_file;
  std::string output = "table";
  double http_timeout_seconds = 60;
};

// What a command runs with, once the command line is parsed.
class Context {
 public:
  Context(Environment& env, const Globals& globals) : env_(env), globals_(globals) {}

  std::ostream& out() { return *env_.out; }
  std::ostream& err() { return *env_.err; }
  Environment& env() { return env_; }
  bool json() const { return globals_.output == "json"; }
  bool colour() const {
    return !json() &&
           ShouldUseColour(env_.stdout_tty, env_.getenv("NO_COLOR"), env_.getenv("TERM"));
  }

  absl::StatusOr<TokenCache*> Cache() {
    if (!cache_) {
      PIM_ASSIGN_OR_RETURN(std::string dir,
                           ConfigDirectory(env_.getenv("PIMCTL_CONFIG_DIR"),
                                           env_.getenv("XDG_CONFIG_HOME"), env_.getenv("HOME")));
      cache_ = std::make_unique<TokenCache>(std::move(dir));
    }
    return cache_.get();
  }

  // --server, else PIMCTL_SERVER, else the server of the last sign-in.
  absl::StatusOr<std::string> Server() {
    std::string s = globals_.server;
    if (s.empty()) {
      const char* env = env_.getenv("PIMCTL_SERVER");
      if (env != nullptr) s = env;
    }
    if (s.empty()) {
      PIM_ASSIGN_OR_RETURN(TokenCache * cache, Cache());
      s = cache->DefaultServer().value_or("");
    }
    if (s.empty()) {
      return WithExitCode(
          absl::UnauthenticatedError(
              "no server: run pimctl login --server https://…, or set PIMCTL_SERVER"),
          ExitCode::kAuth);
    }
    while (absl::EndsWith(s, "/")) s.pop_back();
    // Tokens never travel in the clear, except to a pimd on this machine (a test without TLS).
    auto url = ParseOutboundUrl(s, "--server");
    if (!url.ok() || s.find('?') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat("--server is not a URL: ", s));
    }
    if (url->scheme != "https" && !(url->scheme == "http" && url->loopback)) {
      return absl::InvalidArgumentError(absl::StrCat("--server must be an https:// URL: ", s));
    }
    return s;
  }

  HttpClient& Http() {
    if (!http_) {
      CurlOptions o;
      o.ca_file = globals_.ca_file;
      if (o.ca_file.empty()) {
        const char* env = env_.getenv("PIMCTL_CA_FILE");
        if (env != nullptr) o.ca_file = env;
      }
      o.timeout = absl::Seconds(globals_.http_timeout_seconds);
      http_ = env_.make_http(o);
    }
    return *http_;
  }

  absl::StatusOr<Session*> GetSession() {
    if (!session_) {
      PIM_ASSIGN_OR_RETURN(std::string server, Server());
      PIM_ASSIGN_OR_RETURN(TokenCache * cache, Cache());
      session_ = std::make_unique<Session>(Http(), *cache, *env_.clock, std::move(server));
    }
    return session_.get();
  }

  void PrintJson(const boost::json::value& v) { out() << boost::json::serialize(v) << "\n"; }

  // Reads one line from standard input (a code or a password), without its line end.
  std::string ReadLine() {
    std::string line;
    if (env_.in != nullptr) std::getline(*env_.in, line);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
    return line;
  }

 private:
  Environment& env_;
  const Globals& globals_;
  std::unique_ptr<TokenCache> cache_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<Session> session_;
};

// What a command does once chosen, keyed by its CLI11 node.
using Action = std::function<absl::Status()>;
using Actions = std::map<const CLI::App*, Action>;

// The command groups, each in its own file. Each adds its subcommands to `app` (in the order
// of `pimctl --help`) and their actions to `actions`; the options a command parses into are
// owned by its action, so `actions` must outlive the parse. `ctx` is borrowed for as long.
void RegisterSignInCommands(CLI::App& app, Context& ctx, Actions& actions);
void RegisterEndUserCommands(CLI::App& app, Context& ctx, Actions& actions);
void RegisterApproverCommands(CLI::App& app, Context& ctx, Actions& actions);
void RegisterAssignmentCommands(CLI::App& app, Context& ctx, Actions& actions);
void RegisterPolicyCommands(CLI::App& app, Context& ctx, Actions& actions);
void RegisterDirectoryCommands(CLI::App& app, Context& ctx, Actions& actions);

}  // namespace pim::cli
