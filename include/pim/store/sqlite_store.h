// The embedded default Store: one SQLite database file in WAL mode with synchronous=FULL
// (a commit that returned OK survives a power cut), foreign keys on, and a versioned schema.
// Entities are stored as JSON bodies (entity_codec.h) in one table per EntityKind; schedules
// also carry typed, indexed columns so that access questions can be answered in SQL.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "pim/engine/store.h"

namespace pim {

namespace sqlite {
class Connection;
}  // namespace sqlite

// The schema version this code writes (PRAGMA user_version). Open() migrates older files up to
// it and refuses newer ones.
inline constexpr int kSqliteSchemaVersion = 3;

struct SqliteStoreOptions {
  // How long a statement waits for a lock held by another connection before Unavailable.
  absl::Duration busy_timeout = absl::Seconds(5);
  // Page cache per connection (PRAGMA cache_size). SQLite's 2 MiB default makes bulk writes
  // with random GUID keys re-read index pages from the file over and over.
  int cache_size_mib = 64;
  // Test hook: called before every individual SQL write inside Commit() (each entity upsert
  // or delete, and each change-log insert), with its index counted from 0 within that Commit.
  // A non-OK result makes Commit() roll back and return that status.
  std::function<absl::Status(int write_index)> before_write;
};

// The connection settings in force, as SQLite reports them (for diagnostics and tests).
struct SqliteSettings {
  std::string journal_mode;  // "wal"
  bool foreign_keys = false;
  int synchronous = 0;   // 2 = FULL
  int user_version = 0;  // the schema version
  int busy_timeout_ms = 0;
  std::int64_t cache_size = 0;  // PRAGMA cache_size: negative = KiB, positive = pages
};

// Thread-safe. Commit() and the diagnostics use one read-write connection under one mutex;
// ReadChanges() and QueryActiveAssignment() use a second, read-only connection under its own
// mutex, so they run concurrently with a Commit() and see only committed data. Load() takes
// both and scans on two threads.
// Several processes may open the same file (SQLite locking), but one writer is expected.
class SqliteStore final : public Store {
 public:
  // Opens (creating if needed) the database at `path`, applies the connection settings and
  // migrates the schema. InvalidArgument for an empty path or ":memory:" (the store needs a
  // file that both connections share); FailedPrecondition when the file's schema version is
  // newer than kSqliteSchemaVersion or WAL cannot be enabled; Unavailable when the file cannot
  // be opened or is locked; DataLoss when it is not a database.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(
      const std::string& path, SqliteStoreOptions options = {});

  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;
  ~SqliteStore() override;

  // Store. Load() reads one consistent snapshot (Aborted if another process kept committing
  // during three attempts); entities come in no particular order. DataLoss when a stored row
  // does not decode.
  // Commit() runs in one BEGIN IMMEDIATE transaction and rolls it back on any error; it also
  // returns InvalidArgument for inconsistent mutations (see ValidateCommit()).
  [[nodiscard]] absl::StatusOr<Revision> LoadInto(EntitySink& sink) override;
  [[nodiscard]] absl::Status Commit(std::span<const ChangeRecord> records) override;
  [[nodiscard]] absl::StatusOr<std::vector<ChangeRecord>> ReadChanges(Revision after,
                                                                      std::size_t limit) override;
  // DeleteChangesThrough() runs in one BEGIN IMMEDIATE transaction on the writer: callers keep
  // each call to a bounded number of records so that commits never wait long behind it.
  // ReadAnchor() reads on the read-only connection.
  [[nodiscard]] absl::Status DeleteChangesThrough(const ChangeLogAnchor& anchor) override;
  [[nodiscard]] absl::StatusOr<ChangeLogAnchor> ReadAnchor() override;

  // The SQL baseline for the access index: the id of an assignment schedule (Assigned or
  // Activated) of `principal` for (`object_id`, `access`) at any of `scopes` (the caller
  // passes the scope and its ancestors) whose window contains `at`, or nullopt. Group
  // inheritance is not expanded. Reads committed data on the read-only connection.
  [[nodiscard]] absl::StatusOr<std::optional<ScheduleId>> QueryActiveAssignment(
      const PrincipalId& principal, std::string_view object_id, GroupAccess access,
      std::span<const std::string> scopes, absl::Time at);

  // The settings of the read-write connection.
  [[nodiscard]] absl::StatusOr<SqliteSettings> Settings();

 private:
  SqliteStore(std::unique_ptr<sqlite::Connection> writer,
              std::unique_ptr<sqlite::Connection> reader, SqliteStoreOptions options);

  // The body of Commit() inside its open transaction.
  [[nodiscard]] absl::Status ApplyLocked(std::span<const ChangeRecord> records)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  [[nodiscard]] absl::Status WriteMutationLocked(const Mutation& mutation, int& write_index)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Runs the before_write hook for the next SQL write and advances `write_index`.
  [[nodiscard]] absl::Status BeforeWrite(int& write_index) const;

  const SqliteStoreOptions options_;

  absl::Mutex write_mu_;
  const std::unique_ptr<sqlite::Connection> writer_ ABSL_PT_GUARDED_BY(write_mu_);

  absl::Mutex read_mu_;
  const std::unique_ptr<sqlite::Connection> reader_ ABSL_PT_GUARDED_BY(read_mu_);
};

}  // namespace pim
