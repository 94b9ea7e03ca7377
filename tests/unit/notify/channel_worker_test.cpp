// Delivery: in order, at least once, retried with backoff, dead letters, replay, restart.
#include "pim/notify/channel_worker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>

#include "absl/synchronization/notification.h"
#include "pim/store/sqlite_delivery_store.h"
#include "unit/notify/notify_fixture.h"

namespace pim::testing {
namespace {

using notify::SendResult;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Renders one message per notification (key = notification id) and answers sends from a
// script; without a script every send succeeds.
class FakeChannel final : public notify::Channel {
 public:
  const std::string& name() const override { return name_; }
  std::vector<notify::Outgoing> Render(const notify::Notification& n) const override {
    const std::string body(notify::kEventTypeNames.Name(n.type));
    return {notify::Outgoing{n.id, per_recipient ? body : "", body}};
  }
  SendResult Send(const notify::Outgoing& m) override {
    attempts.push_back(m.body);
    if (!script.empty()) {
      SendResult r = script.front();
      script.pop_front();
      if (r.kind != SendResult::Kind::kSent) return r;
    }
    delivered.push_back(m.body);
    if (on_delivery != nullptr && !on_delivery->HasBeenNotified()) on_delivery->Notify();
    return SendResult::Sent();
  }

  std::string name_ = "fake";
  bool per_recipient = false;  // each message goes to its own recipient (its event type)
  std::deque<SendResult> script;
  std::vector<std::string> attempts;
  std::vector<std::string> delivered;
  absl::Notification* on_delivery = nullptr;  // notified at the first delivery
};

class ChannelWorkerTest : public NotifyTest {
 protected:
  void SetUp() override {
    NotifyTest::SetUp();
    auto store = SqliteDeliveryStore::Open(":memory:");
    ASSERT_TRUE(store.ok()) << store.status();
    deliveries_ = std::move(*store);
    ASSERT_TRUE(MakeEligible(alice_, Helpdesk()).ok());  // history the channel never sees
    NewWorker();
    (void)worker_->Step(now_);  // first sight: the cursor starts at the current revision
  }

  void NewWorker() {
    worker_ = std::make_unique<notify::ChannelWorker>(
        channel_, *deliveries_, *engine_, *store_,
        notify::RetryPolicy{absl::Seconds(1), absl::Seconds(4), 5},
        [this](std::string_view event, const std::string&, const std::string&) {
          logged_.emplace_back(event);
        });
  }

  // Steps until the worker has nothing it can do at `now_`.
  void Drain() {
    for (int i = 0; i < 1000; ++i) {
      if (!worker_->Step(now_).worked) return;
    }
    FAIL() << "the worker never settles";
  }

  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
  FakeChannel channel_;
  std::unique_ptr<SqliteDeliveryStore> deliveries_;
  std::unique_ptr<notify::ChannelWorker> worker_;
  std::vector<std::string> logged_;
};

TEST_F(ChannelWorkerTest, ANewChannelHearsOnlyOfChangesFromNowOn) {
  Drain();
  EXPECT_THAT(channel_.delivered, IsEmpty());
  ASSERT_TRUE(Activate(alice_, Helpdesk()).ok());
  Drain();
  EXPECT_THAT(channel_.delivered, ElementsAre("activated"));
}

TEST_F(ChannelWorkerTest, DeliversInOrderOnce) {
  ASSERT_TRUE(MakeEligible(bob_, Helpdesk()).ok());
  ASSERT_TRUE(Activate(alice_, Helpdesk()).ok());
  clock_.Advance(absl::Minutes(6));  // deactivating needs five minutes of activation
  ASSERT_TRUE(Deactivate(alice_, Helpdesk()).ok());  // tells nobody
  ASSERT_TRUE(MakeActive(bob_, PRA()).ok());
  Drain();
  EXPECT_THAT(channel_.delivered, ElementsAre("eligibleAssigned", "activated", "activeAssigned"));
  Drain();
  EXPECT_EQ(channel_.attempts.size(), 3U);
}

TEST_F(ChannelWorkerTest, AFailureBlocksWhatFollowsAndIsRetriedWithBackoff) {
  channel_.script = {SendResult::Retry("connection refused"), SendResult::Retry("refused"),
                     SendResult::Retry("refused")};
  ASSERT_TRUE(MakeEligible(bob_, Helpdesk()).ok());
  ASSERT_TRUE(Activate(alice_, Helpdesk()).ok());
  notify::ChannelWorker::Progress p = worker_->Step(now_);  // plans the first record
  while (p.worked) p = worker_->Step(now_);
  // First failure: retry after 1 s; nothing behind it went out.
  ASSERT_TRUE(p.retry_at.has_value());
  EXPECT_EQ(*p.retry_at, now_ + absl::Seconds(1));
  EXPECT_THAT(channel_.delivered, IsEmpty());
  EXPECT_FALSE(worker_->Step(now_ + absl::Milliseconds(999)).worked);  // not yet
  now_ += absl::Seconds(1);
  p = worker_->Step(now_);
  EXPECT_EQ(*p.retry_at, now_ + absl::Seconds(2));  // doubled
  now_ += absl::Seconds(2);
  p = worker_->Step(now_);
  EXPECT_EQ(*p.retry_at, now_ + absl::Seconds(4));
  now_ += absl::Seconds(4);
  Drain();
  EXPECT_THAT(channel_.delivered, ElementsAre("eligibleAssigned", "activated"));
  EXPECT_EQ(std::count(logged_.begin(), logged_.end(), "notify.retry"), 3);
}

TEST_F(ChannelWorkerTest, ARetryHoldsBackOnlyItsOwnRecipient) {
  channel_.per_recipient = true;  // like e-mail: one recipient per message
  channel_.script = {SendResult::Retry("450 mailbox busy")};
  ASSERT_TRUE(MakeEligible(bob_, Helpdesk()).ok());
  ASSERT_TRUE(Activate(alice_, Helpdesk()).ok());
  Drain();
  // The first message waits to be retried; the next one, to someone else, went out at once.
  EXPECT_THAT(channel_.delivered, ElementsAre("activated"));
  now_ += absl::Seconds(1);
  Drain();
  EXPECT_THAT(channel_.delivered, ElementsAre("activated", "eligibleAssigned"));
}

TEST_F(ChannelWorkerTest, ARefusedMessageIsADeadLetterAndCanBeReplayed) {
  channel_.script = {SendResult::Reject("HTTP 410")};
  ASSERT_TRUE(MakeEligible(bob_, Helpdesk()).ok());
  ASSERT_TRUE(Activate(alice_, Helpdesk()).ok());
  Drain();
  EXPECT_THAT(channel_.delivered, ElementsAre("activated"));  // the channel moved on
  auto dead = deliveries_->DeadLetters();
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 1U);
  EXPECT_EQ((*dead)[0].channel, "fake");
  EXPECT_EQ((*dead)[0].message.body, "eligibleAssigned");
  EXPECT_EQ((*dead)[0].error, "HTTP 410");
  EXPECT_EQ((*dead)[0].attempts, 1);
  EXPECT_EQ((*dead)[0].at, now_);

