#include "pim/cli/poll_backoff.h"

#include <gtest/gtest.h>

#include <vector>

namespace pim::cli {
namespace {

TEST(PollBackoffTest, StartsAtAQuarterSecondAndGrowsGentlyToTwoSeconds) {
  std::vector<absl::Duration> schedule;
  schedule.reserve(9);
  for (int attempt = 0; attempt < 9; ++attempt) schedule.push_back(PollDelay(attempt));
  EXPECT_EQ(schedule,
            (std::vector<absl::Duration>{absl::Milliseconds(250), absl::Milliseconds(375),
                                         absl::Milliseconds(562), absl::Milliseconds(843),
                                         absl::Milliseconds(1265), absl::Milliseconds(1898),
                                         absl::Seconds(2), absl::Seconds(2), absl::Seconds(2)}));
}

TEST(PollBackoffTest, NeverExceedsTheMaximumAndNeverOverflows) {
  EXPECT_EQ(PollDelay(1000), absl::Seconds(2));
  EXPECT_EQ(PollDelay(-3), absl::Milliseconds(250));
  PollBackoff custom;
  custom.initial = absl::Seconds(1);
  custom.max = absl::Seconds(5);
  custom.factor = 2;
  EXPECT_EQ(PollDelay(0, custom), absl::Seconds(1));
  EXPECT_EQ(PollDelay(2, custom), absl::Seconds(4));
  EXPECT_EQ(PollDelay(3, custom), absl::Seconds(5));
}

TEST(PollBackoffTest, RetryAfterWinsWhenLongerAndIsCapped) {
  EXPECT_EQ(NextPollDelay(0, std::nullopt), absl::Milliseconds(250));
  EXPECT_EQ(NextPollDelay(0, absl::Seconds(5)), absl::Seconds(5));
  // A shorter Retry-After does not make pimctl poll faster than its schedule.
  EXPECT_EQ(NextPollDelay(6, absl::Seconds(1)), absl::Seconds(2));
  EXPECT_EQ(NextPollDelay(0, absl::Hours(3)), absl::Seconds(60));
  EXPECT_EQ(NextPollDelay(0, absl::InfiniteDuration()), absl::Seconds(60));
}

TEST(PollBackoffTest, ParsesRetryAfterSecondsAndHttpDates) {
  const absl::Time now = absl::FromUnixSeconds(1'767'603'600);  // 2026-01-05T09:00:00Z
  EXPECT_EQ(ParseRetryAfter("5", now), absl::Seconds(5));
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), absl::ZeroDuration());
  EXPECT_EQ(ParseRetryAfter("Mon, 05 Jan 2026 09:00:30 GMT", now), absl::Seconds(30));
  EXPECT_EQ(ParseRetryAfter("Mon, 05 Jan 2026 08:00:00 GMT", now), absl::ZeroDuration());
  EXPECT_EQ(ParseRetryAfter("99999999999999999999999", now), absl::InfiniteDuration());
  EXPECT_EQ(ParseRetryAfter("", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("-1", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("soon", now), std::nullopt);
}

}  // namespace
}  // namespace pim::cli
