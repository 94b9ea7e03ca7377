// An in-memory Store with the same semantics as the durable ones, for fast engine tests and
// as the reference the typed conformance suite holds every backend to. Nothing survives the
// object.
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "pim/engine/store.h"

namespace pim {

// Thread-safe: every method takes one mutex.
class MemoryStore final : public Store {
 public:
  MemoryStore() = default;
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  // Store. Load() returns copies, grouped by kind in EntityKind order and sorted by key within
  // a kind; it never fails. Commit() validates the whole batch first (ValidateCommit():
  // FailedPrecondition / InvalidArgument) and then applies it, so it is all or nothing.
  // ReadChanges() returns copies.
  [[nodiscard]] absl::StatusOr<Revision> LoadInto(EntitySink& sink) override;
  [[nodiscard]] absl::Status Commit(std::span<const ChangeRecord> records) override;
  [[nodiscard]] absl::StatusOr<std::vector<ChangeRecord>> ReadChanges(Revision after,
                                                                      std::size_t limit) override;
  [[nodiscard]] absl::Status DeleteChangesThrough(const ChangeLogAnchor& anchor) override;
  [[nodiscard]] absl::StatusOr<ChangeLogAnchor> ReadAnchor() override;

 private:
  Revision LastRevisionLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  std::map<std::pair<EntityKind, std::string>, Entity> entities_ ABSL_GUARDED_BY(mu_);
  std::vector<ChangeRecord> changes_ ABSL_GUARDED_BY(mu_);  // ascending revisions
  ChangeLogAnchor anchor_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pim
