#include "pim/store/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "pim/domain/status.h"
#include "pim/store/commit_validation.h"
#include "pim/store/entity_codec.h"
#include "store/sqlite/schedule_row.h"
#include "store/sqlite/sqlite_connection.h"
#include "store/sqlite/sqlite_loader.h"
#include "store/sqlite/sqlite_schema.h"

namespace pim {
namespace {

using sqlite::Connection;
using sqlite::Statement;

constexpr std::string_view kInsertChangeSql =
    "INSERT INTO changes (revision, at_ns, actor, event, body, correlation_id, client_address) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr std::string_view kReadChangesSql =
    "SELECT body FROM changes WHERE revision > ?1 ORDER BY revision LIMIT ?2";
constexpr std::string_view kReadAnchorSql =
    "SELECT revision, at_ns, chain_hash, key_id, signature FROM change_log_anchor WHERE id = 1";
constexpr std::string_view kHasChangeSql = "SELECT COUNT(*) FROM changes WHERE revision = ?1";
constexpr std::string_view kDeleteChangesSql = "DELETE FROM changes WHERE revision <= ?1";
constexpr std::string_view kWriteAnchorSql =
    "INSERT INTO change_log_anchor (id, revision, at_ns, chain_hash, key_id, signature) "
    "VALUES (1, ?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, "
    "at_ns = excluded.at_ns, chain_hash = excluded.chain_hash, key_id = excluded.key_id, "
    "signature = excluded.signature";

// Longest scope list QueryActiveAssignment() accepts: deeper than any real ARM hierarchy, and
// it bounds the number of distinct statements cached for it.
constexpr std::size_t kMaxQueryScopes = 32;

// Settings every connection needs.
absl::Status Configure(Connection& db, const SqliteStoreOptions& options) {
  const std::int64_t ms = absl::ToInt64Milliseconds(options.busy_timeout);
  const std::int64_t busy_ms = std::clamp<std::int64_t>(ms, 0, std::numeric_limits<int>::max());
  PIM_RETURN_IF_ERROR(db.Exec(absl::StrCat("PRAGMA busy_timeout = ", busy_ms), "set busy timeout"));
  // Negative cache_size counts KiB.
  const std::int64_t cache_kib = std::int64_t{std::max(options.cache_size_mib, 1)} * 1024;
  return db.Exec(absl::StrCat("PRAGMA cache_size = -", cache_kib), "set cache size");
}

absl::StatusOr<std::unique_ptr<Connection>> OpenWriter(const std::string& path,
                                                       const SqliteStoreOptions& options) {
  PIM_ASSIGN_OR_RETURN(std::unique_ptr<Connection> db,
                       Connection::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  PIM_RETURN_IF_ERROR(Configure(*db, options));
  PIM_ASSIGN_OR_RETURN(std::string mode,
                       db->QueryText("PRAGMA journal_mode = WAL", "set journal mode"));
  if (mode != "wal") {
    return absl::FailedPreconditionError("sqlite: WAL journal mode cannot be enabled");
  }
  PIM_RETURN_IF_ERROR(db->Exec("PRAGMA synchronous = FULL", "set synchronous"));
  // Checkpoints run inside a committing transaction's call; fewer, larger ones keep them off
  // most commits. Durability is unchanged: every commit syncs the WAL.
  PIM_RETURN_IF_ERROR(db->Exec("PRAGMA wal_autocheckpoint = 8000", "set checkpoint interval"));
  PIM_RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys = ON", "enable foreign keys"));
  PIM_RETURN_IF_ERROR(sqlite::MigrateSchema(*db));
  return db;
}

absl::StatusOr<std::unique_ptr<Connection>> OpenReader(const std::string& path,
                                                       const SqliteStoreOptions& options) {
  PIM_ASSIGN_OR_RETURN(std::unique_ptr<Connection> db,
                       Connection::Open(path, SQLITE_OPEN_READONLY));
  PIM_RETURN_IF_ERROR(Configure(*db, options));
  return db;
}

const sqlite::TableSql& TableOf(EntityKind kind) {
  return sqlite::EntityTables()[static_cast<std::size_t>(kind)];
}

// Rolls back the open transaction, if any, and passes `status` on.
absl::Status RollBack(Connection& db, absl::Status status) {
  if (!db.InAutocommit()) db.Run("ROLLBACK", "roll back").IgnoreError();
  return status;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                               SqliteStoreOptions options) {
  if (path.empty() || path == ":memory:") {
    return absl::InvalidArgumentError("sqlite store needs a database file path");
  }
  // The writer first: it creates the file, enables WAL and migrates, so the reader finds a
  // complete schema.
  PIM_ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer, OpenWriter(path, options));
  PIM_ASSIGN_OR_RETURN(std::unique_ptr<Connection> reader, OpenReader(path, options));
  return std::unique_ptr<SqliteStore>(
      new SqliteStore(std::move(writer), std::move(reader), std::move(options)));
}

SqliteStore::SqliteStore(std::unique_ptr<Connection> writer, std::unique_ptr<Connection> reader,
                         SqliteStoreOptions options)
    : options_(std::move(options)), writer_(std::move(writer)), reader_(std::move(reader)) {}

SqliteStore::~SqliteStore() = default;

absl::StatusOr<Revision> SqliteStore::LoadInto(EntitySink& sink) {
  // Both connections: the load reads on both at once (sqlite_loader.h).
  absl::MutexLock write_lock(&write_mu_);
  absl::MutexLock read_lock(&read_mu_);
  // The two read transactions disagree only when another process committed in between; that
  // is detected before anything reaches the sink, so a retry is safe.
  constexpr int kAttempts = 3;
  absl::StatusOr<Revision> revision;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    revision = sqlite::LoadInto(*writer_, *reader_, sink);
    if (revision.status().code() != absl::StatusCode::kAborted) break;
  }
  return revision;
}

absl::Status SqliteStore::Commit(std::span<const ChangeRecord> records) {
  if (records.empty()) return absl::OkStatus();
  absl::MutexLock lock(&write_mu_);
  // IMMEDIATE takes the write lock now, so the revision read below cannot go stale.
  PIM_RETURN_IF_ERROR(writer_->Run("BEGIN IMMEDIATE", "begin commit"));
  absl::Status status = ApplyLocked(records);
  if (status.ok()) status = writer_->Run("COMMIT", "commit");
  if (!status.ok()) return RollBack(*writer_, std::move(status));
  return absl::OkStatus();
}

absl::Status SqliteStore::ApplyLocked(std::span<const ChangeRecord> records) {
  PIM_ASSIGN_OR_RETURN(const Revision last,
                       writer_->QueryInt64(sqlite::kMaxRevisionSql, "read revision"));
  PIM_RETURN_IF_ERROR(ValidateCommit(records, last));
  int write_index = 0;
  for (const ChangeRecord& record : records) {
    for (const Mutation& mutation : record.mutations) {
      PIM_RETURN_IF_ERROR(WriteMutationLocked(mutation, write_index));
    }
    PIM_RETURN_IF_ERROR(BeforeWrite(write_index));
    const std::string body = EncodeChangeRecord(record);
    PIM_ASSIGN_OR_RETURN(Statement insert, writer_->Prepare(kInsertChangeSql, "append change"));
    insert.BindInt64(1, record.revision);
    insert.BindInt64(2, EncodeTime(record.at));
    insert.BindText(3, record.actor.str());
    insert.BindText(4, record.event);
    insert.BindText(5, body);
    insert.BindText(6, record.correlation_id);
    insert.BindText(7, record.client_address);
    PIM_RETURN_IF_ERROR(insert.Run());
  }
  return absl::OkStatus();
}

absl::Status SqliteStore::WriteMutationLocked(const Mutation& mutation, int& write_index) {
  PIM_RETURN_IF_ERROR(BeforeWrite(write_index));
  const sqlite::TableSql& table = TableOf(mutation.kind);
  if (!mutation.after) {
    PIM_ASSIGN_OR_RETURN(Statement remove, writer_->Prepare(table.remove, "delete entity"));
    remove.BindText(1, mutation.key);
    return remove.Run();
  }
  PIM_ASSIGN_OR_RETURN(Statement upsert, writer_->Prepare(table.upsert, "upsert entity"));
  if (const auto* schedule = std::get_if<Schedule>(&*mutation.after)) {
    // ValidateCommit() made sure the key is the schedule's id.
    sqlite::BindScheduleRow(upsert, *schedule);
    return upsert.Run();
  }
  const std::string body = EncodeEntity(*mutation.after);
  upsert.BindText(1, mutation.key);
  upsert.BindText(2, body);
  return upsert.Run();
}

absl::Status SqliteStore::BeforeWrite(int& write_index) const {
  const int index = write_index++;
  if (!options_.before_write) return absl::OkStatus();
  return options_.before_write(index);
}

absl::StatusOr<std::vector<ChangeRecord>> SqliteStore::ReadChanges(Revision after,
                                                                   std::size_t limit) {
  std::vector<ChangeRecord> changes;
  if (limit == 0) return changes;
  const auto sql_limit = static_cast<std::int64_t>(
      std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max()));
  absl::MutexLock lock(&read_mu_);
  PIM_ASSIGN_OR_RETURN(Statement select, reader_->Prepare(kReadChangesSql, "read changes"));
  select.BindInt64(1, after);
  select.BindInt64(2, sql_limit);
  while (true) {
    PIM_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    PIM_ASSIGN_OR_RETURN(ChangeRecord record, DecodeChangeRecord(select.ColumnText(0)));
    changes.push_back(std::move(record));
  }
  return changes;
}

