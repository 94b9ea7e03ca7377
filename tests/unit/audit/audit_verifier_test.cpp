// Verification of exports, and tampering with a copy of one: each kind of change is named with
// its line and seq.
#include "pim/audit/audit_verifier.h"

#include "pim/identity/base64url.h"
#include "unit/audit/audit_fixture.h"

namespace pim::testing {
namespace {

using audit::FindingKind;

class AuditVerifierTest : public AuditTest {
 protected:
  void SetUp() override {
    AuditTest::SetUp();
    MakeHistory();
    text_ = Export();
    lines_ = Lines(text_);
    ASSERT_GT(lines_.size(), 20u);
  }

  // The findings of `lines` as (kind, line, seq) for exact comparison.
  struct Named {
    FindingKind kind;
    std::int64_t line;
    std::int64_t seq;
    friend bool operator==(const Named&, const Named&) = default;
    friend std::ostream& operator<<(std::ostream& os, const Named& n) {
      return os << audit::FindingKindName(n.kind) << "@line" << n.line << "/seq" << n.seq;
    }
  };
  std::vector<Named> FindingsOf(const std::vector<std::string>& lines) {
    const audit::VerificationReport report = Verify(Join(lines));
    std::vector<Named> out;
    for (const auto& f : report.findings) {
      out.push_back({f.kind, f.line, f.seq});
      std::cerr << "  finding: " << audit::FindingKindName(f.kind) << " line " << f.line << " seq "
                << f.seq << ": " << f.message << "\n";
    }
    return out;
  }
  // An entry seq that is not at a checkpoint boundary (nor next to one), in the middle.
  std::int64_t MiddleSeq() const {
    const std::int64_t last = SeqOf(lines_[lines_.size() - 2]);
    std::int64_t seq = last / 2;
    while (seq % 5 == 0 || (seq + 1) % 5 == 0 || (seq - 1) % 5 == 0 || (seq + 2) % 5 == 0) ++seq;
    return seq;
  }
  static std::int64_t LineNo(std::size_t index) { return static_cast<std::int64_t>(index) + 1; }

