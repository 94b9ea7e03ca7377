#include "pim/store/fault_injection_store.h"

namespace pim {

void FaultInjectionStore::FailCommitNumber(int n) {
  if (n < 1) return;
  absl::MutexLock lock(&mu_);
  fail_at_.insert(seen_ + n);
}

void FaultInjectionStore::FailAllCommits(bool fail) {
  absl::MutexLock lock(&mu_);
  fail_all_ = fail;
}

std::int64_t FaultInjectionStore::commits_seen() const {
  absl::MutexLock lock(&mu_);
  return seen_;
}

std::int64_t FaultInjectionStore::commits_failed() const {
  absl::MutexLock lock(&mu_);
  return failed_;
}

absl::StatusOr<Revision> FaultInjectionStore::LoadInto(EntitySink& sink) {
  return base_.LoadInto(sink);
}

absl::Status FaultInjectionStore::Commit(std::span<const ChangeRecord> records) {
  {
    absl::MutexLock lock(&mu_);
    ++seen_;
    const bool fail = fail_all_ || fail_at_.erase(seen_) > 0;
    if (fail) {
      ++failed_;
      return absl::UnavailableError("injected commit failure");
    }
  }
  return base_.Commit(records);
}

absl::StatusOr<std::vector<ChangeRecord>> FaultInjectionStore::ReadChanges(Revision after,
                                                                           std::size_t limit) {
  return base_.ReadChanges(after, limit);
}

absl::Status FaultInjectionStore::DeleteChangesThrough(const ChangeLogAnchor& anchor) {
  {
    absl::MutexLock lock(&mu_);
    if (fail_all_) return absl::UnavailableError("injected delete failure");
  }
  return base_.DeleteChangesThrough(anchor);
}

absl::StatusOr<ChangeLogAnchor> FaultInjectionStore::ReadAnchor() { return base_.ReadAnchor(); }

}  // namespace pim
