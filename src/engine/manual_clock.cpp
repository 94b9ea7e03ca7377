#include "pim/engine/manual_clock.h"

#include <algorithm>

namespace pim {

absl::Time ManualClock::Now() const {
  absl::MutexLock lock(&mu_);
  return now_;
}

void ManualClock::SetTime(absl::Time t) {
  std::vector<std::function<void(absl::Time)>> to_call;
  absl::Time now;
  {
    absl::MutexLock lock(&mu_);
    if (t < now_) return;
    now_ = t;
    now = now_;
    for (const auto& [handle, fn] : listeners_) to_call.push_back(fn);
  }
  for (const auto& fn : to_call) fn(now);
}

void ManualClock::Advance(absl::Duration d) {
  if (d < absl::ZeroDuration()) return;
  SetTime(Now() + d);
}

int ManualClock::AddListener(std::function<void(absl::Time)> listener) {
  absl::MutexLock lock(&mu_);
  const int handle = next_handle_++;
  listeners_.emplace_back(handle, std::move(listener));
  return handle;
}

void ManualClock::RemoveListener(int handle) {
  absl::MutexLock lock(&mu_);
  std::erase_if(listeners_, [handle](const auto& entry) { return entry.first == handle; });
}

}  // namespace pim
