// How the SQLite backend stores a Schedule: one typed column per field, no JSON body. At a
// million schedules the JSON decode alone (~3 µs each) would blow the start-up budget, while
// reading typed columns costs a fraction of that; the typed columns also serve the access
// query index. Private to the SQLite backend.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "pim/domain/schedule.h"
#include "store/sqlite/sqlite_connection.h"

namespace pim::sqlite {

// Upserts one schedule; parameters are bound by BindScheduleRow().
extern const std::string_view kUpsertScheduleSql;
// Selects the schedules with ?1 < rowid <= ?2, columns in the order ReadScheduleRow() expects.
extern const std::string_view kSelectSchedulesSql;

// Binds every parameter of kUpsertScheduleSql from `schedule`. Text is bound without copying:
// `schedule` must outlive the statement's execution.
void BindScheduleRow(Statement& upsert, const Schedule& schedule);

// The schedule in the current row of kSelectSchedulesSql. DataLoss when a stored enum
// spelling is unknown or a column that must hold a value is NULL.
[[nodiscard]] absl::StatusOr<Schedule> ReadScheduleRow(const Statement& select);

}  // namespace pim::sqlite
