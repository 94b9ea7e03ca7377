#include "pim/domain/iso8601.h"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pim/domain/status.h"

namespace pim {
namespace {

using ::testing::HasSubstr;

absl::Time Utc(int year, int month, int day, int hour, int minute, int second) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, minute, second),
                         absl::UTCTimeZone());
}

// The largest duration the parser accepts: 2^63 - 1 ticks of 100 ns (.NET TimeSpan.MaxValue).
const absl::Duration kLargest =
    absl::Microseconds(std::numeric_limits<std::int64_t>::max() / 10) + absl::Nanoseconds(700);
constexpr std::string_view kLargestText = "P10675199DT2H48M5.4775807S";

template <typename T>
void ExpectBadRequest(const absl::StatusOr<T>& result, std::string_view input) {
  ASSERT_FALSE(result.ok()) << "accepted \"" << input << "\"";
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << input;
  EXPECT_EQ(ErrorCodeOf(result.status()), code::kBadRequest) << input;
}

// ---- ParseIsoDuration -------------------------------------------------------------------------

struct DurationCase {
  std::string_view text;
  absl::Duration expected;
};

TEST(IsoDurationTest, ParsesEveryDocumentedForm) {
  const DurationCase cases[] = {
      {"PT8H", absl::Hours(8)},
      {"PT1H45M", absl::Hours(1) + absl::Minutes(45)},
      {"P365D", absl::Hours(24 * 365)},
      {"P180D", absl::Hours(24 * 180)},
      {"P2W", absl::Hours(24 * 14)},
      {"P1DT12H", absl::Hours(36)},
      {"PT0.5S", absl::Milliseconds(500)},
      {"PT30M", absl::Minutes(30)},
      {"PT0S", absl::ZeroDuration()},
      {"P0D", absl::ZeroDuration()},
      {"PT08H", absl::Hours(8)},
      {"P1DT2H3M4.25S", absl::Hours(26) + absl::Minutes(3) + absl::Milliseconds(4250)},
      {"PT90M", absl::Minutes(90)},
      {"PT1.1234567S", absl::Seconds(1) + absl::Nanoseconds(123456700)},
      {"PT000000000000000000000000001S", absl::Seconds(1)},
  };
  for (const auto& c : cases) {
    const absl::StatusOr<absl::Duration> d = ParseIsoDuration(c.text);
    ASSERT_TRUE(d.ok()) << c.text << ": " << d.status();
    EXPECT_EQ(*d, c.expected) << c.text;
  }
}

TEST(IsoDurationTest, TruncatesFractionsBeyondOneHundredNanoseconds) {
  EXPECT_EQ(*ParseIsoDuration("PT0.00000009S"), absl::ZeroDuration());
  EXPECT_EQ(*ParseIsoDuration("PT1.99999999S"), absl::Seconds(2) - absl::Nanoseconds(100));
  EXPECT_EQ(*ParseIsoDuration("PT0.12345678901234567890S"), absl::Nanoseconds(123456700));
}

TEST(IsoDurationTest, RoundTripsToCanonicalForm) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"PT8H", "PT8H"},
      {"PT1H45M", "PT1H45M"},
      {"P365D", "P365D"},
      {"P180D", "P180D"},
      {"PT30M", "PT30M"},
      {"P1DT2H", "P1DT2H"},
      {"PT0.5S", "PT0.5S"},
      {"PT0S", "PT0S"},
      {"P2W", "P14D"},
      {"P0D", "PT0S"},
      {"PT24H", "P1D"},
      {"PT90M", "PT1H30M"},
      {"PT3600S", "PT1H"},
      {"P1DT0H", "P1D"},
      {"PT1.500S", "PT1.5S"},
      {"PT0.0000001S", "PT0.0000001S"},
      {"P1DT0.25S", "P1DT0.25S"},
      {"PT1H0.5S", "PT1H0.5S"},
      {kLargestText, kLargestText},
  };
  for (const auto& [input, canonical] : cases) {
    const absl::StatusOr<absl::Duration> d = ParseIsoDuration(input);
    ASSERT_TRUE(d.ok()) << input << ": " << d.status();
    EXPECT_EQ(FormatIsoDuration(*d), canonical) << input;
  }
}

