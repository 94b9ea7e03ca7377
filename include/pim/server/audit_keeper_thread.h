// Runs the audit keeper's sealing and retention (audit/audit_keeper.h) at start-up and then
// every hour of the engine's clock. That clock may be the test clock: call Wake() after moving
// it. Failures are logged and retried at the next run. Thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pim/audit/audit_keeper.h"
#include "pim/engine/clock.h"
#include "pim/engine/wakeable_sleep.h"

namespace pim::server {

// The lowest revision every notification channel has planned, and the channel that holds it
// back: change records after it must stay for that channel. nullopt when there is no limit.
struct RetentionLimit {
  std::optional<Revision> revision;
  std::string channel;
};
using RetentionLimitFn = std::function<absl::StatusOr<RetentionLimit>()>;

class AuditKeeperThread {
 public:
  static constexpr absl::Duration kPeriod = absl::Hours(1);

  // Starts the thread. `keeper` and `clock` must outlive this object.
  AuditKeeperThread(audit::AuditKeeper& keeper, const Clock& clock, RetentionLimitFn limit);
  AuditKeeperThread(const AuditKeeperThread&) = delete;
  AuditKeeperThread& operator=(const AuditKeeperThread&) = delete;
  // Stops and joins the thread; a run under way finishes first.
  ~AuditKeeperThread();

  // Makes the thread look at the clock again now.
  void Wake() { sleep_.Wake(); }

 private:
  void Run();
  void RunOnce(absl::Time now);

  audit::AuditKeeper& keeper_;
  const Clock& clock_;
  const RetentionLimitFn limit_;
  WakeableSleep sleep_;
  std::thread thread_;  // last: starts after the members above are ready
};

}  // namespace pim::server
