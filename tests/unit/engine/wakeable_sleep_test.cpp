// WakeableSleep: a Wake() ends the current or the next sleep at once, a Stop() every sleep from
// then on; otherwise a sleep lasts its timeout.
#include "pim/engine/wakeable_sleep.h"

#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace pim {
namespace {

TEST(WakeableSleepTest, AWakeBeforeTheSleepEndsItAtOnceAndOnlyOnce) {
  WakeableSleep sleep;
  sleep.Wake();
  EXPECT_TRUE(sleep.SleepFor(absl::InfiniteDuration()));
  // The wake was used up: the next sleep lasts its timeout.
  const absl::Time before = absl::Now();
  EXPECT_TRUE(sleep.SleepFor(absl::Milliseconds(2)));
  EXPECT_GE(absl::Now() - before, absl::Milliseconds(2));
}

TEST(WakeableSleepTest, AWakeFromAnotherThreadEndsAnUnboundedSleep) {
  WakeableSleep sleep;
  absl::Notification returned;
  bool result = false;
  std::thread sleeper([&] {
    result = sleep.SleepFor(absl::InfiniteDuration());
    returned.Notify();
  });
  sleep.Wake();
  sleeper.join();
  EXPECT_TRUE(returned.HasBeenNotified());
  EXPECT_TRUE(result);
}

TEST(WakeableSleepTest, StopEndsTheSleepAndEverySleepAfterIt) {
  WakeableSleep sleep;
  bool result = true;
  std::thread sleeper([&] { result = sleep.SleepFor(absl::InfiniteDuration()); });
  sleep.Stop();
  sleeper.join();
  EXPECT_FALSE(result);
  EXPECT_FALSE(sleep.SleepFor(absl::InfiniteDuration()));
  sleep.Wake();
  EXPECT_FALSE(sleep.SleepFor(absl::ZeroDuration()));
}

}  // namespace
}  // namespace pim
