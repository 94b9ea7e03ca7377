// The durable store the engine writes through. Implementations: store/sqlite (embedded
// default); store/fault_injection_store wraps any of them for tests.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "pim/domain/change.h"

namespace pim {

// Everything the store holds, as read at start-up.
struct StoreContents {
  Revision revision = 0;  // the last committed revision, 0 for an empty store
  std::vector<Entity> entities;
};

// Thread-compatible: the engine serialises Commit() and Load(); ReadChanges() may run
// concurrently with Commit() from other threads.
class Store {
 public:
  virtual ~Store() = default;

  // Reads every stored entity and the last revision. Internal/Unavailable on I/O failure.
  [[nodiscard]] virtual absl::StatusOr<StoreContents> Load() = 0;

  // In one transaction: for each record in order, applies each mutation (`after` upserts the
  // entity under (kind, key); no `after` deletes it) and appends the record to the change log.
  // Revisions must be strictly increasing and greater than the last committed one, else
  // FailedPrecondition. On any failure nothing at all is applied (Internal/Unavailable).
  [[nodiscard]] virtual absl::Status Commit(std::span<const ChangeRecord> records) = 0;

  // Change records with revision > `after`, oldest first, at most `limit` of them.
  [[nodiscard]] virtual absl::StatusOr<std::vector<ChangeRecord>> ReadChanges(
      Revision after, std::size_t limit) = 0;
};

}  // namespace pim
