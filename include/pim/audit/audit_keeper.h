// The keeper of the audit chain in a running pimd (docs/audit.md, "Sealed checkpoints" and
// "Retention"):
//
// - At start-up it re-derives the chain from the change log (from the retention anchor, or
//   from the beginning) and compares it with every checkpoint it sealed before, and checks the
//   anchor's and the checkpoints' signatures. A change record edited, inserted or deleted in
//   the database since it was sealed shows as a mismatch: pimd logs it and exposes it
//   (status()); the keeper then stops sealing and deleting, so the evidence stays as found.
// - It seals: a signed checkpoint at every checkpoint interval and at the head of the log,
//   kept in a CheckpointStore apart from the change log.
// - It applies retention: change records older than the retention period (by their time) are
//   deleted, oldest first, in bounded batches (one Store transaction each), never past a limit
//   the caller gives (the lowest notification cursor), and the chain continues from a signed
//   anchor stored with the log.
//
// Thread-safe: the operations serialise on one mutex; status() may be called at any time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "pim/audit/audit_log.h"
#include "pim/audit/checkpoint_store.h"
#include "pim/engine/clock.h"
#include "pim/engine/store.h"
#include "pim/identity/signing_key_ring.h"

namespace pim::audit {

struct RetentionResult {
  std::int64_t deleted = 0;  // change records deleted by this run
  Revision anchor = 0;       // the anchor after the run
  // Records old enough to go were kept because they are past `limit` (a notification channel
  // has not planned them yet); `limit` is repeated here.
  bool held_back = false;
  Revision limit = 0;
};

class AuditKeeper {
 public:
  // All references must outlive the keeper. `keys` signs (its current key) and verifies (all
  // its keys); options.checkpoint_interval and options.retention (zero: keep everything) apply.
  AuditKeeper(Store& store, CheckpointStore& checkpoints, const identity::SigningKeyRing& keys,
              const Clock& clock, AuditOptions options);

  // Re-derives the chain and compares it with the sealed checkpoints and the anchor, then
  // (when intact) seals what is not sealed yet. The result is also kept for status(). Errors:
  // the stores' (then nothing is concluded and status() stays unchecked).
  [[nodiscard]] absl::StatusOr<ChainStatus> CheckAtStartup();

  // Follows the log past what was checked or sealed, sealing every checkpoint interval it
  // crosses and the new head. FailedPrecondition before CheckAtStartup() or after it found a
  // mismatch (nothing is sealed over a tampered chain); the stores' errors otherwise.
  [[nodiscard]] absl::Status Seal();

  // Deletes the change records whose time is before `now` minus the retention period and whose
  // revision is at most `limit` (nullopt: no limit), oldest first, `batch` records per store
  // transaction; each batch moves the anchor and seals a checkpoint at it (older sealed
  // checkpoints are dropped). A zero retention does nothing. FailedPrecondition while the
  // chain is not known to be intact; the stores' errors otherwise (batches already done stay
  // done).
  [[nodiscard]] absl::StatusOr<RetentionResult> ApplyRetention(absl::Time now,
                                                               std::optional<Revision> limit,
                                                               std::size_t batch = 1000);

  [[nodiscard]] ChainStatus status() const;

 private:
  [[nodiscard]] absl::Status SealLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Whether a key of the ring signed `checkpoint`, as a checkpoint or as a retention anchor.
  [[nodiscard]] bool SignedByTrustedKey(const Checkpoint& checkpoint, bool as_anchor) const;
  [[nodiscard]] Checkpoint Sign(std::int64_t seq, const std::string& hash, absl::Time at) const;

  Store& store_;
  CheckpointStore& checkpoints_;
  const identity::SigningKeyRing& keys_;
  const Clock& clock_;
  const AuditOptions options_;

  mutable absl::Mutex mu_;
  ChainStatus status_ ABSL_GUARDED_BY(mu_);
  // The chain after the last record read: seq, hash and time of that record.
  std::int64_t head_seq_ ABSL_GUARDED_BY(mu_) = 0;
  std::string head_hash_ ABSL_GUARDED_BY(mu_);
  absl::Time head_at_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pim::audit