namespace {

// The anchor row, or the empty anchor when there is none. `db` may be either connection.
absl::StatusOr<ChangeLogAnchor> ReadAnchorRow(Connection& db) {
  PIM_ASSIGN_OR_RETURN(Statement select, db.Prepare(kReadAnchorSql, "read change-log anchor"));
  PIM_ASSIGN_OR_RETURN(const bool row, select.Step());
  ChangeLogAnchor anchor;
  if (!row) return anchor;
  anchor.revision = select.ColumnInt64(0);
  anchor.at = DecodeTime(select.ColumnInt64(1));
  anchor.chain_hash = std::string(select.ColumnText(2));
  anchor.key_id = std::string(select.ColumnText(3));
  anchor.signature = std::string(select.ColumnText(4));
  return anchor;
}

}  // namespace

absl::Status SqliteStore::DeleteChangesThrough(const ChangeLogAnchor& anchor) {
  if (anchor.revision < 1 || anchor.chain_hash.empty()) {
    return absl::InvalidArgumentError("a change-log anchor needs a revision and a chain hash");
  }
  absl::MutexLock lock(&write_mu_);
  PIM_RETURN_IF_ERROR(writer_->Run("BEGIN IMMEDIATE", "begin retention"));
  absl::Status status = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_) -> absl::Status {
    PIM_ASSIGN_OR_RETURN(const ChangeLogAnchor current, ReadAnchorRow(*writer_));
    if (anchor.revision <= current.revision) {
      return absl::FailedPreconditionError("the change-log anchor can only move forward");
    }
    {
      PIM_ASSIGN_OR_RETURN(Statement has, writer_->Prepare(kHasChangeSql, "find anchor record"));
      has.BindInt64(1, anchor.revision);
      PIM_ASSIGN_OR_RETURN(const bool row, has.Step());
      if (!row || has.ColumnInt64(0) != 1) {
        return absl::FailedPreconditionError("no change record has the anchor's revision");
      }
    }
    PIM_ASSIGN_OR_RETURN(Statement remove, writer_->Prepare(kDeleteChangesSql, "delete changes"));
    remove.BindInt64(1, anchor.revision);
    PIM_RETURN_IF_ERROR(remove.Run());
    PIM_ASSIGN_OR_RETURN(Statement write, writer_->Prepare(kWriteAnchorSql, "write anchor"));
    write.BindInt64(1, anchor.revision);
    write.BindInt64(2, EncodeTime(anchor.at));
    write.BindText(3, anchor.chain_hash);
    write.BindText(4, anchor.key_id);
    write.BindText(5, anchor.signature);
    PIM_RETURN_IF_ERROR(write.Run());
    return writer_->Run("COMMIT", "commit retention");
  }();
  if (!status.ok()) return RollBack(*writer_, std::move(status));
  return absl::OkStatus();
}

