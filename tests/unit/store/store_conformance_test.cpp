// One suite, every Store implementation: the same cases run against MemoryStore, SqliteStore
// and FaultInjectionStore (with no faults armed) so that all backends keep the same contract.
#include <limits>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "pim/engine/store.h"
#include "pim/store/fault_injection_store.h"
#include "pim/store/memory_store.h"
#include "pim/store/sqlite_store.h"
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

struct MemoryStoreFactory {
  std::unique_ptr<Store> Make() { return std::make_unique<MemoryStore>(); }
};

struct SqliteStoreFactory {
  testing::TempDir dir;
  std::unique_ptr<Store> Make() {
    absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(dir.File("pim.db"));
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }
};

// Owns the base store it wraps.
class OwningFaultInjectionStore final : public Store {
 public:
  absl::StatusOr<Revision> LoadInto(EntitySink& sink) override { return wrapper_.LoadInto(sink); }
  absl::Status Commit(std::span<const ChangeRecord> records) override {
    return wrapper_.Commit(records);
  }
  absl::StatusOr<std::vector<ChangeRecord>> ReadChanges(Revision after,
                                                        std::size_t limit) override {
    return wrapper_.ReadChanges(after, limit);
  }
  absl::Status DeleteChangesThrough(const ChangeLogAnchor& anchor) override {
    return wrapper_.DeleteChangesThrough(anchor);
  }
  absl::StatusOr<ChangeLogAnchor> ReadAnchor() override { return wrapper_.ReadAnchor(); }

 private:
  MemoryStore base_;
  FaultInjectionStore wrapper_{base_};
};

struct FaultInjectionStoreFactory {
  std::unique_ptr<Store> Make() { return std::make_unique<OwningFaultInjectionStore>(); }
};

template <typename Factory>
class StoreConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = factory_.Make();
    ASSERT_NE(store_, nullptr);
  }

  Store& store() { return *store_; }

  StoreContents MustLoad() {
    absl::StatusOr<StoreContents> contents = store_->Load();
    EXPECT_TRUE(contents.ok()) << contents.status();
    if (!contents.ok()) return {};
    contents->entities = SortedByKey(std::move(contents->entities));
    return *std::move(contents);
  }

  std::vector<ChangeRecord> MustReadChanges(Revision after, std::size_t limit) {
    absl::StatusOr<std::vector<ChangeRecord>> changes = store_->ReadChanges(after, limit);
    EXPECT_TRUE(changes.ok()) << changes.status();
    return changes.ok() ? *std::move(changes) : std::vector<ChangeRecord>{};
  }

  absl::Status Commit(std::vector<ChangeRecord> records) { return store_->Commit(records); }

  // Asserts that the store holds exactly `entities` at `revision` with `changes` logged.
  void ExpectState(const std::vector<Entity>& entities, Revision revision,
                   const std::vector<ChangeRecord>& changes) {
    const StoreContents contents = MustLoad();
    EXPECT_EQ(contents.revision, revision);
    EXPECT_TRUE(contents.entities == SortedByKey(entities));
    EXPECT_EQ(MustReadChanges(0, 1000), changes);
  }

 private:
  Factory factory_;
  std::unique_ptr<Store> store_;
};

using Factories =
    ::testing::Types<MemoryStoreFactory, SqliteStoreFactory, FaultInjectionStoreFactory>;
class FactoryNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    if (std::is_same_v<T, MemoryStoreFactory>) return "Memory";
    if (std::is_same_v<T, SqliteStoreFactory>) return "Sqlite";
    return "FaultInjection";
  }
};
TYPED_TEST_SUITE(StoreConformanceTest, Factories, FactoryNames);

TYPED_TEST(StoreConformanceTest, EmptyStoreLoadsNothing) {
  const StoreContents contents = this->MustLoad();
  EXPECT_EQ(contents.revision, 0);
  EXPECT_TRUE(contents.entities.empty());
  EXPECT_TRUE(this->MustReadChanges(0, 100).empty());
}

TYPED_TEST(StoreConformanceTest, CommitThenLoadReturnsTheSameEntities) {
  std::vector<Entity> entities = SampleEntities(1);
  for (Entity& e : SampleEntities(2)) entities.push_back(std::move(e));
  const ChangeRecord record = Record(1, CreateAll(entities));
  ASSERT_TRUE(this->Commit({record}).ok());
  this->ExpectState(entities, 1, {record});
}