TEST(IsoDurationTest, RejectsYearsAndMonths) {
  for (const std::string_view text : {"P1Y", "P1M", "P1Y2M3D", "P0Y", "P1MT1H"}) {
    const absl::StatusOr<absl::Duration> d = ParseIsoDuration(text);
    ExpectBadRequest(d, text);
    EXPECT_THAT(std::string(d.status().message()), HasSubstr("years and months")) << text;
  }
}

TEST(IsoDurationTest, RejectsNegativeDurations) {
  for (const std::string_view text : {"-PT1H", "-P1D", "PT-1H", "P-1D"}) {
    ExpectBadRequest(ParseIsoDuration(text), text);
  }
  EXPECT_THAT(std::string(ParseIsoDuration("-PT1H").status().message()), HasSubstr("negative"));
}

TEST(IsoDurationTest, RejectsDurationsWithoutComponents) {
  for (const std::string_view text : {"", "P", "PT", "P1DT", "T1H"}) {
    ExpectBadRequest(ParseIsoDuration(text), text);
  }
}

TEST(IsoDurationTest, RejectsOutOfOrderAndRepeatedComponents) {
  for (const std::string_view text : {"PT1M1H", "PT1S1M", "P1DT1H1H", "P1D1D", "PT1HT1M"}) {
    ExpectBadRequest(ParseIsoDuration(text), text);
  }
  EXPECT_THAT(std::string(ParseIsoDuration("PT1M1H").status().message()),
              HasSubstr("out of order"));
}

TEST(IsoDurationTest, RejectsMalformedText) {
  for (const std::string_view text :
       {"8H",    "PT8",   "PT8h",  "pt8h",  "PT 8H",  " PT8H", "PT8H ",   "PT1.5H",
        "P1.5D", "PT.5S", "PT1.S", "P1W1D", "P1DT1W", "PT1D",  "P1H",     "P1S",
        "P+1D",  "P1,5D", "P1DX",  "PX",    "PT1H\n", "P1W ",  "PT0x10S", "PT1e3S"}) {
    ExpectBadRequest(ParseIsoDuration(text), text);
  }
  ExpectBadRequest(ParseIsoDuration(std::string_view("PT1H\0", 5)), "PT1H\\0");
}

TEST(IsoDurationTest, RejectsOverflowInsteadOfWrappingAround) {
  for (const std::string_view text :
       {"P99999999999999999999D", "PT9223372036854775808S", "PT9223372036854775807H", "P10675200D",
        "P10675199DT3H", "P10675199DT2H48M5.4775808S", "P1525029W"}) {
    const absl::StatusOr<absl::Duration> d = ParseIsoDuration(text);
    ExpectBadRequest(d, text);
    EXPECT_THAT(std::string(d.status().message()), HasSubstr("too large")) << text;
  }
}

TEST(IsoDurationTest, AcceptsTheLargestRepresentableDuration) {
  const absl::StatusOr<absl::Duration> d = ParseIsoDuration(kLargestText);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(*d, kLargest);
}

TEST(IsoDurationTest, ErrorMessageQuotesTheInput) {
  const absl::Status status = ParseIsoDuration("P1Y").status();
  EXPECT_EQ(std::string(status.message()),
            "invalid ISO 8601 duration \"P1Y\": years and months are not supported (their "
            "length depends on the calendar)");
}

TEST(IsoDurationTest, ErrorMessageTruncatesLongInputAndEscapesControlBytes) {
  const std::string long_input = "PT" + std::string(500, '9') + "H";
  const std::string message(ParseIsoDuration(long_input).status().message());
  EXPECT_THAT(message, HasSubstr("\"PT" + std::string(62, '9') + "...\""));
  EXPECT_LT(message.size(), 200u);

  const std::string escaped(ParseIsoDuration("P\x01\x7f").status().message());
  EXPECT_THAT(escaped, HasSubstr("\"P\\x01\\x7f\""));
}

// Fuzzer regression (corpus/iso8601_duration_fuzzer/regression_nul_bytes_long_message): each
// NUL byte escapes to four characters, so a 64-byte cut still let messages grow past 300.
TEST(IsoDurationTest, ErrorMessageStaysShortForBinaryInput) {
  const std::string input = "PT" + std::string(57, '\0') + ";H";
  const std::string message(ParseIsoDuration(input).status().message());
  EXPECT_LT(message.size(), 200u) << message;
  EXPECT_THAT(message, HasSubstr("\"PT\\x00"));
  EXPECT_THAT(message, HasSubstr("...\""));
}

