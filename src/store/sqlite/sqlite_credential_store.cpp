#include "pim/store/sqlite_credential_store.h"

#include <utility>

#include "pim/domain/status.h"
#include "store/sqlite/sqlite_connection.h"

namespace pim {
namespace {

constexpr std::string_view kCredentialSchemaSql =
    "CREATE TABLE IF NOT EXISTS credentials ("
    " kind TEXT NOT NULL, key TEXT NOT NULL, owner TEXT NOT NULL, value TEXT NOT NULL,"
    " PRIMARY KEY (kind, key)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS credentials_by_owner ON credentials (owner, kind, key);";
constexpr std::string_view kGetSql = "SELECT value FROM credentials WHERE kind = ?1 AND key = ?2";
constexpr std::string_view kPutCredentialSql =
    "INSERT INTO credentials (kind, key, owner, value) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (kind, key) DO UPDATE SET owner = excluded.owner, value = excluded.value";
constexpr std::string_view kReplaceSql =
    "UPDATE credentials SET value = ?4 WHERE kind = ?1 AND key = ?2 AND value = ?3";
constexpr std::string_view kDeleteCredentialSql =
    "DELETE FROM credentials WHERE kind = ?1 AND key = ?2";
constexpr std::string_view kListCredentialsSql =
    "SELECT key, value FROM credentials WHERE owner = ?2 AND kind = ?1 ORDER BY key";
constexpr std::string_view kListKindSql =
    "SELECT key, value FROM credentials WHERE kind = ?1 ORDER BY key";
constexpr std::string_view kForgetSql = "DELETE FROM credentials WHERE owner = ?1";

// The (key, value) rows `list` returns.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Rows(sqlite::Statement& list) {
  std::vector<std::pair<std::string, std::string>> out;
  while (true) {
    PIM_ASSIGN_OR_RETURN(bool row, list.Step());
    if (!row) break;
    out.emplace_back(std::string(list.ColumnText(0)), std::string(list.ColumnText(1)));
  }
  return out;
}

}  // namespace

SqliteCredentialStore::SqliteCredentialStore(std::unique_ptr<sqlite::Connection> db)
    : db_(std::move(db)) {}

SqliteCredentialStore::~SqliteCredentialStore() = default;

absl::StatusOr<std::unique_ptr<SqliteCredentialStore>> SqliteCredentialStore::Open(
    const std::string& path) {
  PIM_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::Connection> db,
                       sqlite::OpenPrivateDatabase(path, "credential store"));
  PIM_RETURN_IF_ERROR(db->Exec(kCredentialSchemaSql, "create credentials schema"));
  return std::unique_ptr<SqliteCredentialStore>(new SqliteCredentialStore(std::move(db)));
}

absl::StatusOr<std::optional<std::string>> SqliteCredentialStore::Get(std::string_view kind,
                                                                      std::string_view key) {
  absl::MutexLock lock(&mu_);
  PIM_ASSIGN_OR_RETURN(sqlite::Statement get, db_->Prepare(kGetSql, "read credential"));
  get.BindText(1, kind);
  get.BindText(2, key);
  PIM_ASSIGN_OR_RETURN(bool row, get.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(std::string(get.ColumnText(0)));
}

absl::Status SqliteCredentialStore::Put(std::string_view kind, std::string_view key,
                                        std::string_view owner, std::string_view value) {
  absl::MutexLock lock(&mu_);
  PIM_ASSIGN_OR_RETURN(sqlite::Statement put, db_->Prepare(kPutCredentialSql, "write credential"));
  put.BindText(1, kind);
  put.BindText(2, key);
  put.BindText(3, owner);
  put.BindText(4, value);
  return put.Run();
}

absl::StatusOr<bool> SqliteCredentialStore::Replace(std::string_view kind, std::string_view key,
                                                    std::string_view expected,
                                                    std::string_view value) {
  absl::MutexLock lock(&mu_);
  {
    PIM_ASSIGN_OR_RETURN(sqlite::Statement update, db_->Prepare(kReplaceSql, "replace credential"));
    update.BindText(1, kind);
    update.BindText(2, key);
    update.BindText(3, expected);
    update.BindText(4, value);
    PIM_RETURN_IF_ERROR(update.Run());
  }
  PIM_ASSIGN_OR_RETURN(std::int64_t changed, db_->QueryInt64("SELECT changes()", "count changes"));
  return changed == 1;
}

absl::Status SqliteCredentialStore::Delete(std::string_view kind, std::string_view key) {
  absl::MutexLock lock(&mu_);
  PIM_ASSIGN_OR_RETURN(sqlite::Statement del,
                       db_->Prepare(kDeleteCredentialSql, "delete credential"));
  del.BindText(1, kind);
  del.BindText(2, key);
  return del.Run();
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> SqliteCredentialStore::List(
    std::string_view kind, std::string_view owner) {
  absl::MutexLock lock(&mu_);
  PIM_ASSIGN_OR_RETURN(sqlite::Statement list,
                       db_->Prepare(kListCredentialsSql, "list credentials"));
  list.BindText(1, kind);
  list.BindText(2, owner);
  return Rows(list);
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> SqliteCredentialStore::ListKind(
    std::string_view kind) {
  absl::MutexLock lock(&mu_);
  PIM_ASSIGN_OR_RETURN(sqlite::Statement list, db_->Prepare(kListKindSql, "list credentials"));
  list.BindText(1, kind);
  return Rows(list);
}

absl::Status SqliteCredentialStore::ForgetOwner(std::string_view owner) {
  absl::MutexLock lock(&mu_);
  PIM_ASSIGN_OR_RETURN(sqlite::Statement forget, db_->Prepare(kForgetSql, "forget credentials"));
  forget.BindText(1, owner);
  return forget.Run();
}

}  // namespace pim