  std::string text_;
  std::vector<std::string> lines_;
};

TEST_F(AuditVerifierTest, AnIntactExportVerifies) {
  const audit::VerificationReport report = Verify(text_);
  EXPECT_TRUE(report.ok()) << report.findings.front().message;
  EXPECT_FALSE(report.filtered);
  EXPECT_EQ(report.first_seq, 1);
  EXPECT_EQ(report.last_seq, engine_->revision());
  EXPECT_EQ(report.entries, static_cast<std::size_t>(engine_->revision()));
  // One every 5 entries, and one at the end unless the last entry had one.
  const std::size_t expected_checkpoints =
      static_cast<std::size_t>(engine_->revision() / 5 + (engine_->revision() % 5 != 0 ? 1 : 0));
  EXPECT_EQ(report.checkpoints, expected_checkpoints);
  EXPECT_EQ(report.valid_checkpoints, expected_checkpoints);
}

TEST_F(AuditVerifierTest, AnEditedFieldIsNamed) {
  const std::int64_t seq = MiddleSeq();
  const std::size_t i = IndexOfEntry(lines_, seq);
  boost::json::object line = Parse(lines_[i]);
  line["entry"].as_object()["detail"] = "nothing to see here";
  lines_[i] = boost::json::serialize(line);
  EXPECT_EQ(FindingsOf(lines_), (std::vector<Named>{{FindingKind::kEntryEdited, LineNo(i), seq}}));
}

TEST_F(AuditVerifierTest, AnEditedEntryWithTheChainRecomputedFailsAtTheNextCheckpoint) {
  const std::int64_t seq = MiddleSeq();
  const std::size_t i = IndexOfEntry(lines_, seq);
  // The forger edits the actor and recomputes every hash after it (but cannot sign).
  std::string prev = Parse(lines_[i]).at("prevHash").as_string().c_str();
  std::optional<std::size_t> next_checkpoint;
  for (std::size_t j = i; j < lines_.size(); ++j) {
    if (TypeOf(lines_[j]) != "entry") {
      if (!next_checkpoint) next_checkpoint = j;
      continue;
    }
    boost::json::object line = Parse(lines_[j]);
    if (j == i) line["entry"].as_object()["actor"].as_object()["id"] = "someone-else";
    line["prevHash"] = prev;
    prev = audit::ChainHash(prev, *audit::CanonicalJson(line["entry"]));
    line["hash"] = prev;
    lines_[j] = boost::json::serialize(line);
  }
  ASSERT_TRUE(next_checkpoint.has_value());
  const std::vector<Named> findings = FindingsOf(lines_);
  ASSERT_FALSE(findings.empty());
  EXPECT_EQ(findings.front(), (Named{FindingKind::kCheckpointMismatch, LineNo(*next_checkpoint),
                                     SeqOf(lines_[*next_checkpoint])}));
  for (const Named& f : findings) EXPECT_EQ(f.kind, FindingKind::kCheckpointMismatch);
}

TEST_F(AuditVerifierTest, AnInsertedCopyIsNamed) {
  const std::int64_t seq = MiddleSeq();
  const std::size_t i = IndexOfEntry(lines_, seq);
  lines_.insert(lines_.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                lines_[IndexOfEntry(lines_, seq - 1)]);
  EXPECT_EQ(FindingsOf(lines_),
            (std::vector<Named>{{FindingKind::kEntryInserted, LineNo(i + 1), seq - 1}}));
}

TEST_F(AuditVerifierTest, AnInsertedFabricatedEntryIsNamed) {
  // A well-formed entry that claims the next seq and links to its predecessor.
  const std::int64_t seq = MiddleSeq();
  const std::size_t i = IndexOfEntry(lines_, seq);
  boost::json::object fake = Parse(lines_[i + 1]);
  fake["entry"].as_object()["activity"] = "Add member to role completed (PIM activation)";
  fake["entry"].as_object()["actor"].as_object()["id"] = "mallory";
  fake["prevHash"] = Parse(lines_[i]).at("hash");
  fake["hash"] =
      audit::ChainHash(fake["prevHash"].as_string().c_str(), *audit::CanonicalJson(fake["entry"]));
  lines_.insert(lines_.begin() + static_cast<std::ptrdiff_t>(i) + 1, boost::json::serialize(fake));
  EXPECT_EQ(FindingsOf(lines_),
            (std::vector<Named>{{FindingKind::kEntryInserted, LineNo(i + 1), seq + 1}}));
}

TEST_F(AuditVerifierTest, ADeletedEntryIsNamed) {
  const std::int64_t seq = MiddleSeq();
  const std::size_t i = IndexOfEntry(lines_, seq);
  lines_.erase(lines_.begin() + static_cast<std::ptrdiff_t>(i));
  // Reported at the line that now follows the gap.
  EXPECT_EQ(FindingsOf(lines_), (std::vector<Named>{{FindingKind::kEntryDeleted, LineNo(i), seq}}));
}

TEST_F(AuditVerifierTest, ADeletedEntryBeforeACheckpointIsNamed) {
  const std::size_t i = IndexOfEntry(lines_, 10);
  ASSERT_EQ(TypeOf(lines_[i + 1]), "checkpoint");
  lines_.erase(lines_.begin() + static_cast<std::ptrdiff_t>(i));
  EXPECT_EQ(FindingsOf(lines_), (std::vector<Named>{{FindingKind::kEntryDeleted, LineNo(i), 10}}));
}

TEST_F(AuditVerifierTest, ReorderedEntriesAreNamed) {
  const std::int64_t seq = MiddleSeq();
  const std::size_t i = IndexOfEntry(lines_, seq);
  std::swap(lines_[i], lines_[i + 1]);  // seq+1 now comes before seq
  EXPECT_EQ(FindingsOf(lines_),
            (std::vector<Named>{{FindingKind::kEntryReordered, LineNo(i + 1), seq}}));
}

TEST_F(AuditVerifierTest, AnEntryMovedFurtherAwayIsNamed) {
  const std::int64_t seq = MiddleSeq();
  const std::size_t i = IndexOfEntry(lines_, seq);
  const std::string moved = lines_[i];
  lines_.erase(lines_.begin() + static_cast<std::ptrdiff_t>(i));
  lines_.insert(lines_.begin() + static_cast<std::ptrdiff_t>(i) + 2, moved);
  ASSERT_EQ(TypeOf(lines_[i + 1]), "entry");
  EXPECT_EQ(FindingsOf(lines_),
            (std::vector<Named>{{FindingKind::kEntryReordered, LineNo(i + 2), seq}}));
}

TEST_F(AuditVerifierTest, ADeletedCheckpointIsNamed) {
  const std::size_t i = IndexOfEntry(lines_, 10) + 1;
  ASSERT_EQ(TypeOf(lines_[i]), "checkpoint");
  lines_.erase(lines_.begin() + static_cast<std::ptrdiff_t>(i));
  EXPECT_EQ(FindingsOf(lines_),
            (std::vector<Named>{{FindingKind::kCheckpointMissing, LineNo(i), 10}}));
}

TEST_F(AuditVerifierTest, ADeletedFinalCheckpointIsNamed) {
  ASSERT_EQ(TypeOf(lines_.back()), "checkpoint");
  lines_.pop_back();
  const std::int64_t last = SeqOf(lines_.back());
  EXPECT_EQ(
      FindingsOf(lines_),
      (std::vector<Named>{{FindingKind::kCheckpointMissing, LineNo(lines_.size() - 1), last}}));
}

TEST_F(AuditVerifierTest, ACheckpointForgedWithAnotherKeyIsNamed) {
  const std::size_t i = IndexOfEntry(lines_, 10) + 1;
  const boost::json::object original = Parse(lines_[i]);
  const identity::SigningKey other = identity::SigningKey::Generate();
  audit::Checkpoint forged =
      audit::SignCheckpoint(10, std::string(original.at("hash").as_string()), clock_.Now(), other);
  lines_[i] = boost::json::serialize(audit::CheckpointToJson(forged));
  EXPECT_EQ(FindingsOf(lines_),
            (std::vector<Named>{{FindingKind::kCheckpointUnknownKey, LineNo(i), 10}}));

  // The same forgery under the trusted key's id.
  forged.key_id = keys_->current().kid();
  forged.signature = identity::Base64UrlEncode(other.Sign(audit::CanonicalCheckpoint(forged)));
  lines_[i] = boost::json::serialize(audit::CheckpointToJson(forged));
  EXPECT_EQ(FindingsOf(lines_),
            (std::vector<Named>{{FindingKind::kCheckpointSignatureInvalid, LineNo(i), 10}}));
}

TEST_F(AuditVerifierTest, AMalformedLineIsNamedAndTheRestStillVerifies) {
  const std::size_t i = IndexOfEntry(lines_, 7);
  lines_.insert(lines_.begin() + static_cast<std::ptrdiff_t>(i), "{\"type\":\"entry\",oops");
  EXPECT_EQ(FindingsOf(lines_), (std::vector<Named>{{FindingKind::kMalformedLine, LineNo(i), 0}}));
}

TEST_F(AuditVerifierTest, EveryTamperingInOneFileIsFoundAtOnce) {
  // Edit seq 3, delete seq 12, swap 17 and 18 (line numbers shift: count from the end).
  const std::size_t edit = IndexOfEntry(lines_, 3);
  boost::json::object line = Parse(lines_[edit]);
  line["entry"].as_object()["justification"] = "edited";
  lines_[edit] = boost::json::serialize(line);
  const std::size_t del = IndexOfEntry(lines_, 12);
  lines_.erase(lines_.begin() + static_cast<std::ptrdiff_t>(del));
  const std::size_t swap = IndexOfEntry(lines_, 17);
  std::swap(lines_[swap], lines_[swap + 1]);
  EXPECT_EQ(FindingsOf(lines_),
            (std::vector<Named>{{FindingKind::kEntryEdited, LineNo(edit), 3},
                                {FindingKind::kEntryDeleted, LineNo(del), 12},
                                {FindingKind::kEntryReordered, LineNo(swap + 1), 17}}));
}

TEST_F(AuditVerifierTest, AFilteredExportVerifiesEntryByEntryAndSaysSo) {
  audit::AuditQuery q;
  q.activity = "PIM activation";
  const std::string filtered = Export(q);
  audit::VerificationReport report = Verify(filtered);
  EXPECT_TRUE(report.ok());
  EXPECT_TRUE(report.filtered);
  EXPECT_EQ(report.entries, 2u);  // activation completed, activation expired
  EXPECT_FALSE(report.notes.empty());
  EXPECT_GT(report.valid_checkpoints, 0u);

  audit::VerifyOptions strict;
  strict.require_complete = true;
  report = Verify(filtered, strict);
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].kind, FindingKind::kNotComplete);

