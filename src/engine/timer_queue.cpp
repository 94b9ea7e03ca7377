#include "pim/engine/timer_queue.h"

#include <algorithm>

namespace pim {
namespace {

bool GetsExpiryNotices(const Schedule& s) {
  return !(s.kind == ScheduleKind::kAssignment && s.assignment_type == AssignmentType::kActivated);
}

}  // namespace

void TimerQueue::ForEachTimerOf(const Schedule& s, absl::FunctionRef<void(Timer)> out) {
  const auto end = s.End();
  switch (s.state) {
    case ScheduleState::kScheduled:
      out(Timer{s.start, TimerKind::kScheduleStart, s.id.packed()});
      break;
    case ScheduleState::kActive:
      if (!end) break;
      out(Timer{*end, TimerKind::kScheduleEnd, s.id.packed()});
      if (GetsExpiryNotices(s) && s.expiry_notices_sent < 2) {
        const absl::Duration before =
            s.expiry_notices_sent == 0 ? kExpiryNoticeFirst : kExpiryNoticeLast;
        out(Timer{*end - before, TimerKind::kExpiryNotice, s.id.packed()});
      }
      break;
    case ScheduleState::kExpired:
      if (end) out(Timer{*end + kRenewalWindow, TimerKind::kPurgeExpired, s.id.packed()});
      break;
  }
}

void TimerQueue::ForEachTimerOf(const Entity& entity, absl::FunctionRef<void(Timer)> out) {
  if (const auto* s = std::get_if<Schedule>(&entity)) {
    ForEachTimerOf(*s, out);
  } else if (const auto* r = std::get_if<ScheduleRequest>(&entity)) {
    if (r->status == RequestStatus::kCanceled && r->completed) {
      out(Timer{*r->completed + kCanceledRequestRetention, TimerKind::kPurgeCanceledRequest,
                r->id.packed()});
    }
    if (r->status == RequestStatus::kPendingApproval && r->approval) {
      // The request times out when the first of its stages in progress does (one, unless the
      // stages run in parallel); each such stage escalates at its own time.
      std::optional<absl::Time> deadline;
      for (const auto& stage : r->approval->stages) {
        if (stage.status != StageStatus::kInProgress || !stage.started) continue;
        const absl::Time due = *stage.started + stage.timeout;
        if (!deadline || due < *deadline) deadline = due;
        if (stage.escalation && !stage.escalation->escalated) {
          out(Timer{*stage.started + stage.escalation->after, TimerKind::kApprovalEscalation,
                    r->id.packed()});
        }
      }
      if (deadline) out(Timer{*deadline, TimerKind::kApprovalTimeout, r->id.packed()});
    }
  }
}

void TimerQueue::Add(const Entity& entity) {
  ForEachTimerOf(entity, [this](Timer t) { timers_.insert(std::move(t)); });
}

void TimerQueue::AddAll(std::deque<Timer> timers) {
  std::sort(timers.begin(), timers.end());
  // Sorted input: each insert lands at the end, so the tree is built in one pass.
  while (!timers.empty()) {
    timers_.insert(timers_.end(), std::move(timers.front()));
    timers.pop_front();
  }
}

void TimerQueue::Apply(const Mutation& mutation) {
  if (mutation.before) {
    ForEachTimerOf(*mutation.before, [this](const Timer& t) { timers_.erase(t); });
  }
  if (mutation.after) Add(*mutation.after);
}

std::optional<Timer> TimerQueue::Earliest() const {
  if (timers_.empty()) return std::nullopt;
  return *timers_.begin();
}

int ExpiryNoticesAlreadyDue(const Schedule& schedule, absl::Time now) {
  if (!GetsExpiryNotices(schedule)) return 2;
  const auto end = schedule.End();
  if (!end) return 0;
  if (*end - now <= kExpiryNoticeLast) return 2;
  if (*end - now <= kExpiryNoticeFirst) return 1;
  return 0;
}

}  // namespace pim
