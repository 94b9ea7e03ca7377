#include "pim/server/rate_limiter.h"

#include "gtest/gtest.h"

namespace pim::server {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'767'603'600);

TEST(RateLimiterTest, AllowsTheBurstThenRefillsAtTheRate) {
  RateLimiter limiter(/*per_second=*/2, /*burst=*/3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("a", kT0), absl::ZeroDuration()) << i;
  EXPECT_EQ(limiter.Take("a", kT0), absl::Milliseconds(500));
  EXPECT_EQ(limiter.Take("a", kT0 + absl::Milliseconds(500)), absl::ZeroDuration());
  EXPECT_GT(limiter.Take("a", kT0 + absl::Milliseconds(500)), absl::ZeroDuration());
  // Refill never exceeds the burst.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(limiter.Take("a", kT0 + absl::Hours(1)), absl::ZeroDuration()) << i;
  }
  EXPECT_GT(limiter.Take("a", kT0 + absl::Hours(1)), absl::ZeroDuration());
}

TEST(RateLimiterTest, PeekTakesNothing) {
  RateLimiter limiter(1, 1);
  EXPECT_EQ(limiter.Peek("a", kT0), absl::ZeroDuration());
  EXPECT_EQ(limiter.Take("a", kT0), absl::ZeroDuration());
  EXPECT_EQ(limiter.Peek("a", kT0), absl::Seconds(1));
  EXPECT_EQ(limiter.Peek("a", kT0), absl::Seconds(1));
  EXPECT_EQ(limiter.Peek("a", kT0 + absl::Seconds(1)), absl::ZeroDuration());
}

TEST(RateLimiterTest, KeysHaveTheirOwnBuckets) {
  RateLimiter limiter(1, 1);
  EXPECT_EQ(limiter.Take("a", kT0), absl::ZeroDuration());
  EXPECT_GT(limiter.Take("a", kT0), absl::ZeroDuration());
  EXPECT_EQ(limiter.Take("b", kT0), absl::ZeroDuration());
}

TEST(RateLimiterTest, ZeroRateDisablesTheLimit) {
  RateLimiter limiter(0, 0);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limiter.Take("a", kT0), absl::ZeroDuration());
}

TEST(RateLimiterTest, TheTableStaysBoundedWithoutForgettingActiveLimits) {
  RateLimiter limiter(1, 1, /*max_keys=*/2);
  EXPECT_EQ(limiter.Take("busy", kT0), absl::ZeroDuration());
  for (int i = 0; i < 50; ++i) {
    (void)limiter.Take("k" + std::to_string(i), kT0 + absl::Seconds(10 + i));
  }
  // "busy" refilled long ago and may have been dropped: it is allowed either way.
  EXPECT_EQ(limiter.Take("busy", kT0 + absl::Seconds(100)), absl::ZeroDuration());
  // A key that is empty right now keeps its state.
  EXPECT_GT(limiter.Take("busy", kT0 + absl::Seconds(100)), absl::ZeroDuration());
}

}  // namespace
}  // namespace pim::server
