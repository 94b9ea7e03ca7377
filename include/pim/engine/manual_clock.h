// A clock that moves only when told to. After every move it calls its listeners (the engine
// subscribes to fire the timers that fell due), outside its own lock. Thread-safe.
#pragma once

#include <functional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "pim/engine/clock.h"

namespace pim {

class ManualClock final : public Clock {
 public:
  explicit ManualClock(absl::Time start) : now_(start) {}

  [[nodiscard]] absl::Time Now() const override;

  // Moves the clock to `t` (never backwards: an earlier `t` is ignored), then notifies.
  void SetTime(absl::Time t);
  // Moves the clock forward by `d` (negative is ignored), then notifies.
  void Advance(absl::Duration d);

  // Registers `listener`, called after each move with the new time. Returns a handle for
  // RemoveListener. Listeners must not be added or removed from inside a listener.
  int AddListener(std::function<void(absl::Time)> listener);
  void RemoveListener(int handle);

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
  std::vector<std::pair<int, std::function<void(absl::Time)>>> listeners_ ABSL_GUARDED_BY(mu_);
  int next_handle_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace pim
