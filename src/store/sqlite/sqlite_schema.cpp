#include "store/sqlite/sqlite_schema.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "pim/store/sqlite_store.h"
#include "store/sqlite/schedule_row.h"

namespace pim::sqlite {
namespace {

// Migration i (0-based) takes the schema from version i to version i + 1. Append only: a
// released step is never edited, a change is a new step.
constexpr std::string_view kMigrations[] = {
    // 1: entity tables, typed schedule columns, change log.
    R"sql(
CREATE TABLE principals (key TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL) STRICT;
CREATE TABLE memberships (key TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL) STRICT;
CREATE TABLE scopes (key TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL) STRICT;
CREATE TABLE role_definitions (key TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL) STRICT;
-- Schedules field by field (see schedule_row.h); enums as their domain table names, times
-- as Unix nanoseconds.
CREATE TABLE schedules (
  key TEXT PRIMARY KEY NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('eligibility', 'assignment')),
  principal_id TEXT NOT NULL,
  target_kind TEXT NOT NULL,
  object_id TEXT NOT NULL,
  access TEXT NOT NULL,
  scope TEXT NOT NULL,
  assignment_type TEXT NOT NULL,
  start_ns INTEGER NOT NULL,
  expiration_type TEXT NOT NULL,
  expiration_end_ns INTEGER,
  expiration_duration_ns INTEGER,
  end_ns INTEGER,  -- end of the window (derived), NULL when permanent
  state TEXT NOT NULL,
  created_using TEXT NOT NULL,
  activated_using TEXT,
  created_ns INTEGER NOT NULL,
  modified_ns INTEGER NOT NULL,
  expiry_notices_sent INTEGER NOT NULL
) STRICT;
-- "Does P hold O at S at time T": equality on the first five columns, then the window is
-- checked on the index entries without visiting the table.
CREATE INDEX schedules_by_principal_object
  ON schedules (principal_id, object_id, kind, access, scope, start_ns, end_ns);
CREATE TABLE requests (key TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL) STRICT;
CREATE TABLE policies (key TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL) STRICT;
CREATE TABLE changes (
  revision INTEGER PRIMARY KEY,
  at_ns INTEGER NOT NULL,
  actor TEXT NOT NULL,
  event TEXT NOT NULL,
  body TEXT NOT NULL
) STRICT;
)sql",
    // 2: where each change came from (the request's correlation id and client address). The
    // record's body carries them too and stays the source of truth; the columns let an
    // operator find every change of one request with plain SQL. Older rows keep ''.
    R"sql(
ALTER TABLE changes ADD COLUMN correlation_id TEXT NOT NULL DEFAULT '';
ALTER TABLE changes ADD COLUMN client_address TEXT NOT NULL DEFAULT '';
)sql",
    // 3: retention. The change log may lose its head; this one row says where it now starts
    // (Store::DeleteChangesThrough): the last deleted revision, its time, and the audit chain's
    // signed hash after it. No row: nothing was ever deleted.
    R"sql(
CREATE TABLE change_log_anchor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  revision INTEGER NOT NULL CHECK (revision > 0),
  at_ns INTEGER NOT NULL,
  chain_hash TEXT NOT NULL,
  key_id TEXT NOT NULL,
  signature TEXT NOT NULL
) STRICT;
)sql",
};
static_assert(std::size(kMigrations) == std::size_t{kSqliteSchemaVersion},
              "kSqliteSchemaVersion must equal the number of migrations");

TableSql KeyBodyTable(const std::string& name) {
  return {name,
          absl::StrCat("INSERT INTO ", name,
                       " (key, body) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET body = "
                       "excluded.body"),
          absl::StrCat("DELETE FROM ", name, " WHERE key = ?1"),
          absl::StrCat("SELECT body FROM ", name)};
}

TableSql SchedulesTable() {
  TableSql t = KeyBodyTable("schedules");
  t.upsert = std::string(kUpsertScheduleSql);
  t.select_all.clear();
  return t;
}

// Runs `step` inside BEGIN IMMEDIATE ... COMMIT, rolling back when it fails.
template <typename Step>
absl::Status InTransaction(Connection& db, Step step) {
  if (absl::Status s = db.Exec("BEGIN IMMEDIATE", "begin migration"); !s.ok()) return s;
  absl::Status status = step();
  if (status.ok()) status = db.Exec("COMMIT", "commit migration");
  if (!status.ok() && !db.InAutocommit()) db.Exec("ROLLBACK", "roll back migration").IgnoreError();
  return status;
}

}  // namespace

const std::array<TableSql, kEntityKindCount>& EntityTables() {
  // Order matches EntityKind.
  static const std::array<TableSql, kEntityKindCount> tables = {
      KeyBodyTable("principals"), KeyBodyTable("memberships"),
      KeyBodyTable("scopes"),     KeyBodyTable("role_definitions"),
      SchedulesTable(),           KeyBodyTable("requests"),
      KeyBodyTable("policies")};
  return tables;
}

absl::Status MigrateSchema(Connection& db) {
  while (true) {
    bool done = false;
    absl::Status status = InTransaction(db, [&]() -> absl::Status {
      // Read inside the write transaction: another process may have migrated meanwhile.
      absl::StatusOr<std::int64_t> version = db.QueryInt64("PRAGMA user_version", "read version");
      if (!version.ok()) return version.status();
      if (*version > kSqliteSchemaVersion || *version < 0) {
        return absl::FailedPreconditionError(absl::StrCat(
            "database schema version ", *version,
            " is not supported by this build (it knows up to ", kSqliteSchemaVersion, ")"));
      }
      if (*version == kSqliteSchemaVersion) {
        done = true;
        return absl::OkStatus();
      }
      const auto step = static_cast<std::size_t>(*version);
      if (absl::Status s = db.Exec(kMigrations[step], "migrate schema"); !s.ok()) return s;
      return db.Exec(absl::StrCat("PRAGMA user_version = ", step + 1), "set schema version");
    });
    if (!status.ok()) return status;
    if (done) return absl::OkStatus();
  }
}

}  // namespace pim::sqlite
