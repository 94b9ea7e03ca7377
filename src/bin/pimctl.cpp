// pimctl: the command-line client of pimd. This file wires the real process environment
// (environment variables, terminals, the system clock, libcurl, the browser) into
// pim::cli::Run; everything else lives in src/cli.
#include <curl/curl.h>
#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "pim/cli/app.h"
#include "pim/cli/curl_http_client.h"
#include "pim/engine/clock.h"

extern char** environ;

namespace {

// Starts xdg-open on `url` without a shell, its output discarded; failures are ignored (the
// URL is printed anyway).
void OpenBrowser(const std::string& url) {
  posix_spawn_file_actions_t actions;
  if (posix_spawn_file_actions_init(&actions) != 0) return;
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::string program = "xdg-open";
  std::string argument = url;
  char* argv[] = {program.data(), argument.data(), nullptr};
  pid_t pid = 0;
  static_cast<void>(posix_spawnp(&pid, "xdg-open", &actions, nullptr, argv, environ));
  posix_spawn_file_actions_destroy(&actions);
}

}  // namespace

int main(int argc, char** argv) {
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    std::cerr << "pimctl: cannot initialise libcurl\n";
    return 1;
  }
  pim::SystemClock clock;
  pim::cli::Environment env;
  env.getenv = [](const char* name) -> const char* { return std::getenv(name); };
  env.clock = &clock;
  env.sleep = [](absl::Duration d) { absl::SleepFor(d); };
  env.make_http =
      [](const pim::cli::CurlOptions& options) -> std::unique_ptr<pim::cli::HttpClient> {
    return std::make_unique<pim::cli::CurlHttpClient>(options);
  };
  env.open_browser = &OpenBrowser;
  env.in = &std::cin;
  env.out = &std::cout;
  env.err = &std::cerr;
  env.stdin_tty = isatty(STDIN_FILENO) == 1;
  env.stdout_tty = isatty(STDOUT_FILENO) == 1;
  env.stderr_tty = isatty(STDERR_FILENO) == 1;
  const int code = pim::cli::Run(argc, argv, env);
  std::cout.flush();
  curl_global_cleanup();
  return code;
}
