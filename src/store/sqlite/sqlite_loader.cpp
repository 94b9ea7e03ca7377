#include "store/sqlite/sqlite_loader.h"

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <limits>
#include <mutex>
#include <optional>
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

// Appends the schedules with lower < rowid <= upper to `out`, calling out(Schedule&&).
template <typename Out>
absl::Status ScanSchedules(Connection& db, std::int64_t lower, std::int64_t upper, Out&& out) {
  PIM_ASSIGN_OR_RETURN(Statement select, db.Prepare(kSelectSchedulesSql, "load schedules"));
  select.BindInt64(1, lower);
  select.BindInt64(2, upper);
  while (true) {
    PIM_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return absl::OkStatus();
    PIM_ASSIGN_OR_RETURN(Schedule schedule, ReadScheduleRow(select));
    out(std::move(schedule));
  }
}

// Decodes every entity of the JSON-bodied tables (all kinds but schedules), calling
// out(Entity&&).
template <typename Out>
absl::Status ScanBodies(Connection& db, Out&& out) {
  for (std::size_t i = 0; i < kEntityKindCount; ++i) {
    const auto kind = static_cast<EntityKind>(i);
    if (kind == EntityKind::kSchedule) continue;  // typed columns, read by ScanSchedules
    PIM_ASSIGN_OR_RETURN(Statement select,
                         db.Prepare(EntityTables()[i].select_all, "load entities"));
    while (true) {
      PIM_ASSIGN_OR_RETURN(const bool row, select.Step());
      if (!row) break;
      PIM_ASSIGN_OR_RETURN(Entity entity, DecodeEntity(kind, select.ColumnText(0)));
      out(std::move(entity));
    }
  }
  return absl::OkStatus();
}

// Decoded entities, in the form they were read: schedules by value (most of the store), the
// others as entities.
struct Batch {
  std::vector<Schedule> schedules;
  std::vector<Entity> others;
};

// Batches of decoded entities from one stage of the load to the next. Bounded, so no stage
// runs far ahead of the next one. Thread-safe.
class BatchQueue {
 public:
  static constexpr std::size_t kScheduleBatch = 4096;
  // Fewer per batch: an Entity is as large as its largest kind (a policy, ~700 bytes).
  static constexpr std::size_t kOtherBatch = 512;
  static constexpr std::size_t kMaxQueued = 4;

  // Producer: blocks while the queue is full.
  void Push(Batch batch) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [this] { return queue_.size() < kMaxQueued; });
    queue_.push_back(std::move(batch));
    changed_.notify_all();
  }
  void Finish(absl::Status status) {
    const std::lock_guard lock(mu_);
    status_ = std::move(status);
    done_ = true;
    changed_.notify_all();
  }
  // Consumer: the next batch, or nullopt once the producer finished and everything was taken.
  std::optional<Batch> Pop() {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [this] { return done_ || !queue_.empty(); });
    if (queue_.empty()) return std::nullopt;
    Batch batch = std::move(queue_.front());
    queue_.pop_front();
    changed_.notify_all();
    return batch;
  }
  absl::Status status() {
    const std::lock_guard lock(mu_);
    return status_;
  }

 private:
  // std::mutex rather than absl::Mutex: ThreadSanitizer sees only pthread-based locks here
  // (Debian's abseil is not built for it) and reports every handoff through absl::Mutex.
  std::mutex mu_;
  std::condition_variable changed_;  // the queue or done_ changed
  std::deque<Batch> queue_;          // guarded by mu_, as are done_ and status_
  bool done_ = false;
  absl::Status status_;
};

// The decoding thread: decodes the schedules, then every other table, into batches.
void ProduceEntities(Connection& db, BatchQueue& queue) {
  Batch batch;
  batch.schedules.reserve(BatchQueue::kScheduleBatch);
  absl::Status status =
      ScanSchedules(db, std::numeric_limits<std::int64_t>::min(),
                    std::numeric_limits<std::int64_t>::max(), [&](Schedule&& schedule) {
                      batch.schedules.push_back(std::move(schedule));
                      if (batch.schedules.size() == BatchQueue::kScheduleBatch) {
                        queue.Push(std::exchange(batch, Batch{}));
                        batch.schedules.reserve(BatchQueue::kScheduleBatch);
                      }
                    });
  if (status.ok()) {
    status = ScanBodies(db, [&](Entity&& entity) {
      batch.others.push_back(std::move(entity));
      if (batch.others.size() == BatchQueue::kOtherBatch) queue.Push(std::exchange(batch, Batch{}));
    });
  }
  if (status.ok() && (!batch.schedules.empty() || !batch.others.empty())) {
    queue.Push(std::move(batch));
  }
  queue.Finish(std::move(status));
}

