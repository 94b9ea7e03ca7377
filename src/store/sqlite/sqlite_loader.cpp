#include "store/sqlite/sqlite_loader.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
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

// Batches of decoded entities from the helper thread to the calling thread. Bounded, so the
// helper never runs far ahead of the consumer. Thread-safe.
class BatchQueue {
 public:
  static constexpr std::size_t kScheduleBatch = 4096;
  // Fewer per batch: an Entity is as large as its largest kind (a policy, ~700 bytes).
  static constexpr std::size_t kOtherBatch = 512;
  static constexpr std::size_t kMaxQueued = 8;

  // Producer: blocks while the queue is full.
  void Push(Batch batch) {
    absl::MutexLock lock(&mu_);
    auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return queue_.size() < kMaxQueued; };
    mu_.Await(absl::Condition(&room));
    queue_.push_back(std::move(batch));
  }
  void Finish(absl::Status status) {
    absl::MutexLock lock(&mu_);
    status_ = std::move(status);
    done_ = true;
  }
  // Consumer: the next batch, or nullopt once the producer finished and everything was taken.
  std::optional<Batch> Pop() {
    absl::MutexLock lock(&mu_);
    auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return done_ || !queue_.empty(); };
    mu_.Await(absl::Condition(&ready));
    if (queue_.empty()) return std::nullopt;
    Batch batch = std::move(queue_.front());
    queue_.pop_front();
    return batch;
  }
  absl::Status status() {
    absl::MutexLock lock(&mu_);
    return status_;
  }

 private:
  absl::Mutex mu_;
  std::deque<Batch> queue_ ABSL_GUARDED_BY(mu_);
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
};

// The helper thread: decodes the schedules, then every other table, so that the calling thread
// only hands entities to the sink (all the decoding is here, the state and index there).
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

  BatchQueue queue;
  std::thread producer;
  absl::Status status = schedules.status();
  if (status.ok()) {
    try {
      producer = std::thread(ProduceEntities, std::ref(helper), std::ref(queue));
    } catch (const std::system_error&) {
    }
  }
  if (producer.joinable()) {
    // Drain even after an error, so the producer is never left blocked on a full queue.
    while (auto batch = queue.Pop()) {
      if (!status.ok()) continue;
      for (Schedule& schedule : batch->schedules) sink.Add(Entity(std::move(schedule)));
      for (Entity& entity : batch->others) sink.Add(std::move(entity));
    }
    producer.join();
    if (status.ok()) status = queue.status();
  } else if (status.ok()) {
    status = ScanSchedules(helper, std::numeric_limits<std::int64_t>::min(),
                           std::numeric_limits<std::int64_t>::max(),
                           [&](Schedule&& schedule) { sink.Add(Entity(std::move(schedule))); });
    if (status.ok()) {
      status = ScanBodies(helper, [&](Entity&& entity) { sink.Add(std::move(entity)); });
    }
  }
  EndRead(primary);
  EndRead(helper);
  PIM_RETURN_IF_ERROR(status);
  return *revision;
}

}  // namespace pim::sqlite
