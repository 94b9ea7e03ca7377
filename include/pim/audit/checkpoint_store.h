// Where pimd keeps the audit checkpoints it signed (docs/audit.md, "Sealed checkpoints"): apart
// from the change log, so that a change record edited in the database no longer matches the
// checkpoint sealed over it when pimd re-derives the chain at start-up. Implementation:
// store/sqlite (SqliteCheckpointStore, <data-dir>/audit-checkpoints.db).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace pim::audit {

// A checkpoint {seq, hash, at, keyId} states that the chain up to entry `seq` ends in `hash`;
// it is signed (Ed25519) over CanonicalCheckpoint() (audit_chain.h).
struct Checkpoint {
  std::int64_t seq = 0;
  std::string hash;  // hex
  absl::Time at;     // the time of entry `seq` (so the same chain always signs the same way)
  std::string key_id;
  std::string signature;  // base64url, no padding, of the Ed25519 signature
  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// Thread-safe.
class CheckpointStore {
 public:
  virtual ~CheckpointStore() = default;

  // Stores `checkpoint`, replacing one with the same seq. Internal/Unavailable on I/O failure.
  [[nodiscard]] virtual absl::Status Put(const Checkpoint& checkpoint) = 0;
  // Every stored checkpoint with seq >= `from`, ascending by seq.
  [[nodiscard]] virtual absl::StatusOr<std::vector<Checkpoint>> List(std::int64_t from) = 0;
  // Removes every checkpoint with seq < `seq` (after retention moved the anchor past them).
  [[nodiscard]] virtual absl::Status DeleteBefore(std::int64_t seq) = 0;
};

}  // namespace pim::audit