// ---- FormatIsoDuration ------------------------------------------------------------------------

TEST(IsoDurationTest, FormatsWholeDaysAsDays) {
  EXPECT_EQ(FormatIsoDuration(absl::Hours(24)), "P1D");
  EXPECT_EQ(FormatIsoDuration(absl::Hours(24 * 7)), "P7D");
  EXPECT_EQ(FormatIsoDuration(absl::Hours(24 * 365)), "P365D");
}

TEST(IsoDurationTest, FormatsMixedDurationsWithZeroPartsOmitted) {
  EXPECT_EQ(FormatIsoDuration(absl::Hours(26)), "P1DT2H");
  EXPECT_EQ(FormatIsoDuration(absl::Hours(24) + absl::Seconds(1)), "P1DT1S");
  EXPECT_EQ(FormatIsoDuration(absl::Minutes(61)), "PT1H1M");
  EXPECT_EQ(FormatIsoDuration(absl::Milliseconds(1500)), "PT1.5S");
  EXPECT_EQ(FormatIsoDuration(absl::Nanoseconds(100)), "PT0.0000001S");
}

TEST(IsoDurationTest, FormatsZeroAndClampsNegativeToZero) {
  EXPECT_EQ(FormatIsoDuration(absl::ZeroDuration()), "PT0S");
  EXPECT_EQ(FormatIsoDuration(-absl::Hours(1)), "PT0S");
  EXPECT_EQ(FormatIsoDuration(-absl::InfiniteDuration()), "PT0S");
}

TEST(IsoDurationTest, FormatTruncatesBelowOneHundredNanoseconds) {
  EXPECT_EQ(FormatIsoDuration(absl::Nanoseconds(99)), "PT0S");
  EXPECT_EQ(FormatIsoDuration(absl::Nanoseconds(199)), "PT0.0000001S");
  EXPECT_EQ(FormatIsoDuration(absl::Hours(24) + absl::Nanoseconds(1)), "P1D");
}

TEST(IsoDurationTest, FormatSaturatesBeyondTheParsableRange) {
  EXPECT_EQ(FormatIsoDuration(absl::InfiniteDuration()), kLargestText);
  EXPECT_EQ(FormatIsoDuration(absl::Hours(24) * 20'000'000), kLargestText);
}

// ---- ParseDateTime / FormatDateTime -----------------------------------------------------------

TEST(DateTimeTest, ParsesUtcWithZSuffix) {
  const absl::StatusOr<absl::Time> t = ParseDateTime("2024-05-01T08:00:00Z");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t, Utc(2024, 5, 1, 8, 0, 0));
}

TEST(DateTimeTest, TakesOffsetLessTimesAsUtc) {
  EXPECT_EQ(*ParseDateTime("2024-05-01T08:00:00"), Utc(2024, 5, 1, 8, 0, 0));
}

TEST(DateTimeTest, AppliesUtcOffsets) {
  EXPECT_EQ(*ParseDateTime("2024-05-01T10:00:00+02:00"), Utc(2024, 5, 1, 8, 0, 0));
  EXPECT_EQ(*ParseDateTime("2024-05-01T02:30:00-05:30"), Utc(2024, 5, 1, 8, 0, 0));
  EXPECT_EQ(*ParseDateTime("2024-05-01T08:00:00+00:00"), Utc(2024, 5, 1, 8, 0, 0));
  EXPECT_EQ(*ParseDateTime("2024-05-01T08:00:00-00:00"), Utc(2024, 5, 1, 8, 0, 0));
  EXPECT_EQ(*ParseDateTime("2024-12-31T23:00:00-02:00"), Utc(2025, 1, 1, 1, 0, 0));
}

TEST(DateTimeTest, ParsesSevenFractionalDigits) {
  EXPECT_EQ(*ParseDateTime("2023-02-07T07:05:55.3404527Z"),
            Utc(2023, 2, 7, 7, 5, 55) + absl::Nanoseconds(340452700));
  EXPECT_EQ(*ParseDateTime("2023-02-07T07:05:55.5Z"),
            Utc(2023, 2, 7, 7, 5, 55) + absl::Milliseconds(500));
}