  ASSERT_TRUE(deliveries_->Replay((*dead)[0].id).ok());
  Drain();
  EXPECT_THAT(channel_.delivered, ElementsAre("activated", "eligibleAssigned"));
  EXPECT_THAT(*deliveries_->DeadLetters(), IsEmpty());
  EXPECT_EQ(deliveries_->Replay((*dead)[0].id).code(), absl::StatusCode::kNotFound);
}

TEST_F(ChannelWorkerTest, GivesUpAfterMaxAttempts) {
  for (int i = 0; i < 5; ++i) channel_.script.push_back(SendResult::Retry("down"));
  ASSERT_TRUE(MakeEligible(bob_, Helpdesk()).ok());
  for (int i = 0; i < 10; ++i) {
    Drain();
    now_ += absl::Seconds(4);
  }
  EXPECT_THAT(channel_.delivered, IsEmpty());
  EXPECT_EQ(channel_.attempts.size(), 5U);
  auto dead = deliveries_->DeadLetters();
  ASSERT_EQ(dead->size(), 1U);
  EXPECT_EQ((*dead)[0].attempts, 5);
  EXPECT_EQ((*dead)[0].error, "down");
}

TEST_F(ChannelWorkerTest, ARestartedWorkerLosesAndRepeatsNothing) {
  channel_.script = {SendResult::Retry("down")};
  ASSERT_TRUE(MakeEligible(bob_, Helpdesk()).ok());
  ASSERT_TRUE(Activate(alice_, Helpdesk()).ok());
  Drain();  // the first message failed once; both records are planned or pending
  NewWorker();
  ASSERT_TRUE(MakeActive(bob_, PRA()).ok());
  now_ += absl::Seconds(1);
  Drain();
  EXPECT_THAT(channel_.delivered, ElementsAre("eligibleAssigned", "activated", "activeAssigned"));
}

TEST_F(ChannelWorkerTest, ARunningWorkerDeliversWithoutBeingStepped) {
  absl::Notification delivered;
  channel_.on_delivery = &delivered;
  worker_->Start();
  ASSERT_TRUE(Activate(alice_, Helpdesk()).ok());
  // The thread wakes on the new revision by itself.
  EXPECT_TRUE(delivered.WaitForNotificationWithTimeout(absl::Seconds(30)));
  worker_->Stop();
  EXPECT_THAT(channel_.delivered, ElementsAre("activated"));
}

}  // namespace
}  // namespace pim::testing
