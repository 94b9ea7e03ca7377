// A Store wrapper that makes chosen commits fail, to prove that no command half-applies
// (leveldb's FaultInjectionTestEnv). Everything else passes through to the wrapped store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <span>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "pim/engine/store.h"

namespace pim {

// Thread-safe as far as the wrapped store is; the wrapper's own state has a mutex.
class FaultInjectionStore final : public Store {
 public:
  // Wraps `base`, which must outlive this object.
  explicit FaultInjectionStore(Store& base) : base_(base) {}
  FaultInjectionStore(const FaultInjectionStore&) = delete;
  FaultInjectionStore& operator=(const FaultInjectionStore&) = delete;

  // Makes the `n`-th Commit() from now (1 = the next one) fail. Several may be pending at
  // once. n < 1 has no effect.
  void FailCommitNumber(int n);
  // While `fail` is true every Commit() fails.
  void FailAllCommits(bool fail);

  // Commit() calls seen so far (failed or not), and those failed by injection.
  [[nodiscard]] std::int64_t commits_seen() const;
  [[nodiscard]] std::int64_t commits_failed() const;

  // Store. Load() and ReadChanges() pass through. Commit() returns Unavailable without
  // calling the wrapped store when a failure is due; otherwise it returns the base's result.
  [[nodiscard]] absl::StatusOr<Revision> LoadInto(EntitySink& sink) override;
  [[nodiscard]] absl::Status Commit(std::span<const ChangeRecord> records) override;
  [[nodiscard]] absl::StatusOr<std::vector<ChangeRecord>> ReadChanges(Revision after,
                                                                      std::size_t limit) override;
  // Fails (Unavailable, nothing deleted) while FailAllCommits(true) is in force; otherwise
  // passes through. ReadAnchor() passes through.
  [[nodiscard]] absl::Status DeleteChangesThrough(const ChangeLogAnchor& anchor) override;
  [[nodiscard]] absl::StatusOr<ChangeLogAnchor> ReadAnchor() override;

 private:
  Store& base_;

  mutable absl::Mutex mu_;
  std::int64_t seen_ ABSL_GUARDED_BY(mu_) = 0;
  std::int64_t failed_ ABSL_GUARDED_BY(mu_) = 0;
  bool fail_all_ ABSL_GUARDED_BY(mu_) = false;
  std::set<std::int64_t> fail_at_ ABSL_GUARDED_BY(mu_);  // values of seen_ that fail
};

}  // namespace pim
