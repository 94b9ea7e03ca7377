#include "pim/audit/audit_keeper.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "pim/audit/audit_chain.h"
#include "pim/audit/audit_entry.h"
#include "pim/domain/status.h"
#include "pim/identity/jwk.h"

namespace pim::audit {
namespace {

// A position in the chain: after entry `seq` the chain's hash is `hash`; `at` is its time.
struct Position {
  std::int64_t seq = 0;
  std::string hash;
  absl::Time at = absl::UnixEpoch();
};

Position Start(const ChangeLogAnchor& anchor) {
  if (anchor.revision == 0) return Position{0, GenesisHash(), absl::UnixEpoch()};
  return Position{anchor.revision, anchor.chain_hash, anchor.at};
}

// Moves `p` past `record`.
void Advance(Position& p, const ChangeRecord& record) {
  const AuditEntry entry = AuditEntryFor(record);
  p.hash = ChainHash(p.hash, CanonicalEntry(entry));
  p.seq = entry.seq;
  p.at = entry.at;
}

// Walks the change log after `p` to its end, reading `batch` records at a time: moves `p` past
// each record, then calls `after(seq before it)`. Stops at the first error of either. `after`
// may require the caller's locks, which the analysis cannot follow into this template.
template <typename After>
absl::Status WalkToEnd(Store& store, std::size_t batch, Position& p,
                       After after) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  while (true) {
    PIM_ASSIGN_OR_RETURN(const std::vector<ChangeRecord> records, store.ReadChanges(p.seq, batch));
    if (records.empty()) return absl::OkStatus();
    for (const ChangeRecord& record : records) {
      const std::int64_t before = p.seq;
      Advance(p, record);
      PIM_RETURN_IF_ERROR(after(before));
    }
  }
}

}  // namespace

AuditKeeper::AuditKeeper(Store& store, CheckpointStore& checkpoints,
                         const identity::SigningKeyRing& keys, const Clock& clock,
                         AuditOptions options)
    : store_(store), checkpoints_(checkpoints), keys_(keys), clock_(clock), options_(options) {}

ChainStatus AuditKeeper::status() const {
  absl::MutexLock lock(&mu_);
  return status_;
}

Checkpoint AuditKeeper::Sign(std::int64_t seq, const std::string& hash, absl::Time at) const {
  return SignCheckpoint(seq, hash, at, keys_.current());
}

bool AuditKeeper::SignedByTrustedKey(const Checkpoint& checkpoint, bool as_anchor) const {
  for (const identity::VerificationKey& key :
       keys_.VerificationKeys(clock_.Now(), absl::InfiniteDuration())) {
    if (key.kid() == checkpoint.key_id) {
      return as_anchor ? AnchorSignatureValid(checkpoint, key)
                       : CheckpointSignatureValid(checkpoint, key);
    }
  }
  return false;
}

absl::StatusOr<ChainStatus> AuditKeeper::CheckAtStartup() {
  absl::MutexLock lock(&mu_);
  const std::int64_t interval = std::max<std::int64_t>(1, options_.checkpoint_interval);
  const std::size_t read_batch = std::max<std::size_t>(1, options_.read_batch);
  PIM_ASSIGN_OR_RETURN(const ChangeLogAnchor anchor, store_.ReadAnchor());
  PIM_ASSIGN_OR_RETURN(const std::vector<Checkpoint> sealed, checkpoints_.List(anchor.revision));

  ChainStatus found;
  found.anchor_seq = anchor.revision;
  found.sealed_seq = sealed.empty() ? 0 : sealed.back().seq;
  const auto mismatch = [&found](std::int64_t seq, std::string message) {
    if (!found.intact) return;  // the first one is what an operator looks at
    found.intact = false;
    found.mismatch_seq = seq;
    found.message = std::move(message);
  };
  if (anchor.revision > 0) {
    const Checkpoint signed_anchor{anchor.revision, anchor.chain_hash, anchor.at, anchor.key_id,
                                   anchor.signature};
    if (!IsHashHex(anchor.chain_hash) || !SignedByTrustedKey(signed_anchor, /*as_anchor=*/true)) {
      mismatch(anchor.revision,
               absl::StrCat("the retention anchor at seq ", anchor.revision,
                            " is not signed as an anchor by an audit key: the start of the change "
                            "log was moved or altered"));
    }
  }

  std::size_t next = 0;                    // the first sealed checkpoint not compared yet
  std::int64_t matched = anchor.revision;  // the last sealed checkpoint found to match
  const auto compare_sealed = [&](const Position& p) {
    for (; next < sealed.size() && sealed[next].seq < p.seq; ++next) {
      mismatch(sealed[next].seq,
               absl::StrCat("entry seq ", sealed[next].seq,
                            ", covered by a sealed checkpoint, is missing from the change log"));
    }
    for (; next < sealed.size() && sealed[next].seq == p.seq; ++next) {
      if (sealed[next].hash != p.hash) {
        mismatch(p.seq, absl::StrCat("the change log up to seq ", p.seq,
                                     " no longer matches the checkpoint sealed at seq ", p.seq,
                                     ": an entry after seq ", matched, " and up to seq ", p.seq,
                                     " was edited, inserted or deleted in the database"));
      } else if (!SignedByTrustedKey(sealed[next], /*as_anchor=*/false)) {
        mismatch(p.seq, absl::StrCat("the checkpoint sealed at seq ", p.seq,
                                     " is not signed by an audit key"));
      } else {
        matched = p.seq;
      }
    }
  };

  Position p = Start(anchor);
  if (anchor.revision > 0) compare_sealed(p);
  std::vector<Position> due;  // interval checkpoints not sealed yet
  PIM_RETURN_IF_ERROR(WalkToEnd(store_, read_batch, p, [&](std::int64_t before) {
    compare_sealed(p);
    if (p.seq / interval > before / interval && p.seq > found.sealed_seq) due.push_back(p);
    return absl::OkStatus();
  }));
  for (; next < sealed.size(); ++next) {
    mismatch(
        sealed[next].seq,
        absl::StrCat("the change log ends at seq ", p.seq, " but a checkpoint was sealed at seq ",
                     sealed[next].seq, ": entries were deleted from its end"));
  }

  head_seq_ = p.seq;
  head_hash_ = p.hash;
  head_at_ = p.at;
  found.checked = true;
  if (found.intact) {
    for (const Position& d : due) PIM_RETURN_IF_ERROR(checkpoints_.Put(Sign(d.seq, d.hash, d.at)));
    if (!due.empty()) found.sealed_seq = due.back().seq;
    if (p.seq > found.sealed_seq) {
      PIM_RETURN_IF_ERROR(checkpoints_.Put(Sign(p.seq, p.hash, p.at)));
      found.sealed_seq = p.seq;
    }
  }
  status_ = found;
  return found;
}

