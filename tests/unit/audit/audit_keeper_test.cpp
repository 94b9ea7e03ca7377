// The audit keeper: retention that deletes old change records and leaves a chain that still
// verifies from a signed anchor, and the start-up check that notices a change log edited in
// the database since pimd sealed it.
#include "pim/audit/audit_keeper.h"

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "pim/store/sqlite_checkpoint_store.h"
#include "pim/store/sqlite_store.h"
#include "unit/audit/audit_fixture.h"

namespace pim::testing {
namespace {

// Sealed checkpoints in memory.
class MemoryCheckpointStore final : public audit::CheckpointStore {
 public:
  absl::Status Put(const audit::Checkpoint& c) override {
    absl::MutexLock lock(&mu_);
    rows_[c.seq] = c;
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<audit::Checkpoint>> List(std::int64_t from) override {
    absl::MutexLock lock(&mu_);
    std::vector<audit::Checkpoint> out;
    for (auto it = rows_.lower_bound(from); it != rows_.end(); ++it) out.push_back(it->second);
    return out;
  }
  absl::Status DeleteBefore(std::int64_t seq) override {
    absl::MutexLock lock(&mu_);
    rows_.erase(rows_.begin(), rows_.lower_bound(seq));
    return absl::OkStatus();
  }

 private:
  absl::Mutex mu_;
  std::map<std::int64_t, audit::Checkpoint> rows_ ABSL_GUARDED_BY(mu_);
};

void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error != nullptr ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

class AuditKeeperTest : public AuditTest {
 protected:
  static audit::AuditOptions Keeping(absl::Duration retention) {
    audit::AuditOptions o = SmallChain();
    o.retention = retention;
    return o;
  }
  // A keeper as pimd makes one at start-up, already checked.
  std::unique_ptr<audit::AuditKeeper> Start(audit::AuditOptions options = SmallChain()) {
    auto keeper = std::make_unique<audit::AuditKeeper>(*store_, sealed_, *keys_, clock_, options);
    auto status = keeper->CheckAtStartup();
    EXPECT_TRUE(status.ok()) << status.status();
    return keeper;
  }
  std::vector<ChangeRecord> Log() {
    auto records = store_->ReadChanges(0, 100000);
    EXPECT_TRUE(records.ok()) << records.status();
    return records.ok() ? *records : std::vector<ChangeRecord>{};
  }

  MemoryCheckpointStore sealed_;
};

TEST_F(AuditKeeperTest, RetentionDeletesOldRecordsAndTheExportVerifiesFromTheAnchor) {
  MakeHistory();  // ends two hours after T0
  const Revision old_revision = engine_->revision();
  clock_.Advance(absl::Hours(24 * 40));
  for (int i = 0; i < 4; ++i) AddUser("late" + std::to_string(i));
  const audit::AuditOptions options = Keeping(absl::Hours(24 * 30));
  auto keeper = Start(options);

  auto result = keeper->ApplyRetention(clock_.Now(), std::nullopt, /*batch=*/3);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->deleted, old_revision);
  EXPECT_EQ(result->anchor, old_revision);
  EXPECT_FALSE(result->held_back);
  const std::vector<ChangeRecord> log = Log();
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log.front().revision, old_revision + 1);
  // The anchor is signed by the audit key, as an anchor (not as a checkpoint), and the
  // checkpoint at the same seq is sealed.
  const ChangeLogAnchor anchor = *store_->ReadAnchor();
  EXPECT_EQ(anchor.revision, old_revision);
  const audit::Checkpoint signed_anchor{anchor.revision, anchor.chain_hash, anchor.at,
                                        anchor.key_id, anchor.signature};
  EXPECT_TRUE(audit::AnchorSignatureValid(signed_anchor, Trusted().front()));
  EXPECT_FALSE(audit::CheckpointSignatureValid(signed_anchor, Trusted().front()));
  EXPECT_EQ(sealed_.List(0)->front().seq, old_revision);

