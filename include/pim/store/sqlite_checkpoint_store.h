// The audit checkpoints pimd sealed, in their own SQLite file (`<data-dir>/audit-checkpoints.db`,
// created 0600): one row per checkpoint. Apart from pim.db on purpose: whoever edits a change
// record in pim.db must also find, and re-sign with the audit key, the checkpoints here before
// pimd's start-up check stops noticing (docs/audit.md).
#pragma once

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "pim/audit/checkpoint_store.h"

namespace pim {

namespace sqlite {
class Connection;
}  // namespace sqlite

// Thread-safe: one connection under one mutex.
class SqliteCheckpointStore final : public audit::CheckpointStore {
 public:
  // Opens or creates `path` (":memory:" for a private in-memory database, as tests use).
  // Unavailable when it cannot be opened, DataLoss when it is not a database.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<SqliteCheckpointStore>> Open(
      const std::string& path);
  ~SqliteCheckpointStore() override;

  absl::Status Put(const audit::Checkpoint& checkpoint) override;
  absl::StatusOr<std::vector<audit::Checkpoint>> List(std::int64_t from) override;
  absl::Status DeleteBefore(std::int64_t seq) override;

 private:
  explicit SqliteCheckpointStore(std::unique_ptr<sqlite::Connection> db);

  absl::Mutex mu_;
  std::unique_ptr<sqlite::Connection> db_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pim