TYPED_TEST(StoreConformanceTest, UpdateReplacesAndDeleteRemoves) {
  const std::vector<Entity> first = SampleEntities(1);
  const std::vector<Entity> second = SampleEntities(2);
  const ChangeRecord create = Record(1, CreateAll(first));
  ASSERT_TRUE(this->Commit({create}).ok());

  Schedule changed_schedule = testing::SampleSchedule(1);
  changed_schedule.state = ScheduleState::kExpired;
  changed_schedule.expiration = Expiration{ExpirationType::kNoExpiration, {}, {}};
  Principal changed_principal = testing::SamplePrincipal(1);
  changed_principal.display_name = "renamed";
  const ChangeRecord change =
      Record(2, {Update(first[4], changed_schedule), Update(first[0], changed_principal),
                 Delete(first[6]), Delete(first[1]), Create(second[6])});
  ASSERT_TRUE(this->Commit({change}).ok());

  this->ExpectState({changed_principal, first[2], first[3], changed_schedule, first[5], second[6]},
                    2, {create, change});
}

TYPED_TEST(StoreConformanceTest, SameKeyInDifferentKindsIsIndependent) {
  Principal principal = testing::SamplePrincipal(1);
  principal.id = PrincipalId("shared-key");
  Schedule schedule = testing::SampleSchedule(1);
  schedule.id = ScheduleId("shared-key");
  ASSERT_TRUE(this->Commit({Record(1, {Create(principal), Create(schedule)})}).ok());
  ASSERT_TRUE(this->Commit({Record(2, {Delete(principal)})}).ok());
  EXPECT_TRUE(this->MustLoad().entities == std::vector<Entity>{schedule});
}

TYPED_TEST(StoreConformanceTest, DeletingAnAbsentKeyIsANoOp) {
  const ChangeRecord record = Record(1, {Delete(testing::SamplePrincipal(1))});
  ASSERT_TRUE(this->Commit({record}).ok());
  this->ExpectState({}, 1, {record});
}

TYPED_TEST(StoreConformanceTest, LaterMutationInABatchWins) {
  Principal renamed = testing::SamplePrincipal(1);
  renamed.display_name = "second";
  const std::vector<ChangeRecord> records = {
      Record(1,
             {Create(testing::SamplePrincipal(1)), Update(testing::SamplePrincipal(1), renamed)}),
      Record(2, {Create(testing::SampleScope(1)), Delete(testing::SampleScope(1))})};
  ASSERT_TRUE(this->Commit(records).ok());
  this->ExpectState({renamed}, 2, records);
}

TYPED_TEST(StoreConformanceTest, EmptyCommitIsANoOp) {
  ASSERT_TRUE(this->Commit({}).ok());
  this->ExpectState({}, 0, {});
}

TYPED_TEST(StoreConformanceTest, RecordWithoutMutationsAdvancesTheRevision) {
  const ChangeRecord record = Record(3, {});
  ASSERT_TRUE(this->Commit({record}).ok());
  this->ExpectState({}, 3, {record});
}

TYPED_TEST(StoreConformanceTest, RevisionNotAboveTheLastIsRejectedAndLeavesNothing) {
  const ChangeRecord first = Record(5, CreateAll(SampleEntities(1)));
  ASSERT_TRUE(this->Commit({first}).ok());
  for (Revision revision : {Revision{5}, Revision{4}, Revision{0}, Revision{-1}}) {
    absl::Status status = this->Commit({Record(revision, CreateAll(SampleEntities(2)))});
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << revision;
  }
  this->ExpectState(SampleEntities(1), 5, {first});
}

TYPED_TEST(StoreConformanceTest, RevisionZeroIsRejectedOnAnEmptyStore) {
  EXPECT_EQ(this->Commit({Record(0, {})}).code(), absl::StatusCode::kFailedPrecondition);
  this->ExpectState({}, 0, {});
}

TYPED_TEST(StoreConformanceTest, NonIncreasingRevisionsInOneBatchAreRejectedWhole) {
  for (const auto& [a, b] : {std::pair<Revision, Revision>{7, 7}, {8, 6}}) {
    const absl::Status status = this->Commit(
        {Record(a, CreateAll(SampleEntities(1))), Record(b, CreateAll(SampleEntities(2)))});
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  }
  this->ExpectState({}, 0, {});
}

