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
  sleep_.Stop();
  thread_.join();
}

void SchedulerThread::Wake() { sleep_.Wake(); }

int SchedulerThread::errors() const { return errors_.load(); }

void SchedulerThread::Run() {
  absl::Duration wait = absl::ZeroDuration();
  // A relative wait: the deadline is in the engine clock's time, which may be manual.
  while (sleep_.SleepFor(wait)) {
    if (const absl::Status status = engine_.RunDue(); !status.ok()) {
      ++errors_;
      wait = kRetryAfterError;
      continue;
    }
    const auto next = engine_.NextDue();
    wait = next ? std::max(*next - clock_.Now(), absl::ZeroDuration()) : absl::InfiniteDuration();
  }
}

}  // namespace pim
