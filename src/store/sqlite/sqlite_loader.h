// Reading the whole store at start-up. Schedules are the bulk (a million rows is a normal
// tenant), so they are scanned by two threads, each over half of the rowid range on its own
// connection, while the small tables are read alongside. Private to the SQLite backend.
#pragma once

#include "absl/status/statusor.h"
#include "pim/engine/store.h"
#include "store/sqlite/sqlite_connection.h"

namespace pim::sqlite {

// Reads every entity and the last revision. `primary` reads the small tables and the lower
// half of the schedules; `helper`, on a second thread, the upper half. Each works in its own
// read transaction; when the two transactions saw different revisions (another process
// committed in between) the result is Aborted and the caller may retry. DataLoss when a row
// does not decode; the mapped SQLite error otherwise. Both connections end outside any
// transaction. The caller keeps both connections to itself for the duration.
[[nodiscard]] absl::StatusOr<StoreContents> LoadContents(Connection& primary, Connection& helper);

}  // namespace pim::sqlite