  const std::vector<std::string> lines = Lines(Export({}, options));
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(Parse(lines[0]).at("anchor").at("seq").as_int64(), old_revision);
  EXPECT_EQ(Parse(lines[0]).at("anchor").at("hash").as_string(), anchor.chain_hash);
  EXPECT_EQ(TypeOf(lines[1]), "checkpoint");  // the anchor, signed
  EXPECT_EQ(SeqOf(lines[1]), old_revision);
  EXPECT_EQ(SeqOf(lines[2]), old_revision + 1);
  const audit::VerificationReport report = Verify(Join(lines));
  EXPECT_TRUE(report.ok()) << report.findings.front().message;
  EXPECT_EQ(report.entries, 4u);
  EXPECT_EQ(report.first_seq, old_revision + 1);
  EXPECT_EQ(report.anchor_seq, old_revision);
  EXPECT_TRUE(absl::StrContains(absl::StrJoin(report.notes, "\n"), "retention"));
}

// The chain after retention is the same chain: the entries kept have the hashes they had.
TEST_F(AuditKeeperTest, RetainedEntriesKeepTheirHashes) {
  MakeHistory();
  clock_.Advance(absl::Hours(24 * 40));
  for (int i = 0; i < 4; ++i) AddUser("late" + std::to_string(i));
  const std::vector<std::string> before = Lines(Export());
  auto keeper = Start(Keeping(absl::Hours(24 * 30)));
  ASSERT_TRUE(keeper->ApplyRetention(clock_.Now(), std::nullopt).ok());
  const std::vector<std::string> after = Lines(Export());
  EXPECT_EQ(after.back(), before.back());  // the final checkpoint: same seq, hash, signature
}

TEST_F(AuditKeeperTest, RetentionStopsAtTheLowestNotificationCursor) {
  MakeHistory();
  clock_.Advance(absl::Hours(24 * 40));
  AddUser("late");
  auto keeper = Start(Keeping(absl::Hours(24 * 30)));
  auto result = keeper->ApplyRetention(clock_.Now(), Revision{3});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->deleted, 3);
  EXPECT_EQ(result->anchor, 3);
  EXPECT_TRUE(result->held_back);
  EXPECT_EQ(result->limit, 3);
  EXPECT_EQ(Log().front().revision, 4);
  // The channel catches up: the next run deletes the rest of what is old.
  result = keeper->ApplyRetention(clock_.Now(), std::nullopt);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->held_back);
  EXPECT_EQ(Log().size(), 1u);
  EXPECT_TRUE(Verify(Export()).ok());
}

TEST_F(AuditKeeperTest, ZeroRetentionAndRecentRecordsKeepEverything) {
  MakeHistory();
  const std::size_t all = Log().size();
  auto keep_all = Start();
  clock_.Advance(absl::Hours(24 * 400));
  auto result = keep_all->ApplyRetention(clock_.Now(), std::nullopt);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->deleted, 0);
  auto keep_month = Start(Keeping(absl::Hours(24 * 30)));
  result = keep_month->ApplyRetention(T0() + absl::Hours(24), std::nullopt);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->deleted, 0);
  EXPECT_EQ(Log().size(), all);
  EXPECT_EQ(store_->ReadAnchor()->revision, 0);
}

// The engine loads entities, not the log: it reopens on a truncated log, at the same revision,
// and its new changes continue the chain.
TEST_F(AuditKeeperTest, EngineRestartsOnATruncatedLogAndTheChainContinues) {
  MakeHistory();
  clock_.Advance(absl::Hours(24 * 40));
  const Revision revision = engine_->revision();
  auto keeper = Start(Keeping(absl::Hours(24 * 30)));
  ASSERT_TRUE(keeper->ApplyRetention(clock_.Now(), std::nullopt).ok());
  EXPECT_TRUE(Log().empty());  // everything was old
  // The export of an empty retained log still shows, signed, where it starts.
  const std::vector<std::string> lines = Lines(Export());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(TypeOf(lines[1]), "checkpoint");
  EXPECT_EQ(SeqOf(lines[1]), revision);
  EXPECT_TRUE(Verify(Join(lines)).ok());
  Open();
  EXPECT_EQ(engine_->revision(), revision);
  AddUser("after-restart");
  EXPECT_EQ(Log().front().revision, revision + 1);
  const audit::VerificationReport report = Verify(Export());
  EXPECT_TRUE(report.ok()) << report.findings.front().message;
  EXPECT_EQ(report.entries, 1u);
  // And the next start-up check agrees with what was sealed.
  auto restarted = Start(Keeping(absl::Hours(24 * 30)));
  EXPECT_TRUE(restarted->status().intact) << restarted->status().message;
}