TYPED_TEST(StoreConformanceTest, RevisionsMayHaveGaps) {
  const std::vector<ChangeRecord> records = {Record(2, {}), Record(10, {}), Record(11, {})};
  ASSERT_TRUE(this->Commit(records).ok());
  this->ExpectState({}, 11, records);
}

TYPED_TEST(StoreConformanceTest, InconsistentMutationIsInvalidArgumentAndAppliesNothing) {
  const Principal p = testing::SamplePrincipal(1);
  const Schedule s = testing::SampleSchedule(1);
  std::vector<Mutation> bad;
  bad.push_back(Mutation{EntityKind::kSchedule, KeyOf(p), std::nullopt, p});      // wrong kind
  bad.push_back(Mutation{EntityKind::kPrincipal, "other-key", std::nullopt, p});  // wrong key
  bad.push_back(Mutation{EntityKind::kPrincipal, KeyOf(p), s, p});  // before of another kind
  bad.push_back(Mutation{EntityKind::kPrincipal, "", std::nullopt, std::nullopt});  // no key
  bad.push_back(Mutation{static_cast<EntityKind>(42), "k", std::nullopt, std::nullopt});
  for (const Mutation& m : bad) {
    // The bad mutation comes last in the second record, after valid ones.
    const absl::Status status = this->Commit(
        {Record(1, CreateAll(SampleEntities(1))), Record(2, {Create(SampleEntities(2)[0]), m})});
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  }
  this->ExpectState({}, 0, {});
}

TYPED_TEST(StoreConformanceTest, MultiRecordCommitAppliesEveryRecord) {
  const std::vector<Entity> a = SampleEntities(1);
  const std::vector<Entity> b = SampleEntities(2);
  const std::vector<ChangeRecord> records = {Record(1, CreateAll(a)), Record(2, CreateAll(b)),
                                             Record(3, {Delete(a[0]), Delete(b[0])})};
  ASSERT_TRUE(this->Commit(records).ok());
  std::vector<Entity> expected(a.begin() + 1, a.end());
  expected.insert(expected.end(), b.begin() + 1, b.end());
  this->ExpectState(expected, 3, records);
}

TYPED_TEST(StoreConformanceTest, ReadChangesHonoursAfterLimitAndOrder) {
  const std::vector<ChangeRecord> records = {
      Record(1, {Create(testing::SamplePrincipal(1))}),
      Record(2, {Create(testing::SampleSchedule(1))}),
      Record(5, {Update(testing::SampleSchedule(1), testing::SampleSchedule(1))}),
      Record(9, {Delete(testing::SamplePrincipal(1))})};
  ASSERT_TRUE(this->Commit({records[0], records[1]}).ok());
  ASSERT_TRUE(this->Commit({records[2]}).ok());
  ASSERT_TRUE(this->Commit({records[3]}).ok());

  using V = std::vector<ChangeRecord>;
  EXPECT_EQ(this->MustReadChanges(0, 100), records);
  EXPECT_EQ(this->MustReadChanges(-7, 100), records);
  EXPECT_EQ(this->MustReadChanges(0, 2), (V{records[0], records[1]}));
  EXPECT_EQ(this->MustReadChanges(1, 2), (V{records[1], records[2]}));
  EXPECT_EQ(this->MustReadChanges(2, 100), (V{records[2], records[3]}));
  EXPECT_EQ(this->MustReadChanges(3, 1), (V{records[2]}));
  EXPECT_EQ(this->MustReadChanges(8, 100), (V{records[3]}));
  EXPECT_EQ(this->MustReadChanges(9, 100), V{});
  EXPECT_EQ(this->MustReadChanges(100, 100), V{});
  EXPECT_EQ(this->MustReadChanges(0, 0), V{});
  EXPECT_EQ(this->MustReadChanges(0, std::numeric_limits<std::size_t>::max()), records);
}

