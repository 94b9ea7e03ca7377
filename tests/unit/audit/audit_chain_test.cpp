// The chain: the canonical encoding, the hash definition, determinism across restarts, signed
// checkpoints, and what an export contains.
#include "pim/audit/audit_chain.h"

#include "unit/audit/audit_fixture.h"

namespace pim::testing {
namespace {

class AuditChainTest : public AuditTest {};

TEST(CanonicalJsonTest, SortsKeysDropsWhitespaceAndEscapesOnlyWhatItMust) {
  const auto v = boost::json::parse(
      R"({ "b": 1, "a": "x\ny\u0001\"/é", "c": { "z": null, "y": [true, -3] } })");
  EXPECT_EQ(audit::CanonicalJson(v),
            "{\"a\":\"x\\ny\\u0001\\\"/\xc3\xa9\",\"b\":1,\"c\":{\"y\":[true,-3],\"z\":null}}");
}

TEST(CanonicalJsonTest, RefusesFloatingPointNumbers) {
  EXPECT_EQ(audit::CanonicalJson(boost::json::parse(R"({"a":1.5})")), std::nullopt);
}

TEST(ChainHashTest, IsSha256OfThePreviousHashBytesAndTheEntry) {
  // SHA-256 of 32 zero bytes.
  EXPECT_EQ(audit::ChainHash(audit::GenesisHash(), ""),
            "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925");
  EXPECT_NE(audit::ChainHash(audit::GenesisHash(), "{}"),
            audit::ChainHash(audit::GenesisHash(), ""));
  EXPECT_TRUE(audit::IsHashHex(audit::ChainHash(audit::GenesisHash(), "{}")));
}

TEST(AuditTimeTest, IsUtcToTheMicrosecond) {
  const absl::Time t = absl::FromUnixNanos(1767603600123456789);
  EXPECT_EQ(audit::FormatAuditTime(t), "2026-01-05T09:00:00.123456Z");
}

TEST_F(AuditChainTest, CheckpointsSignAndVerify) {
  const audit::Checkpoint c = audit::SignCheckpoint(42, audit::ChainHash(audit::GenesisHash(), "x"),
                                                    clock_.Now(), keys_->current());
  EXPECT_EQ(c.key_id, keys_->current().kid());
  const auto trusted = identity::VerificationKey::FromSigningKey(keys_->current());
  EXPECT_TRUE(audit::CheckpointSignatureValid(c, trusted));
  audit::Checkpoint altered = c;
  altered.seq = 43;
  EXPECT_FALSE(audit::CheckpointSignatureValid(altered, trusted));
  altered = c;
  altered.hash = audit::GenesisHash();
  EXPECT_FALSE(audit::CheckpointSignatureValid(altered, trusted));
  const auto other = identity::VerificationKey::FromSigningKey(identity::SigningKey::Generate());
  EXPECT_FALSE(audit::CheckpointSignatureValid(c, other));
}

TEST_F(AuditChainTest, TheChainIsDerivedTheSameWayEveryTime) {
  MakeHistory();
  const std::string first = Export();
  const std::string again = Export();  // a new AuditLog: as after a restart
  EXPECT_EQ(first, again);
  // Exporting only the tail yields the same hashes as the full export for those entries.
  audit::AuditQuery tail;
  tail.after = engine_->revision() - 3;
  const std::vector<std::string> full = Lines(first);
  const std::vector<std::string> part = Lines(Export(tail));
  for (const std::string& line : part) {
    if (TypeOf(line) != "entry") continue;
    EXPECT_EQ(line, full[IndexOfEntry(full, SeqOf(line))]);
  }
}

TEST_F(AuditChainTest, EveryEntryLinksToThePreviousOne) {
  MakeHistory();
  std::string prev = audit::GenesisHash();
  std::int64_t seq = 0;
  for (const std::string& line : Lines(Export())) {
    if (TypeOf(line) != "entry") continue;
    const boost::json::object o = Parse(line);
    EXPECT_EQ(o.at("entry").at("seq").as_int64(), ++seq);
    EXPECT_EQ(o.at("prevHash").as_string(), prev);
    prev = audit::ChainHash(prev, *audit::CanonicalJson(o.at("entry")));
    EXPECT_EQ(o.at("hash").as_string(), prev);
  }
  EXPECT_EQ(seq, engine_->revision());
}

TEST_F(AuditChainTest, CheckpointsComeEveryNEntriesAndAtTheEnd) {
  MakeHistory();
  const std::vector<std::string> lines = Lines(Export());
  EXPECT_EQ(TypeOf(lines.front()), "header");
  EXPECT_EQ(TypeOf(lines.back()), "checkpoint");
  EXPECT_EQ(SeqOf(lines.back()), engine_->revision());
  for (std::size_t i = 1; i + 2 < lines.size(); ++i) {  // the last entry: the final checkpoint
    if (TypeOf(lines[i]) != "entry") continue;
    const bool due = SeqOf(lines[i]) % 5 == 0;
    EXPECT_EQ(TypeOf(lines[i + 1]) == "checkpoint", due) << lines[i];
  }
}

// Retention (deleting old records, exporting from the anchor) is tested in
// audit_keeper_test.cpp.

TEST_F(AuditChainTest, ATimeRangeIsAContiguousVerifiableRun) {
  MakeHistory();
  const absl::Time from = clock_.Now() + absl::Minutes(30);
  clock_.Advance(absl::Hours(1));
  AddUser("in-range-1");
  AddUser("in-range-2");
  clock_.Advance(absl::Hours(1));
  AddUser("after-range");
  audit::AuditQuery q;
  q.from = from;
  q.to = from + absl::Minutes(60);
  const std::string text = Export(q);
  const audit::VerificationReport report = Verify(text);
  EXPECT_TRUE(report.ok()) << report.findings.front().message;
  EXPECT_FALSE(report.filtered);
  EXPECT_EQ(report.entries, 2u);
}

TEST_F(AuditChainTest, CsvHasEntrasColumnsAndQuotesFields) {
  const PrincipalId alice = AddUser("alice");
  RequestInput in;
  in.kind = ScheduleKind::kEligibility;
  in.action = RequestAction::kAdminAssign;
  in.principal = alice;
  in.target = Helpdesk();
  in.schedule_info = ScheduleInfo{std::nullopt, Permanent()};
  in.justification = "needs it, \"urgently\"\nsee ticket";
  in.ticket = TicketInfo{"=1+2", "ServiceNow"};
  ASSERT_TRUE(engine_->Submit(Caller::System(), in).ok());
  audit::AuditQuery q;
  q.format = audit::ExportFormat::kCsv;
  q.activity = "Add eligible member to role in PIM completed (permanent)";
  const std::string csv = Export(q);
  EXPECT_TRUE(csv.starts_with("Date (UTC),Seq,CorrelationId,Service,Category,Activity,Result,"))
      << csv;
  EXPECT_NE(csv.find(",\"needs it, \"\"urgently\"\"\nsee ticket\",ServiceNow,'=1+2,"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find(",Add eligible member to role in PIM completed (permanent),success,"),
            std::string::npos);
  // A header row and one entry row, each ending in CRLF (the quoted newline is inside a field).
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\r'), 2);
}

}  // namespace
}  // namespace pim::testing
