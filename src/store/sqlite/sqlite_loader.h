// Reading the whole store at start-up. Schedules are the bulk (a million rows is a normal
// tenant), so the load is a pipeline of bounded batches over three threads: one decodes every
// table on its own connection (schedules first), one shows each entity to the sink's Observe,
// and the calling thread feeds them to the sink's Add. The stages overlap, and no full copy of
// the store is ever held.
// Private to the SQLite backend.
#pragma once

#include "absl/status/statusor.h"
#include "pim/engine/store.h"
#include "store/sqlite/sqlite_connection.h"

namespace pim::sqlite {

// Streams every entity to `sink` (on the calling thread) and returns the last revision.
// `primary` and `helper` each hold a read transaction over the same snapshot; when they saw
// different revisions (another process committed in between) the result is Aborted before
// anything was streamed, and the caller may retry. DataLoss when a row does not decode; the
// mapped SQLite error otherwise. Both connections end outside any transaction. The caller
// keeps both connections to itself for the duration.
[[nodiscard]] absl::StatusOr<Revision> LoadInto(Connection& primary, Connection& helper,
                                                EntitySink& sink);

}  // namespace pim::sqlite
