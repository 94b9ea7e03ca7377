#include "pim/cli/user_duration.h"

#include <gtest/gtest.h>

namespace pim::cli {
namespace {

TEST(UserDurationTest, AcceptsShortForms) {
  EXPECT_EQ(*ParseUserDuration("2h"), absl::Hours(2));
  EXPECT_EQ(*ParseUserDuration("30m"), absl::Minutes(30));
  EXPECT_EQ(*ParseUserDuration("1h30m"), absl::Minutes(90));
  EXPECT_EQ(*ParseUserDuration("1d"), absl::Hours(24));
  EXPECT_EQ(*ParseUserDuration("90s"), absl::Seconds(90));
  EXPECT_EQ(*ParseUserDuration("1d2h3m4s"), absl::Hours(26) + absl::Minutes(3) + absl::Seconds(4));
  EXPECT_EQ(*ParseUserDuration("2H"), absl::Hours(2));
}

TEST(UserDurationTest, AcceptsIso8601InEitherCase) {
  EXPECT_EQ(*ParseUserDuration("PT2H"), absl::Hours(2));
  EXPECT_EQ(*ParseUserDuration("pt1h45m"), absl::Minutes(105));
  EXPECT_EQ(*ParseUserDuration("P1DT12H"), absl::Hours(36));
}

TEST(UserDurationTest, RefusesMalformedOrEmptyDurations) {
  for (const char* bad : {"", "h", "2", "2x", "30m2h", "2h2h", "0h", "PT0S", "P1Y", "-2h", "2 h",
                          "PT", "99999999999h"}) {
    auto d = ParseUserDuration(bad);
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(UserDurationTest, ParsesDateTimesAndFormatsShortTimes) {
  auto t = ParseUserTime("2026-01-05T09:00:00Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(ShortTime(*t), "2026-01-05 09:00Z");
  EXPECT_EQ(ShortTime(absl::InfiniteFuture()), "-");
  EXPECT_EQ(ParseUserTime("tomorrow").status().code(), absl::StatusCode::kInvalidArgument);
  // A time without a zone would be read as UTC: refused, asking for one.
  const auto zoneless = ParseUserTime("2026-01-05T09:00");
  EXPECT_EQ(zoneless.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(zoneless.status().message().find("time zone"), std::string::npos);
  auto offset = ParseUserTime("2026-01-05T10:00:00+01:00");
  ASSERT_TRUE(offset.ok()) << offset.status();
  EXPECT_EQ(*offset, *t);
}

}  // namespace
}  // namespace pim::cli
