#include "pim/engine/scheduler_thread.h"

#include <algorithm>

namespace pim {
namespace {

// How long to wait before retrying after the store failed to commit a timer.
constexpr absl::Duration kRetryAfterError = absl::Seconds(1);

}  // namespace

SchedulerThread::SchedulerThread(Engine& engine, const Clock& clock)
    : engine_(engine), clock_(clock), thread_([this] { Run(); }) {
  engine_.SetTimerListener([this] { Wake(); });
}

SchedulerThread::~SchedulerThread() {
  engine_.SetTimerListener(nullptr);
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  thread_.join();
}

void SchedulerThread::Wake() {
  absl::MutexLock lock(&mu_);
  woken_ = true;
}

int SchedulerThread::errors() const {
  absl::MutexLock lock(&mu_);
  return errors_;
}

void SchedulerThread::Run() {
  absl::Duration wait = absl::ZeroDuration();
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      auto interrupted = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_ || woken_; };
      // A relative wait: the deadline is in the engine clock's time, which may be manual.
      mu_.AwaitWithTimeout(absl::Condition(&interrupted), wait);
      if (stop_) return;
      woken_ = false;
    }
    if (const absl::Status status = engine_.RunDue(); !status.ok()) {
      absl::MutexLock lock(&mu_);
      ++errors_;
      wait = kRetryAfterError;
      continue;
    }
    const auto next = engine_.NextDue();
    wait = next ? std::max(*next - clock_.Now(), absl::ZeroDuration()) : absl::InfiniteDuration();
  }
}

}  // namespace pim