absl::StatusOr<ChangeLogAnchor> SqliteStore::ReadAnchor() {
  absl::MutexLock lock(&read_mu_);
  return ReadAnchorRow(*reader_);
}

absl::StatusOr<std::optional<ScheduleId>> SqliteStore::QueryActiveAssignment(
    const PrincipalId& principal, std::string_view object_id, GroupAccess access,
    std::span<const std::string> scopes, absl::Time at) {
  if (scopes.empty()) return std::nullopt;
  if (scopes.size() > kMaxQueryScopes) {
    return absl::InvalidArgumentError("too many scopes in one access query");
  }
  // One statement per list length (cached): `scope IN (...)` makes one index seek per scope,
  // and the window test runs on the index entries (see schedules_by_principal_object).
  std::string sql =
      "SELECT key FROM schedules WHERE principal_id = ?1 AND object_id = ?2 AND "
      "kind = 'assignment' AND access = ?3 AND start_ns <= ?4 AND (end_ns IS NULL OR end_ns > "
      "?4) AND scope IN (?5";
  for (std::size_t i = 1; i < scopes.size(); ++i) absl::StrAppend(&sql, ", ?", i + 5);
  sql += ") LIMIT 1";

  absl::MutexLock lock(&read_mu_);
  PIM_ASSIGN_OR_RETURN(Statement select, reader_->Prepare(sql, "query active assignment"));
  select.BindText(1, principal.str());
  select.BindText(2, object_id);
  select.BindText(3, kGroupAccessNames.Name(access));
  select.BindInt64(4, EncodeTime(at));
  for (std::size_t i = 0; i < scopes.size(); ++i) {
    select.BindText(static_cast<int>(i + 5), scopes[i]);
  }
  PIM_ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return std::nullopt;
  return ScheduleId(std::string(select.ColumnText(0)));
}

