// The change feed behind `GET /pim/v1/watch`: Server-Sent Events, one per change record, with
// the revision as the event id so a client resumes with `Last-Event-ID`.
//
//   id: 42
//   event: change
//   data: {"revision":42,"time":"...","actorId":"...","event":"request.created",
//          "detail":"...","changes":[{"kind":"request","key":"...","op":"put"}]}
//
// A consumer that is too far behind (more than `max_backlog` revisions, before the first
// change record retention kept, or at a revision this server has not reached) gets one `event:
// resync` with the current revision and the stream ends: it must re-read the state it mirrors and
// watch again from there.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "pim/api/request_context.h"
#include "pim/engine/engine.h"
#include "pim/engine/store.h"

namespace pim::api {

class WatchFeed {
 public:
  WatchFeed(const Engine& engine, Store& store, std::int64_t max_backlog = 100000)
      : engine_(engine), store_(store), max_backlog_(max_backlog) {}

  // Where a stream starts: the `Last-Event-ID` header when present, else `?since=REV`, else
  // the current revision (only new changes). Errors: InvalidArgument / BadRequest.
  [[nodiscard]] absl::StatusOr<Revision> StartRevision(const RequestContext& ctx) const;

  struct Batch {
    std::string text;     // SSE text for zero or more events
    Revision last = 0;    // revision of the last event in `text` (or `after` when none)
    bool resync = false;  // `text` is a resync event and the stream must end
  };
  // The events after `after`, at most `limit`. Errors: the store's.
  [[nodiscard]] absl::StatusOr<Batch> Next(Revision after, std::size_t limit) const;

  // An SSE comment that keeps idle connections (and proxies) alive.
  [[nodiscard]] static std::string Heartbeat() { return ": heartbeat\n\n"; }

 private:
  const Engine& engine_;
  Store& store_;
  const std::int64_t max_backlog_;
};

}  // namespace pim::api
