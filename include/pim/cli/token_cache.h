// Where pimctl keeps its sign-ins: one JSON file per server in the config directory
// ($PIMCTL_CONFIG_DIR, else $XDG_CONFIG_HOME/pimctl, else ~/.config/pimctl). The directory is
// created 0700 and every file 0600 at creation (never loosened and tightened after); a file
// is replaced by writing a temporary file beside it and renaming it over, so a reader sees the
// old or the new sign-in, never half of one. Processes that change a sign-in (refresh, login,
// logout) serialise on an advisory lock (flock) on a lock file beside it. Thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pim/cli/secret.h"

namespace pim::cli {

struct CachedSignIn {
  std::string server;  // "https://localhost:8443"
  Secret access_token;
  Secret refresh_token;                              // may be empty
  absl::Time access_expires = absl::InfinitePast();  // by this machine's clock
  std::string user_id;
  std::string user_name;
};

// The config directory from the environment values given (each may be null): `config_dir`
// (PIMCTL_CONFIG_DIR) wins, then `xdg_config_home`/pimctl, then `home`/.config/pimctl.
// Errors: FailedPrecondition when none is set.
[[nodiscard]] absl::StatusOr<std::string> ConfigDirectory(const char* config_dir,
                                                          const char* xdg_config_home,
                                                          const char* home);

// An exclusive advisory lock (flock) on one server's sign-in, held until it is destroyed (or
// the process ends). Move-only.
class SignInLock {
 public:
  SignInLock(SignInLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  SignInLock& operator=(SignInLock&&) = delete;
  SignInLock(const SignInLock&) = delete;
  SignInLock& operator=(const SignInLock&) = delete;
  ~SignInLock();

 private:
  friend class TokenCache;
  explicit SignInLock(int fd) : fd_(fd) {}

  int fd_;
};

class TokenCache {
 public:
  explicit TokenCache(std::string directory) : directory_(std::move(directory)) {}

  // The file holding `server`'s sign-in (under the directory, named after the server).
  [[nodiscard]] std::string PathFor(const std::string& server) const;

  // The sign-in for `server`. Errors: NotFound when there is none; DataLoss when the file is
  // unreadable or malformed; FailedPrecondition when it is readable by others (not 0600).
  [[nodiscard]] absl::StatusOr<CachedSignIn> Load(const std::string& server) const;

  // Stores `sign_in` under its server, atomically (temporary 0600 file + rename). Creates the
  // directory (and missing parents) with mode 0700. Leaves the default server alone (a refresh
  // saves too). Errors: Internal with the system's reason.
  [[nodiscard]] absl::Status Save(const CachedSignIn& sign_in) const;

  // Makes `server` the default server (DefaultServer), atomically; done by a sign-in only.
  // Errors: Internal with the system's reason.
  [[nodiscard]] absl::Status SetDefaultServer(const std::string& server) const;

  // Waits for and takes the exclusive lock on `server`'s sign-in: flock on a lock file beside
  // the sign-in's file (created 0600, with the directory; kept afterwards, so every process
  // locks the same file). The caller holds it while it reads, refreshes and saves the sign-in.
  // Errors: Internal with the system's reason.
  [[nodiscard]] absl::StatusOr<SignInLock> Lock(const std::string& server) const;

  // Deletes `server`'s sign-in; OK when there was none.
  [[nodiscard]] absl::Status Remove(const std::string& server) const;

  // The server of the last sign-in (written by SetDefaultServer), if any.
  [[nodiscard]] std::optional<std::string> DefaultServer() const;

  [[nodiscard]] const std::string& directory() const { return directory_; }

 private:
  [[nodiscard]] absl::Status EnsureDirectory() const;
  [[nodiscard]] absl::Status WriteAtomically(const std::string& path,
                                             const std::string& content) const;

  const std::string directory_;
};

}  // namespace pim::cli
