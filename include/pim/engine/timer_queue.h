// The scheduler's timers, derived from entities (the schedule and request rows are the
// persisted timers): a scheduled start, an end, the 14-day and 1-day expiry notices, the purge
// of an expired schedule after its 30-day renewal window, an approval stage's timeout, and the
// purge of a canceled request 30 days later.
// Re-derived at start-up, so whatever fell due while the process was down fires first.
// Thread-compatible.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <tuple>

#include "absl/container/btree_set.h"
#include "absl/functional/function_ref.h"
#include "absl/time/time.h"
#include "pim/domain/change.h"

namespace pim {

inline constexpr absl::Duration kExpiryNoticeFirst = absl::Hours(24 * 14);
inline constexpr absl::Duration kExpiryNoticeLast = absl::Hours(24);
inline constexpr absl::Duration kRenewalWindow = absl::Hours(24 * 30);
// A canceled request is purged this long after it was canceled (Graph's documented behaviour).
inline constexpr absl::Duration kCanceledRequestRetention = absl::Hours(24 * 30);

enum class TimerKind {
  kScheduleStart,
  kScheduleEnd,
  kExpiryNotice,
  kPurgeExpired,
  kApprovalTimeout,
  kPurgeCanceledRequest,
  kApprovalEscalation
};

struct Timer {
  absl::Time due;
  TimerKind kind = TimerKind::kScheduleStart;
  PackedIdText key;  // schedule or request id
  friend bool operator==(const Timer&, const Timer&) = default;
  friend bool operator<(const Timer& a, const Timer& b) {
    return std::tie(a.due, a.kind, a.key) < std::tie(b.due, b.kind, b.key);
  }
};

class TimerQueue {
 public:
  void Add(const Entity& entity);
  // Adds many timers at once (start-up): sorts them, then builds the queue in one pass, freeing
  // `timers` block by block as it goes, so the two never take their full size at once.
  void AddAll(std::deque<Timer> timers);
  // Replaces the timers of `mutation.before` by those of `mutation.after`.
  void Apply(const Mutation& mutation);
  // Drops one timer (one its entity no longer implies).
  void Erase(const Timer& timer) { timers_.erase(timer); }
  [[nodiscard]] std::optional<Timer> Earliest() const;
  [[nodiscard]] std::size_t size() const { return timers_.size(); }

  // Calls `out` with each timer an entity implies (none for kinds that have none).
  static void ForEachTimerOf(const Entity& entity, absl::FunctionRef<void(Timer)> out);
  static void ForEachTimerOf(const Schedule& schedule, absl::FunctionRef<void(Timer)> out);

 private:
  absl::btree_set<Timer> timers_;
};

// How many expiry notices are already moot for a schedule made or changed at `now`: a window
// that ends within 14 days never gets the 14-day notice, and so on. Activations get none.
[[nodiscard]] int ExpiryNoticesAlreadyDue(const Schedule& schedule, absl::Time now);

}  // namespace pim