// The observing thread: shows each decoded batch to the sink's Observe, then passes it on.
// Drains `decoded` even after an error, so the decoder is never left blocked.
void ObserveEntities(EntitySink& sink, BatchQueue& decoded, BatchQueue& observed) {
  while (auto batch = decoded.Pop()) {
    for (const Schedule& schedule : batch->schedules) sink.Observe(schedule);
    for (const Entity& entity : batch->others) sink.Observe(entity);
    observed.Push(*std::move(batch));
  }
  absl::Status status = decoded.status();
  if (status.ok()) sink.ObserveEnd();  // overlaps with the calling thread's last batches
  observed.Finish(std::move(status));
}

void EndRead(Connection& db) {
  if (!db.InAutocommit()) db.Run("COMMIT", "end load").IgnoreError();
}

}  // namespace

absl::StatusOr<Revision> LoadInto(Connection& primary, Connection& helper, EntitySink& sink) {
  // Both snapshots are fixed by their first read; they must agree before anything streams.
  auto begin = [&]() -> absl::StatusOr<std::int64_t> {
    PIM_RETURN_IF_ERROR(primary.Run("BEGIN", "begin load"));
    PIM_RETURN_IF_ERROR(helper.Run("BEGIN", "begin load"));
    PIM_ASSIGN_OR_RETURN(const std::int64_t revision,
                         primary.QueryInt64(kMaxRevisionSql, "load revision"));
    PIM_ASSIGN_OR_RETURN(const std::int64_t seen_by_helper,
                         helper.QueryInt64(kMaxRevisionSql, "load revision"));
    if (revision != seen_by_helper) {
      return absl::AbortedError("the store changed while it was being loaded");
    }
    return revision;
  };
  const absl::StatusOr<std::int64_t> revision = begin();
  if (!revision.ok()) {
    EndRead(primary);
    EndRead(helper);
    return revision.status();
  }
  absl::StatusOr<std::int64_t> schedules =
      primary.QueryInt64("SELECT count(*) FROM schedules", "count schedules");
  if (schedules.ok()) sink.Expect(EntityKind::kSchedule, static_cast<std::size_t>(*schedules));
  const absl::StatusOr<std::int64_t> principals =
      primary.QueryInt64("SELECT count(*) FROM principals", "count principals");
  if (principals.ok()) sink.Expect(EntityKind::kPrincipal, static_cast<std::size_t>(*principals));

  // Three stages, each on its own thread: decoding, Observe, Add (this thread). Two cores run
  // them side by side; each stage alone would take most of a core.
  BatchQueue decoded;
  BatchQueue observed;
  std::thread observer;
  std::thread producer;
  absl::Status status = schedules.status();
  if (status.ok()) {
    try {
      observer =
          std::thread(ObserveEntities, std::ref(sink), std::ref(decoded), std::ref(observed));
      producer = std::thread(ProduceEntities, std::ref(helper), std::ref(decoded));
    } catch (const std::system_error&) {
    }
  }
  if (observer.joinable() && !producer.joinable()) {
    // Nothing was decoded, so nothing was observed: the observer ends, the load runs serially.
    decoded.Finish(absl::CancelledError("no decoding thread"));
    while (observed.Pop()) {
    }
    observer.join();
  }
  if (producer.joinable()) {
    // Drain even after an error, so no stage is ever left blocked on a full queue.
    constexpr std::size_t kAhead = 8;  // schedules announced to WillAdd before their Add
    while (auto batch = observed.Pop()) {
      if (!status.ok()) continue;
      std::vector<Schedule>& decoded_schedules = batch->schedules;
      for (std::size_t i = 0; i < std::min(kAhead, decoded_schedules.size()); ++i) {
        sink.WillAdd(decoded_schedules[i]);
      }
      for (std::size_t i = 0; i < decoded_schedules.size(); ++i) {
        if (i + kAhead < decoded_schedules.size()) sink.WillAdd(decoded_schedules[i + kAhead]);
        sink.Add(Entity(std::move(decoded_schedules[i])));
      }
      for (Entity& entity : batch->others) sink.Add(std::move(entity));
    }
    producer.join();
    observer.join();
    if (status.ok()) status = observed.status();
  } else if (status.ok()) {
    status = ScanSchedules(helper, std::numeric_limits<std::int64_t>::min(),
                           std::numeric_limits<std::int64_t>::max(), [&](Schedule&& schedule) {
                             sink.Observe(schedule);
                             sink.Add(Entity(std::move(schedule)));
                           });
    if (status.ok()) {
      status = ScanBodies(helper, [&](Entity&& entity) {
        sink.Observe(entity);
        sink.Add(std::move(entity));
      });
    }
    if (status.ok()) sink.ObserveEnd();
  }
  EndRead(primary);
  EndRead(helper);
  PIM_RETURN_IF_ERROR(status);
  return *revision;
}

}  // namespace pim::sqlite