// Against the SQLite store, edited behind pimd's back between two starts.
class AuditKeeperTamperTest : public AuditKeeperTest {
 protected:
  void SetUp() override {
    auto store = SqliteStore::Open(dir_.File("pim.db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    AuditKeeperTest::SetUp();
    MakeHistory();  // 10 or more records: checkpoints at 5, 10, ... and the head
    auto first = Start();
    ASSERT_TRUE(first->status().intact);
    revision_ = engine_->revision();
    ASSERT_GE(revision_, 10);
    EXPECT_EQ(first->status().sealed_seq, revision_);
  }
  std::string Db() { return dir_.File("pim.db"); }

  Revision revision_ = 0;
};

TEST_F(AuditKeeperTamperTest, UntouchedLogIsIntactAfterARestart) {
  AddUser("later");
  auto keeper = Start();
  EXPECT_TRUE(keeper->status().intact) << keeper->status().message;
  EXPECT_EQ(keeper->status().sealed_seq, revision_ + 1);
}

TEST_F(AuditKeeperTamperTest, EditedRecordIsFoundAtTheNextCheckpoint) {
  RawExec(Db(),
          "UPDATE changes SET body = replace(body, '\"detail\":\"', '\"detail\":\"edited ') "
          "WHERE revision = 7");
  auto keeper = Start();
  const audit::ChainStatus status = keeper->status();
  EXPECT_TRUE(status.checked);
  EXPECT_FALSE(status.intact);
  EXPECT_GT(status.mismatch_seq, 0);
  EXPECT_TRUE(absl::StrContains(status.message, "no longer matches")) << status.message;
  // Nothing is sealed or deleted over the altered log.
  EXPECT_EQ(keeper->Seal().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(keeper->ApplyRetention(clock_.Now(), std::nullopt).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // An export says so, and verification reports it, although the re-derived chain is
  // consistent in itself.
  audit::AuditLog log(*store_, *keys_, clock_, SmallChain());
  log.SetChainStatus([&] { return keeper->status(); });
  std::string out;
  ASSERT_TRUE(log.Export({}, {}, [&out](std::string_view piece) { out += piece; }).ok());
  const audit::VerificationReport report = Verify(out);
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].kind, audit::FindingKind::kServerChainAltered);
  EXPECT_EQ(report.findings[0].seq, status.mismatch_seq);
}

TEST_F(AuditKeeperTamperTest, AnExportNeverSignsARecordEditedWhilePimdRuns) {
  audit::AuditLog log(*store_, *keys_, clock_, SmallChain());
  const auto discard = [](std::string_view) {};
  ASSERT_TRUE(log.Export({}, {}, discard).ok());
  // Edited in the running server's database, after the last start-up check.
  RawExec(Db(),
          "UPDATE changes SET body = replace(body, '\"detail\":\"', '\"detail\":\"edited ') "
          "WHERE revision = 7");
  const auto again = log.Export({}, {}, discard);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kDataLoss) << again.status();
}

TEST_F(AuditKeeperTamperTest, RecordDeletedFromTheEndIsFound) {
  RawExec(Db(), "DELETE FROM changes WHERE revision = " + std::to_string(revision_));
  auto keeper = Start();
  EXPECT_FALSE(keeper->status().intact);
  EXPECT_EQ(keeper->status().mismatch_seq, revision_);
  EXPECT_TRUE(absl::StrContains(keeper->status().message, "deleted")) << keeper->status().message;
}

TEST_F(AuditKeeperTamperTest, RecordDeletedFromTheMiddleIsFound) {
  RawExec(Db(), "DELETE FROM changes WHERE revision = 5");  // a checkpoint was sealed at 5
  auto keeper = Start();
  EXPECT_FALSE(keeper->status().intact);
  EXPECT_EQ(keeper->status().mismatch_seq, 5);
}

TEST_F(AuditKeeperTamperTest, ForgedAnchorIsFound) {
  // Someone deletes the head of the log and writes an anchor without the audit key.
  RawExec(Db(),
          "DELETE FROM changes WHERE revision <= 6; INSERT INTO change_log_anchor (id, revision, "
          "at_ns, chain_hash, key_id, signature) VALUES (1, 6, 0, '" +
              std::string(64, 'c') + "', 'forged', 'AAAA')");
  auto keeper = Start();
  EXPECT_FALSE(keeper->status().intact);
  EXPECT_EQ(keeper->status().mismatch_seq, 6);
  EXPECT_TRUE(absl::StrContains(keeper->status().message, "anchor")) << keeper->status().message;
}

TEST_F(AuditKeeperTamperTest, ACheckpointPassedOffAsTheAnchorIsFound) {
  // Without the key, someone deletes the head of the log and copies the checkpoint sealed at 5
  // (or one from any export) into the anchor: its signature is genuine, but not an anchor's.
  const std::vector<audit::Checkpoint> sealed = *sealed_.List(0);
  const auto at_five = std::find_if(sealed.begin(), sealed.end(),
                                    [](const audit::Checkpoint& c) { return c.seq == 5; });
  ASSERT_NE(at_five, sealed.end());
  RawExec(Db(), absl::StrCat("DELETE FROM changes WHERE revision <= 5; INSERT INTO "
                             "change_log_anchor (id, revision, at_ns, chain_hash, key_id, "
                             "signature) VALUES (1, 5, ",
                             absl::ToUnixNanos(at_five->at), ", '", at_five->hash, "', '",
                             at_five->key_id, "', '", at_five->signature, "')"));
  auto keeper = Start();
  EXPECT_FALSE(keeper->status().intact);
  EXPECT_EQ(keeper->status().mismatch_seq, 5);
  EXPECT_TRUE(absl::StrContains(keeper->status().message, "anchor")) << keeper->status().message;
}

TEST_F(AuditKeeperTamperTest, RetentionThenRestartIsIntactAndSealedCheckpointsPersist) {
  // The same, with the checkpoints in their own SQLite file, as pimd keeps them.
  auto file = SqliteCheckpointStore::Open(dir_.File("audit-checkpoints.db"));
  ASSERT_TRUE(file.ok()) << file.status();
  clock_.Advance(absl::Hours(24 * 40));
  AddUser("late");
  {
    audit::AuditKeeper keeper(*store_, **file, *keys_, clock_, Keeping(absl::Hours(24 * 30)));
    ASSERT_TRUE(keeper.CheckAtStartup().ok());
    auto result = keeper.ApplyRetention(clock_.Now(), std::nullopt, 4);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->deleted, revision_);
  }
  file->reset();
  file = SqliteCheckpointStore::Open(dir_.File("audit-checkpoints.db"));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ((*file)->List(0)->front().seq, revision_);  // older ones went with the records
  audit::AuditKeeper restarted(*store_, **file, *keys_, clock_, Keeping(absl::Hours(24 * 30)));
  auto status = restarted.CheckAtStartup();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_TRUE(status->intact) << status->message;
  EXPECT_EQ(status->anchor_seq, revision_);
  // Editing the retained record is still found.
  RawExec(Db(), "UPDATE changes SET body = replace(body, '\"detail\":\"', '\"detail\":\"x')");
  audit::AuditKeeper third(*store_, **file, *keys_, clock_, SmallChain());
  EXPECT_FALSE(third.CheckAtStartup()->intact);
}

}  // namespace
}  // namespace pim::testing
