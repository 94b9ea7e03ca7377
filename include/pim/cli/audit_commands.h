// `pimctl audit export|keys|verify` (issues #5 and #6; docs/pimctl.md, docs/audit.md): download
// the hash-chained audit history page by page into a file, save the audit keys (JWKS) to pin them
// apart from the server, and verify an export offline with pinned keys (or a server's whole
// history, downloaded into a temporary file) with the library in pim/audit/audit_verifier.h.
//
// The commands borrow what they need from the command runner (app.cpp) through
// AuditCommandEnvironment, so that this file does not depend on how app.cpp keeps its state.
// Thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "pim/cli/http_client.h"
#include "pim/cli/session.h"
#include "pim/cli/token_cache.h"

namespace CLI {  // NOLINT(readability-identifier-naming): CLI11's own namespace
class App;
}

namespace pim::cli {

// What the audit commands borrow from the runner. Every function is called only once the
// command line is parsed, and may be called more than once (the runner caches).
struct AuditCommandEnvironment {
  // The signed-in session with the server (--server, PIMCTL_SERVER, or the last sign-in).
  std::function<absl::StatusOr<Session*>()> session;
  // The token cache the session reads (for the raw, non-JSON downloads).
  std::function<absl::StatusOr<TokenCache*>()> token_cache;
  // The HTTP client the session uses.
  std::function<HttpClient&()> http;
  std::function<std::ostream&()> out;
  std::function<std::ostream&()> err;
  // --output json.
  std::function<bool()> json;
  // Colour on standard output.
  std::function<bool()> colour;
};

// Writes a file whole or not at all: the content goes to a temporary file (mode 0600) in the
// target's directory, which Commit() renames over the target. Destroyed uncommitted, the
// temporary file is deleted and the target is left as it was. Thread-compatible.
class AtomicFile {
 public:
  // Creates the temporary file for `path`. Errors: InvalidArgument (exit 2) when the directory
  // cannot be written (the message names it and the system's reason).
  [[nodiscard]] static absl::StatusOr<AtomicFile> Create(const std::string& path);

  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  // Appends `data`. Errors: Internal with the system's reason (disk full, ...).
  [[nodiscard]] absl::Status Append(std::string_view data);
  // Flushes to disk and renames the temporary file to the target. Errors: Internal.
  [[nodiscard]] absl::Status Commit();

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const std::string& temp_path() const { return temp_path_; }

 private:
  AtomicFile(std::string path, std::string temp_path, int fd)
      : path_(std::move(path)), temp_path_(std::move(temp_path)), fd_(fd) {}
  void Discard();

  std::string path_;
  std::string temp_path_;
  int fd_ = -1;
  bool committed_ = false;
};

// Pages of a CSV export concatenated: every page starts with the same header row, which is kept
// once. Counts the data rows (RFC 4180: a quoted field may hold line breaks). Thread-compatible.
class CsvPageJoiner {
 public:
  // The part of `page` to write: all of the first page; later pages without their header row.
  // Errors: DataLoss when a page does not start with the first page's header row.
  [[nodiscard]] absl::StatusOr<std::string_view> Next(std::string_view page);
  [[nodiscard]] std::int64_t rows() const { return rows_; }

 private:
  std::string header_;  // the first page's header row, line end included
  bool first_ = true;
  std::int64_t rows_ = 0;
};

// The audit command tree under `app` (`audit` with export, keys and verify), and what each
// runs in `actions`. Holds the options CLI11 parses into: keep it alive, and in place, while
// `app` parses and the action runs.
class AuditCommands {
 public:
  using Action = std::function<absl::Status()>;

  explicit AuditCommands(AuditCommandEnvironment env) : env_(std::move(env)) {}
  AuditCommands(const AuditCommands&) = delete;
  AuditCommands& operator=(const AuditCommands&) = delete;

  void Register(CLI::App& app, std::map<const CLI::App*, Action>& actions);

  struct ExportOptions {
    std::string from;
    std::string to;
    std::string actor;
    std::string target;
    std::string activity;
    std::string format = "jsonl";
    std::string file;
    int page_size = 0;  // 0: the server's maximum
  };
  struct KeysOptions {
    std::string file;
  };
  struct VerifyOptions {
    std::string file;
    std::string keys;
    bool server = false;
  };

 private:
  [[nodiscard]] absl::Status Export(const ExportOptions& o);
  [[nodiscard]] absl::Status Keys(const KeysOptions& o);
  [[nodiscard]] absl::Status Verify(const VerifyOptions& o);

  const AuditCommandEnvironment env_;
  ExportOptions export_;
  KeysOptions keys_;
  VerifyOptions verify_;
};

}  // namespace pim::cli