  std::vector<std::string> lines = Lines(filtered);
  for (std::string& l : lines) {
    if (TypeOf(l) != "entry") continue;
    boost::json::object o = Parse(l);
    o["entry"].as_object()["clientAddress"] = "203.0.113.66";
    l = boost::json::serialize(o);
    break;
  }
  report = Verify(Join(lines));
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].kind, FindingKind::kEntryEdited);
}

TEST_F(AuditVerifierTest, PagesConcatenatedVerifyAsOneExport) {
  std::string all;
  audit::AuditQuery q;
  q.limit = 4;
  int pages = 0;
  while (true) {
    std::optional<audit::ExportResult> result;
    all += Export(q, SmallChain(), &result);
    ++pages;
    ASSERT_TRUE(result.has_value());
    if (!result->next_after) break;
    q.after = *result->next_after;
    ASSERT_LT(pages, 100);
  }
  EXPECT_GT(pages, 3);
  const audit::VerificationReport report = Verify(all);
  EXPECT_TRUE(report.ok()) << report.findings.front().message;
  EXPECT_EQ(report.entries, static_cast<std::size_t>(engine_->revision()));
}

TEST_F(AuditVerifierTest, AnUntrustedKeyCannotAuthenticate) {
  std::istringstream in(text_);
  const audit::VerificationReport report = audit::VerifyAuditExport(in, {});
  ASSERT_FALSE(report.findings.empty());
  for (const auto& f : report.findings) {
    EXPECT_TRUE(f.kind == FindingKind::kCheckpointUnknownKey ||
                (f.kind == FindingKind::kHeaderNotSigned && f.line == 1))
        << f.message;
  }
  EXPECT_EQ(report.valid_checkpoints, 0u);
}