TYPED_TEST(StoreConformanceTest, RequestOriginRoundTripsAndMayBeEmpty) {
  ChangeRecord from_client = Record(1, {Create(testing::SamplePrincipal(1))});
  from_client.correlation_id = "client-req-7f3a";
  from_client.client_address = "2001:db8::17";
  ChangeRecord from_scheduler =
      Record(2, {Update(testing::SamplePrincipal(1), testing::SamplePrincipal(1))});
  ASSERT_TRUE(this->Commit({from_client, from_scheduler}).ok());
  const std::vector<ChangeRecord> read = this->MustReadChanges(0, 10);
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[0].correlation_id, "client-req-7f3a");
  EXPECT_EQ(read[0].client_address, "2001:db8::17");
  EXPECT_EQ(read[1].correlation_id, "");
  EXPECT_EQ(read[1].client_address, "");
  EXPECT_EQ(read, (std::vector<ChangeRecord>{from_client, from_scheduler}));
}

TYPED_TEST(StoreConformanceTest, ManyEntitiesRoundTrip) {
  std::vector<Entity> entities;
  for (int n = 0; n < 60; ++n) {
    for (Entity& e : SampleEntities(n)) entities.push_back(std::move(e));
  }
  // Some entities appear in several samples (shared keys): keep the last version only.
  std::vector<Mutation> mutations = CreateAll(entities);
  const ChangeRecord record = Record(1, mutations);
  ASSERT_TRUE(this->Commit({record}).ok());
  std::map<std::pair<EntityKind, std::string>, Entity> last;
  for (const Entity& e : entities) last.insert_or_assign({KindOf(e), KeyOf(e)}, e);
  std::vector<Entity> expected;
  for (auto& [key, e] : last) expected.push_back(e);
  EXPECT_TRUE(this->MustLoad().entities == SortedByKey(expected));
}

// Every entity is shown to Observe once, before Add takes it, and ObserveEnd follows the last
// Observe; a store may run those on another thread (the SQLite store does).
TYPED_TEST(StoreConformanceTest, EachEntityIsObservedOnceBeforeItIsAdded) {
  std::vector<Entity> entities;
  for (int n = 0; n < 20; ++n) {
    for (Entity& e : SampleEntities(n)) entities.push_back(std::move(e));
  }
  ASSERT_TRUE(this->Commit({Record(1, CreateAll(entities))}).ok());
  struct Recorder final : EntitySink {
    absl::Mutex mu;
    std::map<std::pair<EntityKind, std::string>, int> observed ABSL_GUARDED_BY(mu);
    int observes_after_end ABSL_GUARDED_BY(mu) = 0;
    bool ended ABSL_GUARDED_BY(mu) = false;
    int ends ABSL_GUARDED_BY(mu) = 0;
    std::vector<std::string> problems ABSL_GUARDED_BY(mu);
    std::vector<Entity> added;
    void See(const Entity& e) {
      absl::MutexLock lock(&mu);
      if (ended) ++observes_after_end;
      ++observed[{KindOf(e), KeyOf(e)}];
    }
    void Observe(const Schedule& schedule) override { See(Entity(schedule)); }
    void Observe(const Entity& entity) override {
      if (std::holds_alternative<Schedule>(entity)) {
        absl::MutexLock lock(&mu);
        problems.push_back("a schedule observed as an Entity");
      }
      See(entity);
    }
    void ObserveEnd() override {
      absl::MutexLock lock(&mu);
      ended = true;
      ++ends;
    }
    void Add(Entity&& entity) override {
      absl::MutexLock lock(&mu);
      if (observed[{KindOf(entity), KeyOf(entity)}] != 1) {
        problems.push_back(absl::StrCat("added before it was observed: ", KeyOf(entity)));
      }
      added.push_back(std::move(entity));
    }
  } recorder;
  ASSERT_TRUE(this->store().LoadInto(recorder).ok());
  StoreContents loaded = this->MustLoad();  // before locking: the store locks its own mutex
  absl::MutexLock lock(&recorder.mu);
  EXPECT_TRUE(recorder.problems.empty()) << recorder.problems.front();
  EXPECT_EQ(recorder.ends, 1);
  EXPECT_EQ(recorder.observes_after_end, 0);
  EXPECT_EQ(recorder.observed.size(), recorder.added.size());
  for (const auto& [key, count] : recorder.observed) EXPECT_EQ(count, 1) << key.second;
  EXPECT_TRUE(SortedByKey(std::move(recorder.added)) == loaded.entities);
  EXPECT_GT(loaded.entities.size(), 20U);
}

// Retention: the change log loses its head, the anchor says where it now starts.

