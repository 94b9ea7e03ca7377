// The notification channels' cursors, outboxes and dead letters in SQLite
// (<data-dir>/notifications.db, created owner-only: messages name people and their access).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "pim/notify/delivery_store.h"

namespace pim {

namespace sqlite {
class Connection;
}  // namespace sqlite

class SqliteDeliveryStore final : public notify::DeliveryStore {
 public:
  // Opens or creates `path` (":memory:" for a private in-memory database, as tests use).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<SqliteDeliveryStore>> Open(
      const std::string& path);
  ~SqliteDeliveryStore() override;

  absl::StatusOr<std::optional<Revision>> Cursor(const std::string& channel) override;
  absl::Status Enqueue(const std::string& channel, Revision revision,
                       const std::vector<notify::Outgoing>& messages) override;
  absl::StatusOr<std::vector<notify::QueuedMessage>> Pending(const std::string& channel,
                                                             std::size_t limit) override;
  absl::Status MarkSent(const std::string& channel, std::int64_t seq) override;
  absl::Status RecordFailure(const std::string& channel, std::int64_t seq,
                             const std::string& error) override;
  absl::Status Bury(const std::string& channel, std::int64_t seq, const std::string& error,
                    absl::Time at) override;
  absl::StatusOr<std::vector<notify::DeadLetter>> DeadLetters() override;
  absl::Status Replay(std::int64_t id) override;

 private:
  explicit SqliteDeliveryStore(std::unique_ptr<sqlite::Connection> db);
  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT, rolling back on error.
  absl::Status InTransaction(const std::function<absl::Status()>& body)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  std::unique_ptr<sqlite::Connection> db_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pim
