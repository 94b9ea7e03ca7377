// The audit history: every change record of the store's change log as an audit entry, hash
// chained and anchored by checkpoints signed with the audit key (audit_chain.h), exported as
// JSON lines or CSV (docs/audit.md).
//
// The chain is derived from the change log, deterministically, whenever it is needed (the
// AuditKeeper also seals checkpoints apart from the log, to notice edits at start-up). After
// retention the log starts at a signed anchor (Store::ReadAnchor) and so does every export:
// its header carries the anchor and its first line is a checkpoint at the anchor. What is kept is a
// sparse in-memory index of the chain, the hash at every checkpoint (one per `checkpoint_interval`
// entries: 32 KB of hex for a million entries), filled as exports pass; an export after a restart
// re-derives the chain once from the start, later ones start hashing at the checkpoint just before
// what they need.
//
// Thread-safe: exports may run concurrently with each other and with commits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "pim/audit/audit_entry.h"
#include "pim/engine/clock.h"
#include "pim/engine/store.h"
#include "pim/identity/signing_key_ring.h"

namespace pim::audit {

struct AuditOptions {
  // A checkpoint follows every entry whose seq reaches a multiple of this (and ends every
  // export). At least 1.
  std::int64_t checkpoint_interval = 1000;
  // How long change records are kept (AuditKeeper::ApplyRetention deletes older ones); exports
  // state it in their header. Zero keeps everything.
  absl::Duration retention = absl::ZeroDuration();
  // Change records read from the store at a time.
  std::size_t read_batch = 1000;
};

enum class ExportFormat { kJsonLines, kCsv };

// What to export. The range (after, from, to; and what retention kept) selects a contiguous run of
// the chain, which verifies completely; actor, target and activity pick entries out of it, and such
// a "filtered" export verifies entry by entry only.
struct AuditQuery {
  std::int64_t after = 0;          // entries with seq > after (paging cursor)
  std::optional<absl::Time> from;  // starts at the first entry at or after `from`
  std::optional<absl::Time> to;    // ends before the first entry after `to`
  std::string actor;               // actor id, or user principal name (ignoring case)
  std::string target;              // role/group id, scope, or the principal it is for
  std::string activity;            // a part of the activity name, ignoring case
  std::size_t limit = std::numeric_limits<std::size_t>::max();  // entries written at most
  ExportFormat format = ExportFormat::kJsonLines;

  [[nodiscard]] bool filtered() const {
    return !actor.empty() || !target.empty() || !activity.empty();
  }
};

// Names for an entry's ids, looked up at export time. Labels, not evidence: not hashed.
struct AuditLabels {
  std::string actor_kind;  // "User", "Group", "ServicePrincipal"; "" when unknown
  std::string actor_display_name;
  std::string actor_user_principal_name;
  std::string target_display_name;
  std::string principal_display_name;
  std::string principal_user_principal_name;
};
using LabelLookup = std::function<AuditLabels(const AuditEntry&)>;

struct ExportResult {
  std::size_t entries = 0;      // entry lines (rows) written
  std::size_t checkpoints = 0;  // checkpoint lines written (JSON lines only)
  // Set when `limit` stopped the export early: pass it as `after` to continue.
  std::optional<std::int64_t> next_after;
};

// What the last check of the chain found.
struct ChainStatus {
  bool checked = false;           // CheckAtStartup() has run to its end
  bool intact = true;             // the log matches every sealed checkpoint and the anchor
  std::int64_t mismatch_seq = 0;  // the first seq found not to match (0 when intact)
  std::string message;            // for people: what does not match, and where
  std::int64_t sealed_seq = 0;    // the newest sealed checkpoint
  std::int64_t anchor_seq = 0;    // where the retained log starts (0: nothing deleted)
};

class AuditLog {
 public:
  // All references must outlive the log. `keys` is only read (its current key signs).
  AuditLog(Store& store, const identity::SigningKeyRing& keys, const Clock& clock,
           AuditOptions options);

  // Writes the export of `query` to `write`, a piece at a time (never more than one batch of
  // entries is held). `labels` may be empty (no names). Errors: those of Store::ReadChanges
  // (the output is then incomplete and must be discarded).
  [[nodiscard]] absl::StatusOr<ExportResult> Export(
      const AuditQuery& query, const LabelLookup& labels,
      const std::function<void(std::string_view)>& write);

  // The JWKS document of every audit key, current and retired (old checkpoints stay
  // verifiable).
  [[nodiscard]] std::string KeysJwks() const;

  [[nodiscard]] const AuditOptions& options() const { return options_; }

  // Where exports learn the result of the start-up chain check (AuditKeeper::status): while it
  // reports a mismatch, every export's header says so ("chainAltered"), because the exported
  // chain is re-derived from the altered log and would otherwise verify. Call before exporting.
  void SetChainStatus(std::function<ChainStatus()> status);

 private:
  struct Anchor {
    std::string hash;
    absl::Time at;
  };
  // The nearest known (seq, anchor) at or before `seq`; (0, genesis) when none.
  std::pair<std::int64_t, Anchor> AnchorAtOrBefore(std::int64_t seq) const;
  // Records the chain's hash at a checkpoint seq; false when an earlier export found another
  // one there (the log was altered since, behind pimd's back).
  [[nodiscard]] bool Remember(std::int64_t seq, const std::string& hash, absl::Time at);

  Store& store_;
  const identity::SigningKeyRing& keys_;
  const Clock& clock_;
  const AuditOptions options_;

  std::function<ChainStatus()> chain_status_;  // set before exports start

  mutable absl::Mutex mu_;
  std::map<std::int64_t, Anchor> anchors_ ABSL_GUARDED_BY(mu_);  // checkpoint seq -> hash
};

// The CSV columns, in order (Entra's "Download audit history" columns, then pim's own).
[[nodiscard]] const std::vector<std::string_view>& CsvColumns();

}  // namespace pim::audit
