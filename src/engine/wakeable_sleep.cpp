#include "pim/engine/wakeable_sleep.h"

namespace pim {

bool WakeableSleep::SleepFor(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto interrupted = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopped_ || woken_; };
  mu_.AwaitWithTimeout(absl::Condition(&interrupted), timeout);
  woken_ = false;
  return !stopped_;
}

void WakeableSleep::Wake() {
  absl::MutexLock lock(&mu_);
  woken_ = true;
}

void WakeableSleep::Stop() {
  absl::MutexLock lock(&mu_);
  stopped_ = true;
}

}  // namespace pim
