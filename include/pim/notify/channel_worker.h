// Follows the change log for one channel: plans each change record into the channel's outbox
// (advancing its durable cursor in the same transaction), then sends the outbox in order per
// recipient. A failed message is retried with exponential backoff and holds back the messages
// behind it *to the same recipient* (a webhook has one: all of them), while other recipients'
// messages go on; after `max_attempts`, or at once when the receiver refuses it for good, it
// becomes a dead letter and its recipient's messages move on. A channel that is down delays only
// itself: every channel has its own worker, cursor and outbox.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "pim/engine/engine.h"
#include "pim/engine/store.h"
#include "pim/notify/channel.h"
#include "pim/notify/delivery_store.h"

namespace pim::notify {

// Where a worker reports what an operator should know: `event` is "notify.retry",
// "notify.deadLetter" or "notify.storeError"; `detail` holds no message body or secret.
using WorkerLog = std::function<void(std::string_view event, const std::string& channel,
                                     const std::string& detail)>;

struct RetryPolicy {
  absl::Duration first_delay = absl::Seconds(1);  // doubled after each failure...
  absl::Duration max_delay = absl::Minutes(5);    // ...up to this
  int max_attempts = 20;                          // then the message is a dead letter
};

class ChannelWorker {
 public:
  // A channel seen for the first time starts at the engine's current revision: it is told
  // about changes from now on, not the whole history.
  ChannelWorker(Channel& channel, DeliveryStore& deliveries, const Engine& engine,
                Store& change_log, RetryPolicy retry, WorkerLog log);
  ~ChannelWorker();
  ChannelWorker(const ChannelWorker&) = delete;
  ChannelWorker& operator=(const ChannelWorker&) = delete;

  // What Step() did and when to call it again.
  struct Progress {
    bool worked = false;                 // planned a record or attempted a send: call again now
    std::optional<absl::Time> retry_at;  // the earliest a waiting message may be tried again
  };
  // One unit of work at (steady) time `now`: send the oldest message whose recipient is not
  // waiting to retry, else plan the next change record. Store errors are logged and reported
  // as no progress.
  Progress Step(absl::Time now);

  // Runs Step() on a thread, waking for new revisions and retry times, until Stop().
  void Start();
  void Stop();

 private:
  void Run();
  absl::StatusOr<bool> PlanNext();

  Channel& channel_;
  DeliveryStore& deliveries_;
  const Engine& engine_;
  Store& change_log_;
  const RetryPolicy retry_;
  const WorkerLog log_;
  std::optional<Revision> cursor_;  // loaded on first use
  // Recipients whose last attempt failed, and when they may be tried again. Kept in memory: a
  // restarted worker tries at once (each message's attempts are durable).
  absl::flat_hash_map<std::string, absl::Time> waiting_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace pim::notify