ChangeLogAnchor AnchorAt(Revision revision) {
  ChangeLogAnchor anchor;
  anchor.revision = revision;
  anchor.at = absl::FromUnixSeconds(1767600000) + absl::Seconds(revision);
  anchor.chain_hash = std::string(64, 'a');
  anchor.key_id = "audit-key-1";
  anchor.signature = "c2lnbmF0dXJl";
  return anchor;
}

TYPED_TEST(StoreConformanceTest, FreshStoreHasTheEmptyAnchor) {
  absl::StatusOr<ChangeLogAnchor> anchor = this->store().ReadAnchor();
  ASSERT_TRUE(anchor.ok()) << anchor.status();
  EXPECT_EQ(*anchor, ChangeLogAnchor{});
}

TYPED_TEST(StoreConformanceTest, DeleteChangesThroughDropsTheHeadAndKeepsEntities) {
  const std::vector<ChangeRecord> records = {Record(1, CreateAll(SampleEntities(1))), Record(2, {}),
                                             Record(4, {}), Record(5, {})};
  ASSERT_TRUE(this->Commit(records).ok());
  ASSERT_TRUE(this->store().DeleteChangesThrough(AnchorAt(2)).ok());

  const StoreContents contents = this->MustLoad();
  EXPECT_EQ(contents.revision, 5);
  EXPECT_TRUE(contents.entities == SortedByKey(SampleEntities(1)));
  EXPECT_EQ(this->MustReadChanges(0, 100), (std::vector<ChangeRecord>{records[2], records[3]}));
  EXPECT_EQ(this->MustReadChanges(1, 1), (std::vector<ChangeRecord>{records[2]}));
  EXPECT_EQ(this->MustReadChanges(4, 100), (std::vector<ChangeRecord>{records[3]}));
  absl::StatusOr<ChangeLogAnchor> anchor = this->store().ReadAnchor();
  ASSERT_TRUE(anchor.ok()) << anchor.status();
  EXPECT_EQ(*anchor, AnchorAt(2));
}

TYPED_TEST(StoreConformanceTest, DeletingEveryRecordKeepsTheRevision) {
  ASSERT_TRUE(this->Commit({Record(1, {}), Record(2, {})}).ok());
  ASSERT_TRUE(this->store().DeleteChangesThrough(AnchorAt(2)).ok());
  EXPECT_TRUE(this->MustReadChanges(0, 100).empty());
  EXPECT_EQ(this->MustLoad().revision, 2);
  // Commits continue after the anchor, never at or below it.
  EXPECT_EQ(this->Commit({Record(2, {})}).code(), absl::StatusCode::kFailedPrecondition);
  const ChangeRecord next = Record(3, {});
  ASSERT_TRUE(this->Commit({next}).ok());
  EXPECT_EQ(this->MustReadChanges(0, 100), std::vector<ChangeRecord>{next});
}

TYPED_TEST(StoreConformanceTest, AnchorMovesOnlyForwardToAnExistingRecord) {
  ASSERT_TRUE(this->Commit({Record(1, {}), Record(2, {}), Record(4, {})}).ok());
  ASSERT_TRUE(this->store().DeleteChangesThrough(AnchorAt(2)).ok());
  EXPECT_EQ(this->store().DeleteChangesThrough(AnchorAt(2)).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(this->store().DeleteChangesThrough(AnchorAt(1)).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(this->store().DeleteChangesThrough(AnchorAt(3)).code(),
            absl::StatusCode::kFailedPrecondition);  // no record 3
  EXPECT_EQ(this->store().DeleteChangesThrough(AnchorAt(9)).code(),
            absl::StatusCode::kFailedPrecondition);  // past the log
  EXPECT_EQ(this->store().DeleteChangesThrough(AnchorAt(0)).code(),
            absl::StatusCode::kInvalidArgument);
  ChangeLogAnchor no_hash = AnchorAt(4);
  no_hash.chain_hash.clear();
  EXPECT_EQ(this->store().DeleteChangesThrough(no_hash).code(), absl::StatusCode::kInvalidArgument);
  // Nothing of the refused calls applied.
  EXPECT_EQ(this->MustReadChanges(0, 100), std::vector<ChangeRecord>{Record(4, {})});
  EXPECT_EQ(*this->store().ReadAnchor(), AnchorAt(2));
}

}  // namespace
}  // namespace pim
