#include "pim/notify/channel_worker.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "pim/notify/notification_planner.h"

namespace pim::notify {
namespace {

// How long the thread waits for a new revision before looking at `stopping_` again.
constexpr absl::Duration kIdleWait = absl::Milliseconds(200);
// How many queued messages a step looks through for one whose recipient is not waiting; while
// that many wait, nothing more is planned.
constexpr std::size_t kWindow = 64;

}  // namespace

ChannelWorker::ChannelWorker(Channel& channel, DeliveryStore& deliveries, const Engine& engine,
                             Store& change_log, RetryPolicy retry, WorkerLog log)
    : channel_(channel),
      deliveries_(deliveries),
      engine_(engine),
      change_log_(change_log),
      retry_(retry),
      log_(std::move(log)) {}

ChannelWorker::~ChannelWorker() { Stop(); }

absl::StatusOr<bool> ChannelWorker::PlanNext() {
  if (!cursor_) {
    auto stored = deliveries_.Cursor(channel_.name());
    if (!stored.ok()) return stored.status();
    if (stored->has_value()) {
      cursor_ = **stored;
    } else {
      const Revision now = engine_.revision();
      if (auto status = deliveries_.Enqueue(channel_.name(), now, {}); !status.ok()) return status;
      cursor_ = now;
    }
  }
  auto records = change_log_.ReadChanges(*cursor_, 1);
  if (!records.ok()) return records.status();
  if (records->empty()) return false;
  const ChangeRecord& record = records->front();
  // The engine applies a record to its state after the store commits it; plan against the
  // state that includes it.
  (void)engine_.AwaitRevision(record.revision, absl::Seconds(5));
  std::vector<Outgoing> messages;
  for (const Notification& n : PlanNotifications(record, engine_)) {
    for (Outgoing& m : channel_.Render(n)) messages.push_back(std::move(m));
  }
  if (auto status = deliveries_.Enqueue(channel_.name(), record.revision, messages); !status.ok()) {
    return status;
  }
  cursor_ = record.revision;
  return true;
}

ChannelWorker::Progress ChannelWorker::Step(absl::Time now) {
  Progress progress;
  auto pending = deliveries_.Pending(channel_.name(), kWindow);
  if (!pending.ok()) {
    log_("notify.storeError", channel_.name(), std::string(pending.status().message()));
    return progress;
  }
  absl::erase_if(waiting_, [now](const auto& wait) { return wait.second <= now; });
  // The oldest message whose recipient is not waiting to retry. A recipient's messages go in
  // order: once one of them waits, those behind it wait too, while other recipients' go on.
  const QueuedMessage* next = nullptr;
  std::optional<absl::Time> earliest;
  for (const QueuedMessage& m : *pending) {
    const auto wait = waiting_.find(m.message.recipient);
    if (wait == waiting_.end()) {
      next = &m;
      break;
    }
    earliest = earliest ? std::min(*earliest, wait->second) : wait->second;
  }
  if (next == nullptr) {
    // Nothing to send now: plan the next change record, whose messages may go to others (as
    // long as the outbox window has room).
    progress.retry_at = earliest;
    if (pending->size() < kWindow) {
      auto planned = PlanNext();
      if (!planned.ok()) {
        log_("notify.storeError", channel_.name(), std::string(planned.status().message()));
        return progress;
      }
      progress.worked = *planned;
    }
    return progress;
  }
  const QueuedMessage& m = *next;
  progress.worked = true;
  const SendResult result = channel_.Send(m.message);
  absl::Status status;
  if (result.kind == SendResult::Kind::kSent) {
    status = deliveries_.MarkSent(channel_.name(), m.seq);
  } else if (result.kind == SendResult::Kind::kReject || m.attempts + 1 >= retry_.max_attempts) {
    log_("notify.deadLetter", channel_.name(), absl::StrCat(m.message.key, ": ", result.error));
    status = deliveries_.Bury(channel_.name(), m.seq, result.error, now);
  } else {
    absl::Duration delay = retry_.first_delay;
    for (int i = 0; i < m.attempts && delay < retry_.max_delay; ++i) delay *= 2;
    delay = std::min(delay, retry_.max_delay);
    waiting_[m.message.recipient] = now + delay;
    log_("notify.retry", channel_.name(),
         absl::StrCat(m.message.key, " attempt ", m.attempts + 1, ": ", result.error));
    status = deliveries_.RecordFailure(channel_.name(), m.seq, result.error);
    // Go on at once if another recipient's message is ready or more may be planned; else say
    // when to come back.
    progress.worked = pending->size() < kWindow;
    for (const QueuedMessage& other : *pending) {
      const auto wait = waiting_.find(other.message.recipient);
      if (wait == waiting_.end()) {
        progress.worked = true;
        break;
      }
      progress.retry_at =
          progress.retry_at ? std::min(*progress.retry_at, wait->second) : wait->second;
    }
    if (progress.worked) progress.retry_at.reset();
  }
  if (!status.ok()) log_("notify.storeError", channel_.name(), std::string(status.message()));
  return progress;
}

void ChannelWorker::Start() {
  absl::MutexLock lock(&mu_);
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void ChannelWorker::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void ChannelWorker::Run() {
  auto stopping = [this] {
    absl::MutexLock lock(&mu_);
    return stopping_;
  };
  while (!stopping()) {
    const Progress progress = Step(absl::Now());
    if (progress.worked) continue;
    if (progress.retry_at) {
      absl::MutexLock lock(&mu_);
      const absl::Duration wait = std::min(*progress.retry_at - absl::Now(), kIdleWait);
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), std::max(wait, absl::ZeroDuration()));
      continue;
    }
    // Nothing to send and nothing new: wait for the next revision.
    (void)engine_.AwaitRevision(cursor_.value_or(0) + 1, kIdleWait);
  }
}

}  // namespace pim::notify