TEST(DateTimeTest, TruncatesFractionsBeyondOneHundredNanoseconds) {
  EXPECT_EQ(*ParseDateTime("2024-05-01T08:00:00.123456789Z"),
            Utc(2024, 5, 1, 8, 0, 0) + absl::Nanoseconds(123456700));
  EXPECT_EQ(*ParseDateTime("2024-05-01T08:00:00.99999999999999999999Z"),
            Utc(2024, 5, 1, 8, 0, 1) - absl::Nanoseconds(100));
}

TEST(DateTimeTest, AcceptsMinutePrecisionAndLowercaseSeparators) {
  // OData's dateTimeOffsetValue makes seconds optional; RFC 3339 allows 't' and 'z'.
  EXPECT_EQ(*ParseDateTime("2022-12-08T07:43Z"), Utc(2022, 12, 8, 7, 43, 0));
  EXPECT_EQ(*ParseDateTime("2024-05-01t08:00:00z"), Utc(2024, 5, 1, 8, 0, 0));
}

TEST(DateTimeTest, AcceptsLeapDaysOnlyInLeapYears) {
  EXPECT_TRUE(ParseDateTime("2024-02-29T00:00:00Z").ok());
  EXPECT_TRUE(ParseDateTime("2000-02-29T00:00:00Z").ok());
  ExpectBadRequest(ParseDateTime("2023-02-29T00:00:00Z"), "2023-02-29");
  ExpectBadRequest(ParseDateTime("1900-02-29T00:00:00Z"), "1900-02-29");
}

TEST(DateTimeTest, AcceptsTheWholeFourDigitYearRange) {
  EXPECT_EQ(FormatDateTime(*ParseDateTime("0001-01-01T00:00:00Z")), "0001-01-01T00:00:00Z");
  EXPECT_EQ(FormatDateTime(*ParseDateTime("9999-12-31T23:59:59.9999999Z")),
            "9999-12-31T23:59:59.9999999Z");
}

TEST(DateTimeTest, RejectsMalformedOrOutOfRangeText) {
  for (const std::string_view text : {
           "",
           "2024-05-01",
           "2024-05-01T",
           "2024-05-01T08",
           "2024-05-01 08:00:00Z",
           "2024-5-01T08:00:00Z",
           "2024-05-1T08:00:00Z",
           "2024-05-01T8:00:00Z",
           "2024-05-01T08:00:0Z",
           "24-05-01T08:00:00Z",
           "+2024-05-01T08:00:00Z",
           "2024-00-01T00:00:00Z",
           "2024-13-01T00:00:00Z",
           "2024-04-31T00:00:00Z",
           "2024-05-00T00:00:00Z",
           "2024-05-01T24:00:00Z",
           "2024-05-01T23:60:00Z",
           "2024-05-01T23:59:60Z",
           "2024-05-01T08:00:00ZZ",
           "2024-05-01T08:00:00Z ",
           " 2024-05-01T08:00:00Z",
           "2024-05-01T08:00:00+2:00",
           "2024-05-01T08:00:00+02",
           "2024-05-01T08:00:00+0200",
           "2024-05-01T08:00:00+24:00",
           "2024-05-01T08:00:00+02:60",
           "2024-05-01T08:00:00.Z",
           "2024-05-01T08:00:00,5Z",
           "2024-05-01T08:00:00GMT",
           "2024-05-01T08:00:00 UTC",
           "0000-01-01T00:00:00Z",
           "0001-01-01T00:00:00+00:01",
           "9999-12-31T23:59:59-00:01",
           "infinite-future",
           "１９７０-01-01T00:00:00Z",
       }) {
    ExpectBadRequest(ParseDateTime(text), text);
  }
  ExpectBadRequest(ParseDateTime(std::string_view("2024-05-01T08:00:00Z\0", 21)), "NUL");
}

TEST(DateTimeTest, ErrorMessageQuotesTheInputAndSaysWhatIsWrong) {
  const std::string message(ParseDateTime("2024-13-01T00:00:00Z").status().message());
  EXPECT_THAT(message, HasSubstr("\"2024-13-01T00:00:00Z\""));
  EXPECT_THAT(message, HasSubstr("month out of range"));
  const std::string long_message(ParseDateTime(std::string(1000, '2')).status().message());
  EXPECT_THAT(long_message, HasSubstr("\"" + std::string(64, '2') + "...\""));
  EXPECT_LT(long_message.size(), 200u);
}

