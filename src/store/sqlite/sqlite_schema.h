// The SQLite schema of the store: one table per EntityKind (key, body JSON) except schedules,
// stored in typed, indexed columns (schedule_row.h); the change log; and the ordered
// migrations that build them. Private to the SQLite backend.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "pim/domain/change.h"
#include "store/sqlite/sqlite_connection.h"

namespace pim::sqlite {

inline constexpr std::size_t kEntityKindCount = 7;

// The SQL for one entity table. Parameters: upsert (?1 key, ?2 body), remove (?1 key);
// select_all yields (body). The schedules table has typed columns instead of a body: its
// upsert is kUpsertScheduleSql and its select_all is empty (see kSelectSchedulesSql in
// schedule_row.h).
struct TableSql {
  std::string name;
  std::string upsert;
  std::string remove;
  std::string select_all;
};

// The last committed revision: the newest change record's, or the retention anchor's when
// every record up to it was deleted (0 for an empty store).
inline constexpr std::string_view kMaxRevisionSql =
    "SELECT MAX(COALESCE((SELECT MAX(revision) FROM changes), 0), "
    "COALESCE((SELECT revision FROM change_log_anchor WHERE id = 1), 0))";

// The table SQL for every EntityKind, indexed by the kind's value.
[[nodiscard]] const std::array<TableSql, kEntityKindCount>& EntityTables();

// Brings the schema of `db` up to the version this code knows (kSqliteSchemaVersion), one
// migration per transaction (BEGIN IMMEDIATE, so concurrent openers serialise and each step
// runs once). FailedPrecondition when the database is newer than this code; the mapped SQLite
// error otherwise (the failing step is rolled back; earlier steps stay applied).
[[nodiscard]] absl::Status MigrateSchema(Connection& db);

}  // namespace pim::sqlite