absl::StatusOr<SqliteSettings> SqliteStore::Settings() {
  absl::MutexLock lock(&write_mu_);
  SqliteSettings s;
  PIM_ASSIGN_OR_RETURN(s.journal_mode, writer_->QueryText("PRAGMA journal_mode", "settings"));
  PIM_ASSIGN_OR_RETURN(const std::int64_t fk,
                       writer_->QueryInt64("PRAGMA foreign_keys", "settings"));
  PIM_ASSIGN_OR_RETURN(const std::int64_t sync,
                       writer_->QueryInt64("PRAGMA synchronous", "settings"));
  PIM_ASSIGN_OR_RETURN(const std::int64_t version,
                       writer_->QueryInt64("PRAGMA user_version", "settings"));
  PIM_ASSIGN_OR_RETURN(const std::int64_t busy,
                       writer_->QueryInt64("PRAGMA busy_timeout", "settings"));
  PIM_ASSIGN_OR_RETURN(const std::int64_t cache,
                       writer_->QueryInt64("PRAGMA cache_size", "settings"));
  s.foreign_keys = fk != 0;
  s.synchronous = static_cast<int>(sync);
  s.user_version = static_cast<int>(version);
  s.busy_timeout_ms = static_cast<int>(busy);
  s.cache_size = cache;
  return s;
}

}  // namespace pim