// Fuzzer regression (corpus/iso8601_datetime_fuzzer/regression_nul_bytes_long_message).
TEST(DateTimeTest, ErrorMessageStaysShortForBinaryInput) {
  const std::string input = std::string(52, '\0') + "00:00Z";
  const absl::StatusOr<absl::Time> t = ParseDateTime(input);
  ExpectBadRequest(t, "NUL bytes");
  EXPECT_LT(t.status().message().size(), 200u) << t.status();
}

TEST(DateTimeTest, FormatsWholeSecondsWithoutFraction) {
  EXPECT_EQ(FormatDateTime(Utc(2024, 5, 1, 8, 0, 0)), "2024-05-01T08:00:00Z");
  EXPECT_EQ(FormatDateTime(absl::UnixEpoch()), "1970-01-01T00:00:00Z");
}

TEST(DateTimeTest, FormatsSubSecondsAsSevenDigits) {
  EXPECT_EQ(FormatDateTime(Utc(2023, 2, 7, 7, 5, 55) + absl::Nanoseconds(340452700)),
            "2023-02-07T07:05:55.3404527Z");
  EXPECT_EQ(FormatDateTime(Utc(2024, 5, 1, 8, 0, 0) + absl::Milliseconds(500)),
            "2024-05-01T08:00:00.5000000Z");
  EXPECT_EQ(FormatDateTime(absl::FromUnixMillis(-1)), "1969-12-31T23:59:59.9990000Z");
}

TEST(DateTimeTest, FormatsYearsBeyondFourDigitsInFull) {
  EXPECT_EQ(FormatDateTime(Utc(10000, 1, 2, 3, 4, 5)), "10000-01-02T03:04:05Z");
  EXPECT_EQ(FormatDateTime(Utc(9999, 12, 31, 23, 59, 59)), "9999-12-31T23:59:59Z");
}

// The digits are written by hand; across random instants they match what absl's formatters
// give for the same fields.
TEST(DateTimeTest, FormatMatchesAbslAcrossRandomInstants) {
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  for (int i = 0; i < 20000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    // Between years 1 and 9999, at 100 ns resolution.
    const std::int64_t span_ticks = 315'537'897'599LL * 10'000'000LL;
    const std::int64_t offset = static_cast<std::int64_t>(state >> 2) % span_ticks;
    const absl::Time t = absl::FromCivil(absl::CivilSecond(1, 1, 1), absl::UTCTimeZone()) +
                         absl::Nanoseconds(100) * offset;
    // absl's %Y does not pad years below 1000 to four digits; ISO 8601 does.
    const absl::CivilSecond cs = absl::ToCivilSecond(t, absl::UTCTimeZone());
    std::string expected = absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d", cs.year(), cs.month(),
                                           cs.day(), cs.hour(), cs.minute(), cs.second());
    if (offset % 10'000'000 != 0) {
      expected += absl::FormatTime(".%E7f", t, absl::UTCTimeZone()).substr(0, 8);
    }
    expected += 'Z';
    ASSERT_EQ(FormatDateTime(t), expected) << offset;
  }
}

TEST(DateTimeTest, FormatTruncatesBelowOneHundredNanoseconds) {
  EXPECT_EQ(FormatDateTime(absl::UnixEpoch() + absl::Nanoseconds(99)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatDateTime(absl::UnixEpoch() + absl::Nanoseconds(150)),
            "1970-01-01T00:00:00.0000001Z");
  EXPECT_EQ(FormatDateTime(absl::UnixEpoch() - absl::Nanoseconds(50)),
            "1969-12-31T23:59:59.9999999Z");
}

TEST(DateTimeTest, RoundTripsParsedTimes) {
  for (const std::string_view text : {"2024-05-01T08:00:00Z", "2023-02-07T07:05:55.3404527Z",
                                      "2000-02-29T23:59:59.0000001Z", "1969-07-20T20:17:40Z"}) {
    const absl::StatusOr<absl::Time> t = ParseDateTime(text);
    ASSERT_TRUE(t.ok()) << text << ": " << t.status();
    EXPECT_EQ(FormatDateTime(*t), text);
  }
  EXPECT_EQ(FormatDateTime(*ParseDateTime("2024-05-01T10:00:00.5+02:00")),
            "2024-05-01T08:00:00.5000000Z");
}

}  // namespace
}  // namespace pim
