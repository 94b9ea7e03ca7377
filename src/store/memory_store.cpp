#include "pim/store/memory_store.h"

#include <algorithm>
#include <iterator>
#include <variant>

#include "pim/store/commit_validation.h"

namespace pim {
namespace {

// Shows `entity` to the sink's Observe overload for its kind.
void Observe(EntitySink& sink, const Entity& entity) {
  if (const auto* schedule = std::get_if<Schedule>(&entity)) {
    sink.Observe(*schedule);
  } else {
    sink.Observe(entity);
  }
}

}  // namespace

absl::StatusOr<Revision> MemoryStore::LoadInto(EntitySink& sink) {
  absl::MutexLock lock(&mu_);
  for (const auto& [key, entity] : entities_) {
    Observe(sink, entity);
    sink.Add(Entity(entity));
  }
  sink.ObserveEnd();
  return LastRevisionLocked();
}

Revision MemoryStore::LastRevisionLocked() const {
  return changes_.empty() ? anchor_.revision : changes_.back().revision;
}

absl::Status MemoryStore::Commit(std::span<const ChangeRecord> records) {
  absl::MutexLock lock(&mu_);
  const Revision last = LastRevisionLocked();
  if (absl::Status status = ValidateCommit(records, last); !status.ok()) return status;
  // Nothing below can fail (short of running out of memory), so the batch applies whole.
  for (const ChangeRecord& record : records) {
    for (const Mutation& m : record.mutations) {
      if (m.after) {
        entities_.insert_or_assign({m.kind, m.key}, *m.after);
      } else {
        entities_.erase({m.kind, m.key});
      }
    }
    changes_.push_back(record);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ChangeRecord>> MemoryStore::ReadChanges(Revision after,
                                                                   std::size_t limit) {
  absl::MutexLock lock(&mu_);
  auto first =
      std::upper_bound(changes_.begin(), changes_.end(), after,
                       [](Revision r, const ChangeRecord& record) { return r < record.revision; });
  const auto available = static_cast<std::size_t>(changes_.end() - first);
  const auto count = static_cast<std::ptrdiff_t>(std::min(limit, available));
  return std::vector<ChangeRecord>(first, first + count);
}

absl::Status MemoryStore::DeleteChangesThrough(const ChangeLogAnchor& anchor) {
  if (anchor.revision < 1 || anchor.chain_hash.empty()) {
    return absl::InvalidArgumentError("a change-log anchor needs a revision and a chain hash");
  }
  absl::MutexLock lock(&mu_);
  if (anchor.revision <= anchor_.revision) {
    return absl::FailedPreconditionError("the change-log anchor can only move forward");
  }
  auto last =
      std::upper_bound(changes_.begin(), changes_.end(), anchor.revision,
                       [](Revision r, const ChangeRecord& record) { return r < record.revision; });
  if (last == changes_.begin() || std::prev(last)->revision != anchor.revision) {
    return absl::FailedPreconditionError("no change record has the anchor's revision");
  }
  changes_.erase(changes_.begin(), last);
  anchor_ = anchor;
  return absl::OkStatus();
}

absl::StatusOr<ChangeLogAnchor> MemoryStore::ReadAnchor() {
  absl::MutexLock lock(&mu_);
  return anchor_;
}

}  // namespace pim
