// The sleep of a background thread whose deadlines are in an injected clock's time, which may
// be a ManualClock that jumps instead of passing: it waits a real-time duration at most, and
// ends early when woken (a deadline or the clock moved) or stopped. Used by the scheduler, the
// JWKS refresher and the audit keeper's thread. Thread-safe.
#pragma once

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace pim {

class WakeableSleep {
 public:
  // Sleeps until `timeout` passes or Wake() is called; a Wake() since the last sleep ends this
  // one at once. Returns false once Stop() was called, at once and for good.
  [[nodiscard]] bool SleepFor(absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_);
  void Wake() ABSL_LOCKS_EXCLUDED(mu_);
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  absl::Mutex mu_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace pim
