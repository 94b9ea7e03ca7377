#include "store/sqlite/sqlite_loader.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "pim/domain/status.h"
#include "pim/store/entity_codec.h"
#include "store/sqlite/schedule_row.h"
#include "store/sqlite/sqlite_schema.h"

namespace pim::sqlite {
namespace {

constexpr std::string_view kMaxRevisionSql = "SELECT COALESCE(MAX(revision), 0) FROM changes";
constexpr std::string_view kMaxScheduleRowidSql = "SELECT COALESCE(MAX(rowid), 0) FROM schedules";
constexpr std::string_view kCountEntitiesSql =
    "SELECT (SELECT count(*) FROM principals) + (SELECT count(*) FROM memberships) + (SELECT "
    "count(*) FROM scopes) + (SELECT count(*) FROM role_definitions) + (SELECT count(*) FROM "
    "schedules) + (SELECT count(*) FROM requests) + (SELECT count(*) FROM policies)";

// Runs `read` inside BEGIN ... COMMIT on `db`; rolls back when it fails.
template <typename Read>
absl::Status InReadTransaction(Connection& db, Read read) {
  PIM_RETURN_IF_ERROR(db.Run("BEGIN", "begin load"));
  absl::Status status = read();
  if (status.ok()) status = db.Run("COMMIT", "end load");
  if (!status.ok() && !db.InAutocommit()) db.Run("ROLLBACK", "end load").IgnoreError();
  return status;
}

// Appends the schedules with lower < rowid <= upper to `out`.
template <typename Out>
absl::Status ScanSchedules(Connection& db, std::int64_t lower, std::int64_t upper, Out& out) {
  PIM_ASSIGN_OR_RETURN(Statement select, db.Prepare(kSelectSchedulesSql, "load schedules"));
  select.BindInt64(1, lower);
  select.BindInt64(2, upper);
  while (true) {
    PIM_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return absl::OkStatus();
    PIM_ASSIGN_OR_RETURN(Schedule schedule, ReadScheduleRow(select));
    out.emplace_back(std::move(schedule));
  }
}

// Appends every entity of the JSON-bodied table for `kind` to `out`.
absl::Status ScanBodies(Connection& db, EntityKind kind, std::vector<Entity>& out) {
  const TableSql& table = EntityTables()[static_cast<std::size_t>(kind)];
  PIM_ASSIGN_OR_RETURN(Statement select, db.Prepare(table.select_all, "load entities"));
  while (true) {
    PIM_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return absl::OkStatus();
    PIM_ASSIGN_OR_RETURN(Entity entity, DecodeEntity(kind, select.ColumnText(0)));
    out.push_back(std::move(entity));
  }
}

// The helper's half: its schedules and the revision its snapshot saw.
struct UpperHalf {
  absl::Status status;
  std::vector<Schedule> schedules;
  Revision revision = 0;
};

void LoadUpperHalf(Connection& db, std::int64_t split, std::size_t expected, UpperHalf& half) {
  half.schedules.reserve(expected);
  half.status = InReadTransaction(db, [&]() -> absl::Status {
    PIM_ASSIGN_OR_RETURN(half.revision, db.QueryInt64(kMaxRevisionSql, "load revision"));
    return ScanSchedules(db, split, std::numeric_limits<std::int64_t>::max(), half.schedules);
  });
}

}  // namespace

absl::StatusOr<StoreContents> LoadContents(Connection& primary, Connection& helper) {
  StoreContents contents;
  UpperHalf upper;
  PIM_RETURN_IF_ERROR(InReadTransaction(primary, [&]() -> absl::Status {
    PIM_ASSIGN_OR_RETURN(contents.revision, primary.QueryInt64(kMaxRevisionSql, "load revision"));
    // An Entity is as large as its largest alternative: growing the vector by doubling would
    // move a million of them several times over.
    PIM_ASSIGN_OR_RETURN(const std::int64_t rows, primary.QueryInt64(kCountEntitiesSql, "count"));
    contents.entities.reserve(static_cast<std::size_t>(rows));
    PIM_ASSIGN_OR_RETURN(const std::int64_t max_rowid,
                         primary.QueryInt64(kMaxScheduleRowidSql, "load schedules"));
    const std::int64_t split = max_rowid / 2;
    // Rowids may be sparse after deletes; never expect more than there are rows.
    const auto expected = static_cast<std::size_t>(std::min(max_rowid - split, rows));

    // Upper half on a second thread; when no thread can be had, on this one afterwards.
    std::thread thread;
    try {
      thread = std::thread(LoadUpperHalf, std::ref(helper), split, expected, std::ref(upper));
    } catch (const std::system_error&) {
    }
    absl::Status status = absl::OkStatus();
    for (std::size_t i = 0; i < kEntityKindCount && status.ok(); ++i) {
      const auto kind = static_cast<EntityKind>(i);
      if (kind == EntityKind::kSchedule) continue;
      status = ScanBodies(primary, kind, contents.entities);
    }
    if (status.ok()) {
      status = ScanSchedules(primary, std::numeric_limits<std::int64_t>::min(), split,
                             contents.entities);
    }
    if (thread.joinable()) {
      thread.join();
    } else if (status.ok()) {
      LoadUpperHalf(helper, split, expected, upper);
    }
    return status;
  }));
  PIM_RETURN_IF_ERROR(upper.status);
  if (upper.revision != contents.revision) {
    return absl::AbortedError("the store changed while it was being loaded");
  }
  for (Schedule& schedule : upper.schedules) contents.entities.emplace_back(std::move(schedule));
  return contents;
}

}  // namespace pim::sqlite
