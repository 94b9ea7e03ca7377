#include "pim/store/fault_injection_store.h"

#include "gtest/gtest.h"
#include "pim/store/memory_store.h"
#include "unit/store/sample_entities.h"

namespace pim {
namespace {

using testing::Create;
using testing::Record;

class FaultInjectionStoreTest : public ::testing::Test {
 protected:
  absl::Status CommitRevision(Revision r) {
    const std::vector<ChangeRecord> records = {
        Record(r, {Create(testing::SampleSchedule(static_cast<int>(r)))})};
    return store_.Commit(records);
  }
  Revision BaseRevision() {
    absl::StatusOr<StoreContents> contents = base_.Load();
    EXPECT_TRUE(contents.ok());
    return contents.ok() ? contents->revision : -1;
  }

  MemoryStore base_;
  FaultInjectionStore store_{base_};
};

TEST_F(FaultInjectionStoreTest, PassesThroughWhenNothingIsArmed) {
  ASSERT_TRUE(CommitRevision(1).ok());
  EXPECT_EQ(BaseRevision(), 1);
  absl::StatusOr<StoreContents> contents = store_.Load();
  ASSERT_TRUE(contents.ok());
  EXPECT_EQ(contents->entities.size(), 1u);
  absl::StatusOr<std::vector<ChangeRecord>> changes = store_.ReadChanges(0, 10);
  ASSERT_TRUE(changes.ok());
  EXPECT_EQ(changes->size(), 1u);
  // The base's own errors come back unchanged.
  EXPECT_EQ(CommitRevision(1).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_.commits_seen(), 2);
  EXPECT_EQ(store_.commits_failed(), 0);
}

TEST_F(FaultInjectionStoreTest, FailsExactlyTheNthCommitWithoutReachingTheBase) {
  store_.FailCommitNumber(2);
  ASSERT_TRUE(CommitRevision(1).ok());
  EXPECT_EQ(CommitRevision(2).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(BaseRevision(), 1);
  EXPECT_TRUE(CommitRevision(2).ok());  // the retry goes through
  EXPECT_EQ(BaseRevision(), 2);
  EXPECT_EQ(store_.commits_seen(), 3);
  EXPECT_EQ(store_.commits_failed(), 1);
}

TEST_F(FaultInjectionStoreTest, CountsFromNowAndSeveralMayBePending) {
  ASSERT_TRUE(CommitRevision(1).ok());
  store_.FailCommitNumber(1);
  store_.FailCommitNumber(3);
  store_.FailCommitNumber(0);   // ignored
  store_.FailCommitNumber(-4);  // ignored
  EXPECT_EQ(CommitRevision(2).code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(CommitRevision(2).ok());
  EXPECT_EQ(CommitRevision(3).code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(CommitRevision(3).ok());
  EXPECT_TRUE(CommitRevision(4).ok());
  EXPECT_EQ(store_.commits_failed(), 2);
  EXPECT_EQ(BaseRevision(), 4);
}

TEST_F(FaultInjectionStoreTest, FailAllCommitsUntilCleared) {
  store_.FailAllCommits(true);
  EXPECT_EQ(CommitRevision(1).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CommitRevision(1).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(BaseRevision(), 0);
  store_.FailAllCommits(false);
  EXPECT_TRUE(CommitRevision(1).ok());
  EXPECT_EQ(store_.commits_seen(), 3);
  EXPECT_EQ(store_.commits_failed(), 2);
}

TEST_F(FaultInjectionStoreTest, RetentionFailsWhileEveryWriteFailsAndDeletesNothing) {
  ASSERT_TRUE(CommitRevision(1).ok());
  ASSERT_TRUE(CommitRevision(2).ok());
  ChangeLogAnchor anchor;
  anchor.revision = 1;
  anchor.chain_hash = std::string(64, 'a');
  store_.FailAllCommits(true);
  EXPECT_EQ(store_.DeleteChangesThrough(anchor).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(base_.ReadChanges(0, 10)->size(), 2u);
  EXPECT_EQ(store_.ReadAnchor()->revision, 0);
  store_.FailAllCommits(false);
  ASSERT_TRUE(store_.DeleteChangesThrough(anchor).ok());
  EXPECT_EQ(base_.ReadChanges(0, 10)->size(), 1u);
  EXPECT_EQ(store_.ReadAnchor()->revision, 1);
}

}  // namespace
}  // namespace pim
