// A thin RAII layer over one sqlite3 connection and its cached prepared statements, turning
// every SQLite result code into an absl::Status whose message names the operation and the
// SQLite error class only (never SQL text or bound values). Private to the SQLite backend.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

struct sqlite3;
struct sqlite3_stmt;

namespace pim::sqlite {

// The Status for SQLite result code `rc` during `what`: Unavailable for busy/locked/I/O/full
// (retry later), DataLoss for a corrupt file, ResourceExhausted for out-of-memory, Internal
// otherwise. OK for SQLITE_OK, SQLITE_ROW and SQLITE_DONE.
[[nodiscard]] absl::Status SqliteError(int rc, std::string_view what);

// One use of a cached prepared statement: bind, step, read columns. Resets the statement and
// clears its bindings when destroyed, so a half-read SELECT never holds a read lock. Text is
// bound without copying, except a temporary string: bound views must outlive the last Step().
// Move-only; not thread-safe.
class Statement {
 public:
  Statement(sqlite3_stmt* stmt, std::string_view what) : stmt_(stmt), what_(what) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  // Bind parameter `index` (1-based). A failure is reported by the next Step()/Run().
  void BindText(int index, std::string_view value);
  // A temporary string is gone before Step() reads it, so SQLite keeps its own copy.
  void BindText(int index, std::string&& value);
  void BindInt64(int index, std::int64_t value);
  void BindNull(int index);

  // Advances: true when a row is available, false when done; the mapped error otherwise.
  [[nodiscard]] absl::StatusOr<bool> Step();
  // Steps until done, discarding rows.
  [[nodiscard]] absl::Status Run();

  // Columns of the current row (0-based). The view is valid until the next Step().
  [[nodiscard]] std::int64_t ColumnInt64(int index) const;
  [[nodiscard]] std::string_view ColumnText(int index) const;
  [[nodiscard]] bool ColumnIsNull(int index) const;

 private:
  // `lifetime` is SQLITE_STATIC or SQLITE_TRANSIENT.
  void BindText(int index, std::string_view value, void (*lifetime)(void*));

  sqlite3_stmt* stmt_;  // borrowed from the connection's cache; null once moved from
  std::string_view what_;
  int bind_error_ = 0;  // first failed bind's result code
};

// An open database connection. Not thread-safe: the owner serialises all use.
class Connection {
 public:
  // Opens `path` with sqlite3_open_v2 `flags` (SQLITE_OPEN_NOMUTEX and extended result codes
  // are added). Unavailable when the file cannot be opened, DataLoss when it is not a database.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& path,
                                                                        int flags);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  // Finalizes every cached statement and closes the connection.
  ~Connection();

  // Runs `sql` (one or more statements, no parameters, rows ignored), compiling it each time:
  // for scripts and one-off settings.
  [[nodiscard]] absl::Status Exec(std::string_view sql, std::string_view what);

  // Runs the single statement `sql` (no parameters, rows ignored) through the statement cache:
  // for the ones repeated on every transaction (BEGIN, COMMIT...).
  [[nodiscard]] absl::Status Run(std::string_view sql, std::string_view what);

  // The prepared statement for `sql`, compiled on first use and cached for the connection's
  // lifetime. `sql` and `what` must outlive the returned Statement (string literals do).
  [[nodiscard]] absl::StatusOr<Statement> Prepare(std::string_view sql, std::string_view what);

  // Runs a single-row, single-column query and returns its integer / text value.
  [[nodiscard]] absl::StatusOr<std::int64_t> QueryInt64(std::string_view sql,
                                                        std::string_view what);
  [[nodiscard]] absl::StatusOr<std::string> QueryText(std::string_view sql, std::string_view what);

  // Whether the connection is outside any transaction (autocommit).
  [[nodiscard]] bool InAutocommit() const;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  sqlite3* const db_;
  absl::flat_hash_map<std::string, sqlite3_stmt*> statements_;
};

// Opens or creates the database `path` for a small side store (credentials, notification
// outboxes): created owner-only (0600, whatever the umask; SQLite gives its -wal and -shm files
// the same mode), WAL, synchronous FULL, a 5 s busy timeout. ":memory:" opens a private
// in-memory database. `what` names the store in errors.
[[nodiscard]] absl::StatusOr<std::unique_ptr<Connection>> OpenPrivateDatabase(
    const std::string& path, std::string_view what);

}  // namespace pim::sqlite