// The header says what the export holds; unsigned, a tamperer could claim "filtered" (which
// excuses deletions) or cut the start off and let a later checkpoint anchor what is left.
TEST_F(AuditVerifierTest, AHeaderEditedToClaimFilteredIsFound) {
  std::vector<std::string> lines = Lines(text_);
  auto header = boost::json::parse(lines[0]).as_object();
  header["filtered"] = true;
  lines[0] = boost::json::serialize(header);
  lines.erase(lines.begin() + 3);  // an entry deleted, which "filtered" would excuse
  const audit::VerificationReport report = Verify(Join(lines));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.findings.front().kind, FindingKind::kHeaderNotSigned);
}

TEST_F(AuditVerifierTest, EntriesCutFromTheStartAreFoundEvenWhenACheckpointFollows) {
  std::vector<std::string> lines = Lines(text_);
  // Everything after the header up to the first checkpoint line goes.
  std::size_t first_checkpoint = 1;
  while (TypeOf(lines[first_checkpoint]) != "checkpoint") ++first_checkpoint;
  lines.erase(lines.begin() + 1, lines.begin() + static_cast<std::ptrdiff_t>(first_checkpoint));
  const audit::VerificationReport report = Verify(Join(lines));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.findings.front().kind, FindingKind::kEntryDeleted)
      << report.findings.front().message;
  EXPECT_EQ(report.findings.front().seq, 1);
}

}  // namespace
}  // namespace pim::testing