absl::Status AuditKeeper::Seal() {
  absl::MutexLock lock(&mu_);
  return SealLocked();
}

absl::Status AuditKeeper::SealLocked() {
  if (!status_.checked) return absl::FailedPreconditionError("the audit chain was not checked yet");
  if (!status_.intact) {
    return absl::FailedPreconditionError(
        "the audit chain does not match its sealed checkpoints; nothing is sealed over it");
  }
  const std::int64_t interval = std::max<std::int64_t>(1, options_.checkpoint_interval);
  const std::size_t read_batch = std::max<std::size_t>(1, options_.read_batch);
  Position p{head_seq_, head_hash_, head_at_};
  PIM_RETURN_IF_ERROR(
      WalkToEnd(store_, read_batch, p,
                [&](std::int64_t before) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> absl::Status {
                  if (p.seq / interval > before / interval) {
                    // (Not PIM_RETURN_IF_ERROR: the macro's local would shadow the caller's.)
                    if (absl::Status put = checkpoints_.Put(Sign(p.seq, p.hash, p.at)); !put.ok()) {
                      return put;
                    }
                    status_.sealed_seq = p.seq;
                  }
                  head_seq_ = p.seq;
                  head_hash_ = p.hash;
                  head_at_ = p.at;
                  return absl::OkStatus();
                }));
  if (p.seq > status_.sealed_seq) {
    PIM_RETURN_IF_ERROR(checkpoints_.Put(Sign(p.seq, p.hash, p.at)));
    status_.sealed_seq = p.seq;
  }
  return absl::OkStatus();
}

absl::StatusOr<RetentionResult> AuditKeeper::ApplyRetention(absl::Time now,
                                                            std::optional<Revision> limit,
                                                            std::size_t batch_size) {
  absl::MutexLock lock(&mu_);
  RetentionResult result;
  result.anchor = status_.anchor_seq;
  if (!status_.checked || !status_.intact) {
    return absl::FailedPreconditionError(
        "retention is paused: the audit chain was not checked, or does not match its sealed "
        "checkpoints");
  }
  if (options_.retention <= absl::ZeroDuration()) return result;
  // Sealed first: the head then covers every record this run may delete, and nothing is
  // deleted that was not hashed into a sealed checkpoint.
  PIM_RETURN_IF_ERROR(SealLocked());
  const absl::Time cutoff = now - options_.retention;
  const std::size_t size = std::max<std::size_t>(1, batch_size);
  PIM_ASSIGN_OR_RETURN(const ChangeLogAnchor anchor, store_.ReadAnchor());
  Position p = Start(anchor);
  result.anchor = p.seq;
  bool stop = false;
  while (!stop) {
    PIM_ASSIGN_OR_RETURN(const std::vector<ChangeRecord> batch, store_.ReadChanges(p.seq, size));
    std::int64_t taken = 0;
    Position q = p;
    for (const ChangeRecord& record : batch) {
      if (record.at >= cutoff || record.revision > head_seq_) {
        stop = true;
        break;
      }
      if (limit && record.revision > *limit) {
        result.held_back = true;
        result.limit = *limit;
        stop = true;
        break;
      }
      Advance(q, record);
      ++taken;
    }
    if (batch.size() < size) stop = true;
    if (taken == 0) break;
    const Checkpoint c = Sign(q.seq, q.hash, q.at);
    const Checkpoint a = SignAnchor(q.seq, q.hash, q.at, keys_.current());
    const ChangeLogAnchor next{a.seq, a.at, a.hash, a.key_id, a.signature};
    PIM_RETURN_IF_ERROR(store_.DeleteChangesThrough(next));
    p = q;
    result.deleted += taken;
    result.anchor = p.seq;
    status_.anchor_seq = p.seq;
    // The anchor's own checkpoint stays sealed; the ones before it have nothing to check.
    PIM_RETURN_IF_ERROR(checkpoints_.Put(c));
    PIM_RETURN_IF_ERROR(checkpoints_.DeleteBefore(c.seq));
  }
  return result;
}

}  // namespace pim::audit
