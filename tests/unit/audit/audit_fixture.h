// Test fixture for the audit trail: the engine fixture (in-memory store, manual clock) plus an
// audit key ring in a temporary directory, an AuditLog over the store, and helpers to export,
// split, tamper with and verify exports.
#pragma once

#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "gtest/gtest.h"
#include "pim/audit/audit_chain.h"
#include "pim/audit/audit_log.h"
#include "pim/audit/audit_verifier.h"
#include "pim/identity/signing_key_ring.h"
#include "unit/engine/engine_fixture.h"
#include "unit/store/temp_dir.h"

namespace pim::testing {

class AuditTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    auto ring = identity::SigningKeyRing::Open(dir_.File("audit-keys"), clock_.Now());
    ASSERT_TRUE(ring.ok()) << ring.status();
    keys_ = std::make_unique<identity::SigningKeyRing>(*std::move(ring));
  }

  // An export of `query` by a fresh AuditLog (as after a restart).
  std::string Export(audit::AuditQuery query = {}, audit::AuditOptions options = SmallChain(),
                     std::optional<audit::ExportResult>* result = nullptr) {
    audit::AuditLog log(*store_, *keys_, clock_, options);
    std::string out;
    auto r = log.Export(query, {}, [&out](std::string_view piece) { out += piece; });
    EXPECT_TRUE(r.ok()) << r.status();
    if (result != nullptr && r.ok()) *result = *r;
    return out;
  }
  // Checkpoints every 5 entries, so that a short history has several.
  static audit::AuditOptions SmallChain() {
    audit::AuditOptions o;
    o.checkpoint_interval = 5;
    o.read_batch = 7;  // batches that do not line up with checkpoints
    return o;
  }

  std::vector<identity::VerificationKey> Trusted() const {
    std::vector<identity::VerificationKey> keys;
    keys.push_back(identity::VerificationKey::FromSigningKey(keys_->current()));
    return keys;
  }
  audit::VerificationReport Verify(const std::string& text,
                                   const audit::VerifyOptions& options = {}) const {
    std::istringstream in(text);
    return audit::VerifyAuditExport(in, Trusted(), options);
  }

  static std::vector<std::string> Lines(const std::string& text) {
    std::vector<std::string> lines = absl::StrSplit(text, '\n');
    if (!lines.empty() && lines.back().empty()) lines.pop_back();
    return lines;
  }
  static std::string Join(const std::vector<std::string>& lines) {
    return absl::StrJoin(lines, "\n") + "\n";
  }
  static boost::json::object Parse(const std::string& line) {
    return boost::json::parse(line).as_object();
  }
  static std::string TypeOf(const std::string& line) {
    return std::string(Parse(line).at("type").as_string());
  }
  static std::int64_t SeqOf(const std::string& line) {
    const auto o = Parse(line);
    return TypeOf(line) == "entry" ? o.at("entry").at("seq").as_int64() : o.at("seq").as_int64();
  }
  // The index of the entry line with `seq`.
  static std::size_t IndexOfEntry(const std::vector<std::string>& lines, std::int64_t seq) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (TypeOf(lines[i]) == "entry" && SeqOf(lines[i]) == seq) return i;
    }
    ADD_FAILURE() << "no entry " << seq;
    return 0;
  }

  // A small history through the engine: users, an eligibility, an activation that expires.
  void MakeHistory() {
    const PrincipalId alice = AddUser("alice");
    ASSERT_TRUE(MakeEligible(alice, Helpdesk()).ok());
    ASSERT_TRUE(Activate(alice, Helpdesk(), absl::Hours(1)).ok());
    clock_.Advance(absl::Hours(2));
    for (int i = 0; i < 6; ++i) AddUser("user" + std::to_string(i));
  }

  TempDir dir_;
  std::unique_ptr<identity::SigningKeyRing> keys_;
};

}  // namespace pim::testing
