#include "pim/store/sqlite_store.h"

#include <sqlite3.h>

#include <atomic>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "unit/store/sample_entities.h"
#include "unit/store/temp_dir.h"

namespace pim {
namespace {

using testing::Create;
using testing::CreateAll;
using testing::Delete;
using testing::Record;
using testing::SampleEntities;
using testing::SortedByKey;
using testing::Update;

// Runs one statement on the file through a connection of its own, bypassing the store.
void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error != nullptr ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

std::string RawQueryText(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string result;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return result;
}

// The detail column of EXPLAIN QUERY PLAN for `sql`, one line per step.
std::string RawQueryPlan(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string plan;
  const std::string explain = "EXPLAIN QUERY PLAN " + sql;
  EXPECT_EQ(sqlite3_prepare_v2(db, explain.c_str(), -1, &stmt, nullptr), SQLITE_OK);
  while (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW) {
    plan += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
    plan += "\n";
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return plan;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::string path() const { return dir_.File("pim.db"); }

  std::unique_ptr<SqliteStore> MustOpen(SqliteStoreOptions options = {}) {
    absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path(), options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }

  // Load() sorted, plus the whole change log: everything observable about a store.
  static std::pair<StoreContents, std::vector<ChangeRecord>> Snapshot(Store& store) {
    absl::StatusOr<StoreContents> contents = store.Load();
    EXPECT_TRUE(contents.ok()) << contents.status();
    absl::StatusOr<std::vector<ChangeRecord>> changes = store.ReadChanges(0, 1'000'000);
    EXPECT_TRUE(changes.ok()) << changes.status();
    if (!contents.ok() || !changes.ok()) return {};
    contents->entities = SortedByKey(std::move(contents->entities));
    return {*std::move(contents), *std::move(changes)};
  }

  static void ExpectSame(const std::pair<StoreContents, std::vector<ChangeRecord>>& a,
                         const std::pair<StoreContents, std::vector<ChangeRecord>>& b) {
    EXPECT_EQ(a.first.revision, b.first.revision);
    EXPECT_TRUE(a.first.entities == b.first.entities);
    EXPECT_EQ(a.second, b.second);
  }

  testing::TempDir dir_;
};

TEST_F(SqliteStoreTest, ReopenAfterCloseGivesIdenticalContents) {
  std::pair<StoreContents, std::vector<ChangeRecord>> before;
  {
    std::unique_ptr<SqliteStore> store = MustOpen();
    ASSERT_TRUE(store
                    ->Commit({{Record(1, CreateAll(SampleEntities(1))),
                               Record(2, CreateAll(SampleEntities(2)))}})
                    .ok());
    ASSERT_TRUE(store->Commit({{Record(3, {Delete(testing::SamplePolicy(1))})}}).ok());
    before = Snapshot(*store);
    EXPECT_EQ(before.first.revision, 3);
    EXPECT_EQ(before.first.entities.size(), 13u);
  }
  std::unique_ptr<SqliteStore> reopened = MustOpen();
  ExpectSame(Snapshot(*reopened), before);
  // And it keeps working: the revision check sees the stored log.
  EXPECT_EQ(reopened->Commit({{Record(3, {})}}).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(reopened->Commit({{Record(4, {})}}).ok());
}

TEST_F(SqliteStoreTest, ConnectionSettingsAreInForce) {
  SqliteStoreOptions options;
  options.busy_timeout = absl::Milliseconds(1234);
  std::unique_ptr<SqliteStore> store = MustOpen(options);
  absl::StatusOr<SqliteSettings> settings = store->Settings();
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_EQ(settings->journal_mode, "wal");
  EXPECT_TRUE(settings->foreign_keys);
  EXPECT_EQ(settings->synchronous, 2);  // FULL
  EXPECT_EQ(settings->user_version, kSqliteSchemaVersion);
  EXPECT_EQ(settings->busy_timeout_ms, 1234);
  EXPECT_EQ(settings->cache_size, -64 * 1024);  // the default 64 MiB, in KiB
  // WAL is a property of the file: a fresh connection sees it too.
  EXPECT_EQ(RawQueryText(path(), "PRAGMA journal_mode"), "wal");
}

TEST_F(SqliteStoreTest, DatabaseWithNewerSchemaVersionIsRefused) {
  MustOpen().reset();
  RawExec(path(), "PRAGMA user_version = " + std::to_string(kSqliteSchemaVersion + 1));
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition) << store.status();
  // Refusing did not touch the file.
  EXPECT_EQ(RawQueryText(path(), "PRAGMA user_version"), std::to_string(kSqliteSchemaVersion + 1));
}

TEST_F(SqliteStoreTest, NewFileIsMigratedToTheCurrentVersion) {
  MustOpen().reset();
  EXPECT_EQ(RawQueryText(path(), "PRAGMA user_version"), std::to_string(kSqliteSchemaVersion));
  EXPECT_EQ(RawQueryText(path(), "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"), "9");
}

// A version-2 file (before retention) gains the anchor table and keeps its log; the anchor
// and the revision survive a reopen after retention deleted every record.
TEST_F(SqliteStoreTest, VersionTwoFileIsMigratedAndRetentionSurvivesReopen) {
  {
    std::unique_ptr<SqliteStore> store = MustOpen();
    ASSERT_TRUE(store->Commit({{Record(1, CreateAll(SampleEntities(1))), Record(2, {})}}).ok());
  }
  RawExec(path(), "DROP TABLE change_log_anchor; PRAGMA user_version = 2");
  ChangeLogAnchor anchor;
  anchor.revision = 2;
  anchor.at = absl::FromUnixMicros(1767600000123456);
  anchor.chain_hash = std::string(64, 'b');
  anchor.key_id = "k";
  anchor.signature = "s";
  {
    std::unique_ptr<SqliteStore> store = MustOpen();
    EXPECT_EQ(RawQueryText(path(), "PRAGMA user_version"), std::to_string(kSqliteSchemaVersion));
    ASSERT_EQ(store->ReadChanges(0, 10)->size(), 2u);
    EXPECT_EQ(*store->ReadAnchor(), ChangeLogAnchor{});
    ASSERT_TRUE(store->DeleteChangesThrough(anchor).ok());
  }
  std::unique_ptr<SqliteStore> store = MustOpen();
  EXPECT_EQ(*store->ReadAnchor(), anchor);
  EXPECT_TRUE(store->ReadChanges(0, 10)->empty());
  absl::StatusOr<StoreContents> contents = store->Load();
  ASSERT_TRUE(contents.ok()) << contents.status();
  EXPECT_EQ(contents->revision, 2);
  EXPECT_EQ(contents->entities.size(), SampleEntities(1).size());
  EXPECT_EQ(store->Commit({{Record(2, {})}}).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(store->Commit({{Record(3, {})}}).ok());
}

// A version-1 file (before change records kept their request origin) is migrated in place:
// its records read back with an empty origin, new ones keep theirs, columns included.
TEST_F(SqliteStoreTest, VersionOneFileIsMigratedAndKeepsItsChanges) {
  {
    std::unique_ptr<SqliteStore> store = MustOpen();
    ASSERT_TRUE(store->Commit({{Record(1, CreateAll(SampleEntities(1)))}}).ok());
  }
  // Undo migrations 3 and 2 by hand: what a version-1 build left behind.
  RawExec(path(),
          "DROP TABLE change_log_anchor; ALTER TABLE changes DROP COLUMN correlation_id; "
          "ALTER TABLE changes DROP COLUMN client_address; PRAGMA user_version = 1");
  ASSERT_EQ(RawQueryText(path(), "PRAGMA user_version"), "1");

  std::unique_ptr<SqliteStore> store = MustOpen();
  EXPECT_EQ(RawQueryText(path(), "PRAGMA user_version"), std::to_string(kSqliteSchemaVersion));
  ChangeRecord next = Record(2, {});
  next.correlation_id = "corr-2";
  next.client_address = "192.0.2.9";
  ASSERT_TRUE(store->Commit({{next}}).ok());
  absl::StatusOr<std::vector<ChangeRecord>> changes = store->ReadChanges(0, 10);
  ASSERT_TRUE(changes.ok()) << changes.status();
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_EQ((*changes)[0].correlation_id, "");
  EXPECT_EQ((*changes)[1], next);
  EXPECT_EQ(RawQueryText(path(),
                         "SELECT correlation_id || ' ' || client_address FROM changes "
                         "WHERE revision = 2"),
            "corr-2 192.0.2.9");
  EXPECT_EQ(RawQueryText(path(), "SELECT count(*) FROM changes WHERE correlation_id = ''"), "1");
}

TEST_F(SqliteStoreTest, MemoryAndEmptyPathsAreInvalidArgument) {
  EXPECT_EQ(SqliteStore::Open(":memory:").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SqliteStore::Open("").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SqliteStoreTest, MissingDirectoryIsUnavailable) {
  EXPECT_EQ(SqliteStore::Open(dir_.File("no/such/dir/pim.db")).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(SqliteStoreTest, FileThatIsNotADatabaseIsDataLoss) {
  std::ofstream(path()) << std::string(8192, 'x');
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kDataLoss) << store.status();
}

TEST_F(SqliteStoreTest, CorruptBodyMakesLoadDataLoss) {
  std::unique_ptr<SqliteStore> store = MustOpen();
  ASSERT_TRUE(store->Commit({{Record(1, CreateAll(SampleEntities(1)))}}).ok());
  RawExec(path(), "UPDATE requests SET body = '{\"id\": 5}'");
  absl::StatusOr<StoreContents> contents = store->Load();
  EXPECT_EQ(contents.status().code(), absl::StatusCode::kDataLoss) << contents.status();
  // The load's read transaction was closed: writing still works.
  EXPECT_TRUE(store->Commit({{Record(2, {})}}).ok());
}

TEST_F(SqliteStoreTest, UnknownEnumInScheduleRowMakesLoadDataLoss) {
  std::unique_ptr<SqliteStore> store = MustOpen();
  ASSERT_TRUE(store->Commit({{Record(1, CreateAll(SampleEntities(1)))}}).ok());
  RawExec(path(), "UPDATE schedules SET state = 'sleeping'");
  absl::StatusOr<StoreContents> contents = store->Load();
  EXPECT_EQ(contents.status().code(), absl::StatusCode::kDataLoss) << contents.status();
  EXPECT_NE(contents.status().message().find("state"), std::string::npos);
  EXPECT_EQ(contents.status().message().find("sleeping"), std::string::npos);
}

TEST_F(SqliteStoreTest, LoadFindsEverySchedulePastDeletesAndUpdates) {
  // Load splits the schedules by rowid over two connections; holes and moved rows must not
  // lose or duplicate any.
  std::unique_ptr<SqliteStore> store = MustOpen();
  std::vector<Mutation> create;
  for (int n = 0; n < 301; ++n) create.push_back(Create(testing::SampleSchedule(n * 3)));
  ASSERT_TRUE(store->Commit({{Record(1, create)}}).ok());
  std::vector<Mutation> change;
  std::vector<Entity> expected;
  for (int n = 0; n < 301; ++n) {
    const Schedule s = testing::SampleSchedule(n * 3);
    if (n % 3 == 0 || n > 250) {
      change.push_back(Delete(s));
    } else if (n % 3 == 1) {
      Schedule updated = s;
      updated.state = ScheduleState::kExpired;
      change.push_back(Update(s, updated));
      expected.push_back(updated);
    } else {
      expected.push_back(s);
    }
  }
  ASSERT_TRUE(store->Commit({{Record(2, change)}}).ok());
  const auto snapshot = Snapshot(*store);
  EXPECT_EQ(snapshot.first.revision, 2);
  EXPECT_TRUE(snapshot.first.entities == SortedByKey(expected));
}

TEST_F(SqliteStoreTest, FailureBeforeAnyWriteLeavesNoTrace) {
  int fail_at = -1;
  int writes_seen = 0;
  SqliteStoreOptions options;
  options.before_write = [&](int index) {
    writes_seen = std::max(writes_seen, index + 1);
    return index == fail_at ? absl::AbortedError("injected") : absl::OkStatus();
  };
  std::unique_ptr<SqliteStore> store = MustOpen(options);
  ASSERT_TRUE(store->Commit({{Record(1, CreateAll(SampleEntities(1)))}}).ok());
  const auto before = Snapshot(*store);

  // Two records mixing inserts, updates (typed schedule columns too) and deletes.
  Schedule moved = testing::SampleSchedule(1);
  moved.target.scope = "/";
  const std::vector<ChangeRecord> batch = {
      Record(2, {Create(testing::SamplePrincipal(2)), Update(testing::SampleSchedule(1), moved),
                 Delete(testing::SamplePolicy(1))}),
      Record(3, {Create(testing::SampleRequest(2)), Delete(testing::SampleScope(1)),
                 Create(testing::SampleSchedule(2))})};
  const int total_writes = 6 + 2;  // six mutations, two change-log rows

  for (fail_at = 0; fail_at < total_writes; ++fail_at) {
    SCOPED_TRACE(fail_at);
    writes_seen = 0;
    const absl::Status status = store->Commit(batch);
    EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << status;
    EXPECT_EQ(status.message(), "injected");
    EXPECT_EQ(writes_seen, fail_at + 1);
    ExpectSame(Snapshot(*store), before);
  }

  fail_at = -1;
  writes_seen = 0;
  ASSERT_TRUE(store->Commit(batch).ok());
  EXPECT_EQ(writes_seen, total_writes);
  const auto after = Snapshot(*store);
  EXPECT_EQ(after.first.revision, 3);
  EXPECT_EQ(after.second.size(), 3u);

  // Durable exactly as reported.
  store.reset();
  ExpectSame(Snapshot(*MustOpen()), after);
}

TEST_F(SqliteStoreTest, QueryActiveAssignmentFollowsTypedColumns) {
  std::unique_ptr<SqliteStore> store = MustOpen();
  const absl::Time t0 = absl::FromUnixSeconds(1'700'000'000);
  const std::string sub = "/subscriptions/s1";
  const std::string rg = "/subscriptions/s1/resourcegroups/rg";
  auto make = [&](int n, ScheduleKind kind, const std::string& scope, absl::Time start,
                  std::optional<absl::Time> end) {
    Schedule s = testing::SampleSchedule(n);
    s.kind = kind;
    s.principal = PrincipalId("p");
    s.target = Target{TargetKind::kResourceRole, "role", GroupAccess::kMember, scope};
    s.start = start;
    s.expiration = end ? Expiration{ExpirationType::kAfterDateTime, end, std::nullopt}
                       : Expiration{ExpirationType::kNoExpiration, std::nullopt, std::nullopt};
    return s;
  };
  const Schedule eligible = make(1, ScheduleKind::kEligibility, sub, t0, std::nullopt);
  const Schedule at_sub = make(2, ScheduleKind::kAssignment, sub, t0, t0 + absl::Hours(1));
  ASSERT_TRUE(store->Commit({{Record(1, {Create(eligible), Create(at_sub)})}}).ok());

  const std::vector<std::string> rg_and_up = {rg, sub, "/"};
  auto query = [&](std::span<const std::string> scopes, absl::Time at,
                   std::string_view object = "role", GroupAccess access = GroupAccess::kMember,
                   const PrincipalId& who = PrincipalId("p")) {
    absl::StatusOr<std::optional<ScheduleId>> found =
        store->QueryActiveAssignment(who, object, access, scopes, at);
    EXPECT_TRUE(found.ok()) << found.status();
    return found.ok() ? *found : std::nullopt;
  };
  EXPECT_EQ(query(rg_and_up, t0), at_sub.id);  // inherited from above
  EXPECT_EQ(query(rg_and_up, t0 + absl::Minutes(59)), at_sub.id);
  EXPECT_EQ(query(rg_and_up, t0 - absl::Nanoseconds(1)), std::nullopt);  // not yet
  EXPECT_EQ(query(rg_and_up, t0 + absl::Hours(1)), std::nullopt);        // end is exclusive
  EXPECT_EQ(query(std::vector<std::string>{"/"}, t0), std::nullopt);     // only below
  EXPECT_EQ(query(rg_and_up, t0, "other-role"), std::nullopt);
  EXPECT_EQ(query(rg_and_up, t0, "role", GroupAccess::kOwner), std::nullopt);
  EXPECT_EQ(query(rg_and_up, t0, "role", GroupAccess::kMember, PrincipalId("q")), std::nullopt);
  EXPECT_EQ(query({}, t0), std::nullopt);

  // Updating the schedule updates its typed columns: now permanent.
  const Schedule permanent = make(2, ScheduleKind::kAssignment, sub, t0, std::nullopt);
  ASSERT_TRUE(store->Commit({{Record(2, {Update(at_sub, permanent)})}}).ok());
  EXPECT_EQ(query(rg_and_up, t0 + absl::Hours(1000)), at_sub.id);
  // Deleting it removes it from the query.
  ASSERT_TRUE(store->Commit({{Record(3, {Delete(permanent)})}}).ok());
  EXPECT_EQ(query(rg_and_up, t0), std::nullopt);

  const std::vector<std::string> too_many(33, "/");
  EXPECT_EQ(
      store->QueryActiveAssignment(PrincipalId("p"), "role", GroupAccess::kMember, too_many, t0)
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
}

TEST_F(SqliteStoreTest, AccessQueryUsesTheScheduleIndex) {
  MustOpen().reset();
  // The same shape as QueryActiveAssignment()'s statement.
  const std::string plan = RawQueryPlan(
      path(),
      "SELECT key FROM schedules WHERE principal_id = 'p' AND object_id = 'o' AND kind = "
      "'assignment' AND access = 'member' AND start_ns <= 5 AND (end_ns IS NULL OR end_ns > 5) "
      "AND scope IN ('/a', '/b') LIMIT 1");
  EXPECT_NE(plan.find("USING INDEX schedules_by_principal_object (principal_id=? AND "
                      "object_id=? AND kind=? AND access=? AND scope=?"),
            std::string::npos)
      << plan;
}

TEST_F(SqliteStoreTest, ReadChangesRunsWhileCommitting) {
  std::unique_ptr<SqliteStore> store = MustOpen();
  constexpr int kCommits = 50;
  std::atomic<bool> done = false;
  std::thread writer([&] {
    for (int i = 1; i <= kCommits; ++i) {
      EXPECT_TRUE(store->Commit({{Record(i, {Create(testing::SampleSchedule(i))})}}).ok());
    }
    done = true;
  });
  Revision seen = 0;
  while (!done || seen < kCommits) {
    absl::StatusOr<std::vector<ChangeRecord>> changes = store->ReadChanges(seen, 7);
    ASSERT_TRUE(changes.ok()) << changes.status();
    for (const ChangeRecord& c : *changes) {
      ASSERT_EQ(c.revision, seen + 1);  // in order, none skipped, none half-written
      seen = c.revision;
    }
  }
  writer.join();
  EXPECT_EQ(seen, kCommits);
}

}  // namespace
}  // namespace pim
