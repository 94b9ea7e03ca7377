#include "pim/server/audit_keeper_thread.h"

#include <algorithm>
#include <utility>

#include "pim/server/json_log.h"

namespace pim::server {

AuditKeeperThread::AuditKeeperThread(audit::AuditKeeper& keeper, const Clock& clock,
                                     RetentionLimitFn limit)
    : keeper_(keeper), clock_(clock), limit_(std::move(limit)), thread_([this] { Run(); }) {}

AuditKeeperThread::~AuditKeeperThread() {
  sleep_.Stop();
  thread_.join();
}

void AuditKeeperThread::Run() {
  absl::Time next = clock_.Now();
  // A relative wait: `next` is in the engine clock's time, which may be manual.
  while (sleep_.SleepFor(std::max(next - clock_.Now(), absl::ZeroDuration()))) {
    const absl::Time now = clock_.Now();
    if (now < next) continue;
    next = now + kPeriod;
    RunOnce(now);
  }
}

void AuditKeeperThread::RunOnce(absl::Time now) {
  if (!keeper_.status().intact) return;  // reported at start-up; the evidence stays as found
  if (auto s = keeper_.Seal(); !s.ok()) {
    LogJson(LogLevel::kWarning, "audit.sealFailed", {{"error", std::string(s.message())}});
    return;
  }
  const absl::StatusOr<RetentionLimit> limit = limit_();
  if (!limit.ok()) {
    LogJson(LogLevel::kWarning, "audit.retentionFailed",
            {{"error", std::string(limit.status().message())}});
    return;
  }
  const auto result = keeper_.ApplyRetention(now, limit->revision);
  if (!result.ok()) {
    LogJson(LogLevel::kWarning, "audit.retentionFailed",
            {{"error", std::string(result.status().message())}});
    return;
  }
  if (result->deleted > 0) {
    LogJson(LogLevel::kInfo, "audit.retention",
            {{"deleted", result->deleted}, {"anchor", result->anchor}});
  }
  if (result->held_back) {
    LogJson(LogLevel::kWarning, "audit.retentionHeldBack",
            {{"channel", limit->channel},
             {"cursor", result->limit},
             {"message",
              "change records past this notification channel's cursor are older than the "
              "retention period but are kept until the channel has planned them"}});
  }
}

}  // namespace pim::server
