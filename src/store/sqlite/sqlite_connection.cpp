#include "store/sqlite/sqlite_connection.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "pim/domain/status.h"

namespace pim::sqlite {

absl::Status SqliteError(int rc, std::string_view what) {
  // sqlite3_errstr() describes the result code only; sqlite3_errmsg() could quote SQL.
  const auto message = [&] {
    return absl::StrCat("sqlite ", std::string(what), ": ", sqlite3_errstr(rc));
  };
  switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
      return absl::OkStatus();
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return absl::UnavailableError(message());
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(message());
    case SQLITE_NOMEM:
      return absl::ResourceExhaustedError(message());
    default:
      return absl::InternalError(message());
  }
}

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      what_(other.what_),
      bind_error_(other.bind_error_) {}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void Statement::BindText(int index, std::string_view value) {
  BindText(index, value, SQLITE_STATIC);
}

void Statement::BindText(int index, std::string&& value) {
  BindText(index, std::string_view(value), SQLITE_TRANSIENT);
}

void Statement::BindText(int index, std::string_view value, void (*lifetime)(void*)) {
  if (value.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    if (bind_error_ == SQLITE_OK) bind_error_ = SQLITE_TOOBIG;
    return;
  }
  const int rc =
      sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), lifetime);
  if (bind_error_ == SQLITE_OK) bind_error_ = rc;
}

void Statement::BindInt64(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (bind_error_ == SQLITE_OK) bind_error_ = rc;
}

void Statement::BindNull(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (bind_error_ == SQLITE_OK) bind_error_ = rc;
}

absl::StatusOr<bool> Statement::Step() {
  if (bind_error_ != SQLITE_OK) return SqliteError(bind_error_, what_);
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(rc, what_);
}

absl::Status Statement::Run() {
  while (true) {
    absl::StatusOr<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
  }
}

std::int64_t Statement::ColumnInt64(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string_view Statement::ColumnText(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_, index);
  if (text == nullptr) return {};
  const int size = sqlite3_column_bytes(stmt_, index);
  return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(size)};
}

bool Statement::ColumnIsNull(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close_v2(db);  // a handle is returned even on failure (or null, which is a no-op)
    return SqliteError(rc, "open database");
  }
  return std::unique_ptr<Connection>(new Connection(db));
}

Connection::~Connection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

absl::Status Connection::Exec(std::string_view sql, std::string_view what) {
  // sqlite3_exec needs a NUL-terminated string; the scripts are small.
  const std::string text(sql);
  return SqliteError(sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr), what);
}

absl::StatusOr<Statement> Connection::Prepare(std::string_view sql, std::string_view what) {
  auto it = statements_.find(absl::string_view(sql.data(), sql.size()));
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return SqliteError(rc, what);
    }
    it = statements_.emplace(std::string(sql), stmt).first;
  }
  return Statement(it->second, what);
}

absl::Status Connection::Run(std::string_view sql, std::string_view what) {
  absl::StatusOr<Statement> stmt = Prepare(sql, what);
  if (!stmt.ok()) return stmt.status();
  return stmt->Run();
}

absl::StatusOr<std::int64_t> Connection::QueryInt64(std::string_view sql, std::string_view what) {
  absl::StatusOr<Statement> stmt = Prepare(sql, what);
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row)
    return absl::InternalError(absl::StrCat("sqlite ", std::string(what), ": no result row"));
  return stmt->ColumnInt64(0);
}

absl::StatusOr<std::string> Connection::QueryText(std::string_view sql, std::string_view what) {
  absl::StatusOr<Statement> stmt = Prepare(sql, what);
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row)
    return absl::InternalError(absl::StrCat("sqlite ", std::string(what), ": no result row"));
  return std::string(stmt->ColumnText(0));
}

bool Connection::InAutocommit() const { return sqlite3_get_autocommit(db_) != 0; }

absl::StatusOr<std::unique_ptr<Connection>> OpenPrivateDatabase(const std::string& path,
                                                                std::string_view what) {
  if (path != ":memory:") {
    const int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0 || ::fchmod(fd, 0600) != 0) {
      if (fd >= 0) ::close(fd);
      return absl::UnavailableError(
          absl::StrCat(std::string(what), ": cannot create the file owner-only"));
    }
    ::close(fd);
  }
  PIM_ASSIGN_OR_RETURN(std::unique_ptr<Connection> db,
                       Connection::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  PIM_RETURN_IF_ERROR(db->Exec("PRAGMA busy_timeout = 5000", "set busy timeout"));
  if (path != ":memory:") {
    PIM_ASSIGN_OR_RETURN(std::string mode,
                         db->QueryText("PRAGMA journal_mode = WAL", "set journal mode"));
    if (mode != "wal") return absl::FailedPreconditionError("sqlite: WAL cannot be enabled");
    PIM_RETURN_IF_ERROR(db->Exec("PRAGMA synchronous = FULL", "set synchronous"));
  }
  return db;
}

}  // namespace pim::sqlite
