// Offline verification of an audit export in JSON lines (docs/audit.md): recomputes every
// entry's hash from its content, follows the chain from entry to entry, and checks each
// checkpoint's Ed25519 signature against the trusted audit keys (GET /pim/v1/audit/keys).
//
// For a complete export (no actor/target/activity filter) every change is found and placed:
// an edited entry (its hash no longer matches its content), an inserted, deleted or moved
// entry (the chain's links), an entry edited and re-hashed together with the rest of the chain
// (the next signed checkpoint no longer matches), a missing, forged or altered checkpoint.
// Truncation right after a checkpoint cannot be seen in the file alone: compare the last
// checkpoint's seq with the server's revision. A filtered export holds only some entries, so
// only each entry's own hash, the checkpoints' signatures and the checkpoints that fall on an
// exported entry are checked; the report says so (`filtered`, `notes`).
//
// Memory is bounded (a window of recent entries and the open gaps), whatever the file's size.
// Thread-compatible; no I/O besides reading `in`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "pim/identity/jwk.h"

namespace pim::audit {

enum class FindingKind {
  kMalformedLine,               // not a header, entry or checkpoint line as specified
  kEntryEdited,                 // the entry's hash does not match its content
  kEntryInserted,               // an entry that is not part of the chain at that place
  kEntryDeleted,                // entries missing from the chain (seq .. seq_last)
  kEntryReordered,              // an entry of the chain found at another place
  kChainBroken,                 // two neighbours do not link (one was edited and re-hashed)
  kCheckpointSignatureInvalid,  // signed by a trusted key id, but the signature is wrong
  kCheckpointUnknownKey,        // signed by a key that is not trusted
  kCheckpointMismatch,          // the chain does not arrive at the signed hash
  kCheckpointMissing,           // a checkpoint due after an entry, or at the end, is absent
  kNotComplete,                 // a filtered export where a complete one was required
  kServerChainAltered,          // the header says pimd found its log altered since it sealed it
  kHeaderNotSigned,             // the header (what the export claims to hold) is not signed
};

// "malformedLine", "entryEdited", ... (stable; for tools and JSON output).
[[nodiscard]] std::string_view FindingKindName(FindingKind kind);

struct Finding {
  FindingKind kind = FindingKind::kMalformedLine;
  std::int64_t line = 0;      // 1-based line of the export the finding is about
  std::int64_t seq = 0;       // the entry (first missing one for kEntryDeleted); 0 if none
  std::int64_t seq_last = 0;  // kEntryDeleted: the last missing seq; else equal to seq
  std::string message;        // for people
};

struct VerifyOptions {
  // Report kNotComplete for a filtered export.
  bool require_complete = false;
};

struct VerificationReport {
  std::size_t lines = 0;
  std::size_t entries = 0;
  std::size_t checkpoints = 0;
  std::size_t valid_checkpoints = 0;  // signed by a trusted key and matching the chain
  bool filtered = false;              // as the export's header says
  std::int64_t first_seq = 0;
  std::int64_t last_seq = 0;
  // The header's retention anchor: the server deleted entries up to this seq by its retention
  // setting (not a finding: a note says so); 0 when the export names none.
  std::int64_t anchor_seq = 0;
  std::vector<Finding> findings;   // by line; at most 10,000 (then a note says so)
  std::vector<std::string> notes;  // what could not be verified, and why

  [[nodiscard]] bool ok() const { return findings.empty(); }
};

// Reads the export from `in` to its end and verifies it against `trusted_keys` (Ed25519 keys;
// a checkpoint names its key by kid). Never fails: whatever is wrong is a finding.
[[nodiscard]] VerificationReport VerifyAuditExport(
    std::istream& in, const std::vector<identity::VerificationKey>& trusted_keys,
    const VerifyOptions& options = {});

}  // namespace pim::audit
