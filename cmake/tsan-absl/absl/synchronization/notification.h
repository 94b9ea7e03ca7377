// Stands in for abseil's absl/synchronization/notification.h in ThreadSanitizer builds only; see
// mutex.h beside it.
#pragma once

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace absl {
ABSL_NAMESPACE_BEGIN

class PIM_TSAN_ABSL_HIDDEN Notification {
 public:
  Notification() = default;
  explicit Notification(bool prenotify) : notified_(prenotify) {}
  Notification(const Notification&) = delete;
  Notification& operator=(const Notification&) = delete;

  [[nodiscard]] bool HasBeenNotified() const {
    MutexLock lock(&mu_);
    return notified_;
  }
  void WaitForNotification() const { MutexLock lock(&mu_, Condition(&notified_)); }
  bool WaitForNotificationWithTimeout(absl::Duration timeout) const {
    MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(Condition(&notified_), timeout);
  }
  bool WaitForNotificationWithDeadline(absl::Time deadline) const {
    MutexLock lock(&mu_);
    return mu_.AwaitWithDeadline(Condition(&notified_), deadline);
  }
  void Notify() {
    MutexLock lock(&mu_);
    notified_ = true;
  }

 private:
  mutable Mutex mu_;
  bool notified_ ABSL_GUARDED_BY(mu_) = false;
};

ABSL_NAMESPACE_END
}  // namespace absl
