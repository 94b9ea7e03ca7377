// pimctl's command tree (CLI11) and the process environment it runs in, passed in so that the
// whole program can be driven by tests: environment variables, terminals, the clock, sleeping,
// standard streams and the network.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "pim/cli/curl_http_client.h"
#include "pim/cli/http_client.h"
#include "pim/engine/clock.h"

namespace CLI {  // NOLINT(readability-identifier-naming): CLI11's own namespace
class App;
}

namespace pim::cli {

struct Environment {
  std::function<const char*(const char*)> getenv;
  const Clock* clock = nullptr;
  std::function<void(absl::Duration)> sleep;
  std::function<std::unique_ptr<HttpClient>(const CurlOptions&)> make_http;
  // Starts the user's browser on `url` (best effort); may be empty.
  std::function<void(const std::string& url)> open_browser;
  std::istream* in = nullptr;
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  bool stdin_tty = false;
  bool stdout_tty = false;
  bool stderr_tty = false;
};

// Runs pimctl with `argv` and returns the process exit code (exit_code.h). Never throws.
[[nodiscard]] int Run(int argc, const char* const* argv, Environment& env);

// The completion script for `shell` ("bash" or "zsh") generated from `app`'s subcommands and
// options. Empty for an unknown shell.
[[nodiscard]] std::string CompletionScript(const CLI::App& app, const std::string& shell);

}  // namespace pim::cli
