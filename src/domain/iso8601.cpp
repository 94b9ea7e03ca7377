#include "pim/domain/iso8601.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "text_util.h"

namespace pim {
namespace {

// Both wires are .NET underneath: times and durations have a resolution of 100 ns ("ticks"),
// which is also what the seven fractional digits of the output can carry.
constexpr std::int64_t kTicksPerSecond = 10'000'000;
constexpr std::int64_t kTicksPerMinute = 60 * kTicksPerSecond;
constexpr std::int64_t kTicksPerHour = 60 * kTicksPerMinute;
constexpr std::int64_t kTicksPerDay = 24 * kTicksPerHour;
constexpr std::int64_t kTicksPerWeek = 7 * kTicksPerDay;
constexpr int kFractionDigits = 7;
constexpr absl::Duration kTick = absl::Nanoseconds(100);

absl::Duration FromTicks(std::int64_t ticks) {
  // Split so that ticks * 100 cannot overflow.
  return absl::Microseconds(ticks / 10) + absl::Nanoseconds((ticks % 10) * 100);
}

// Reads a string left to right; every accessor is bounds-checked.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  [[nodiscard]] bool AtEnd() const { return pos_ == text_.size(); }
  [[nodiscard]] char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  [[nodiscard]] bool PeekDigit() const {
    return !AtEnd() && absl::ascii_isdigit(static_cast<unsigned char>(text_[pos_]));
  }
  char Next() { return AtEnd() ? '\0' : text_[pos_++]; }
  bool Consume(char c) {
    if (AtEnd() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  // Exactly `width` decimal digits (width <= 9), or nullopt with nothing consumed.
  std::optional<int> FixedDigits(int width) {
    int value = 0;
    std::size_t pos = pos_;
    for (int i = 0; i < width; ++i, ++pos) {
      if (pos == text_.size() || !absl::ascii_isdigit(static_cast<unsigned char>(text_[pos]))) {
        return std::nullopt;
      }
      value = value * 10 + (text_[pos] - '0');
    }
    pos_ = pos;
    return value;
  }

  // One or more digits as a non-negative int64. nullopt when there is no digit or the value
  // does not fit (`*overflow` tells which).
  std::optional<std::int64_t> Integer(bool* overflow) {
    *overflow = false;
    if (!PeekDigit()) return std::nullopt;
    std::int64_t value = 0;
    while (PeekDigit()) {
      const int digit = Next() - '0';
      if (__builtin_mul_overflow(value, 10, &value) ||
          __builtin_add_overflow(value, digit, &value)) {
        *overflow = true;
      }
    }
    if (*overflow) return std::nullopt;
    return value;
  }

  // A fraction's digits (after the '.') as 100 ns ticks: the first seven digits count, later
  // ones are read and dropped (truncation). nullopt when there is no digit.
  std::optional<std::int64_t> FractionTicks() {
    if (!PeekDigit()) return std::nullopt;
    std::int64_t ticks = 0;
    int digits = 0;
    while (PeekDigit()) {
      const int digit = Next() - '0';
      if (digits < kFractionDigits) {
        ticks = ticks * 10 + digit;
        ++digits;
      }
    }
    for (; digits < kFractionDigits; ++digits) ticks *= 10;
    return ticks;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

absl::Status DateTimeError(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("invalid date-time ", internal::Quote(text), ": ",
                                                 internal::ToAbsl(why),
                                                 " (expected e.g. 2024-05-01T08:00:00Z)"));
}

absl::Status DurationError(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid ISO 8601 duration ", internal::Quote(text), ": ", internal::ToAbsl(why)));
}

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Duration designators in the only order ISO 8601 allows them.
enum class Unit { kWeek, kDay, kHour, kMinute, kSecond };

std::int64_t TicksPer(Unit unit) {
  switch (unit) {
    case Unit::kWeek:
      return kTicksPerWeek;
    case Unit::kDay:
      return kTicksPerDay;
    case Unit::kHour:
      return kTicksPerHour;
    case Unit::kMinute:
      return kTicksPerMinute;
    case Unit::kSecond:
      return kTicksPerSecond;
  }
  return 0;
}

}  // namespace

absl::StatusOr<absl::Time> ParseDateTime(std::string_view text) {
  // Grammar (OData's dateTimeOffsetValue, with the offset optional as Graph accepts it):
  //   YYYY-MM-DD T hh:mm[:ss[.fraction]] [Z | (+|-)hh:mm]
  Cursor in(text);
  const std::optional<int> year = in.FixedDigits(4);
  if (!year || !in.Consume('-')) return DateTimeError(text, "expected a date as YYYY-MM-DD");
  const std::optional<int> month = in.FixedDigits(2);
  if (!month || !in.Consume('-')) return DateTimeError(text, "expected a date as YYYY-MM-DD");
  const std::optional<int> day = in.FixedDigits(2);
  if (!day) return DateTimeError(text, "expected a date as YYYY-MM-DD");
  if (!in.Consume('T') && !in.Consume('t')) {
    return DateTimeError(text, "expected 'T' between the date and the time");
  }
  const std::optional<int> hour = in.FixedDigits(2);
  if (!hour || !in.Consume(':')) return DateTimeError(text, "expected a time as hh:mm:ss");
  const std::optional<int> minute = in.FixedDigits(2);
  if (!minute) return DateTimeError(text, "expected a time as hh:mm:ss");
  int second = 0;
  std::int64_t fraction_ticks = 0;
  if (in.Consume(':')) {
    const std::optional<int> s = in.FixedDigits(2);
    if (!s) return DateTimeError(text, "expected two digits of seconds");
    second = *s;
    if (in.Consume('.')) {
      const std::optional<std::int64_t> f = in.FractionTicks();
      if (!f) return DateTimeError(text, "expected digits after '.'");
      fraction_ticks = *f;
    }
  }
  int offset_minutes = 0;
  if (in.Consume('Z') || in.Consume('z')) {
    // UTC.
  } else if (in.Peek() == '+' || in.Peek() == '-') {
    const int sign = in.Next() == '-' ? -1 : 1;
    const std::optional<int> offset_hours = in.FixedDigits(2);
    const std::optional<int> offset_mins =
        offset_hours && in.Consume(':') ? in.FixedDigits(2) : std::nullopt;
    if (!offset_mins) return DateTimeError(text, "expected a UTC offset as +hh:mm or -hh:mm");
    if (*offset_hours > 23 || *offset_mins > 59) {
      return DateTimeError(text, "UTC offset out of range");
    }
    offset_minutes = sign * (*offset_hours * 60 + *offset_mins);
  } else if (!in.AtEnd()) {
    return DateTimeError(text, "expected 'Z', a UTC offset, or the end of the text");
  }
  if (!in.AtEnd()) return DateTimeError(text, "unexpected text after the date-time");

  if (*year < 1) return DateTimeError(text, "year 0000 does not exist");
  if (*month < 1 || *month > 12) return DateTimeError(text, "month out of range");
  if (*day < 1 || *day > DaysInMonth(*year, *month)) {
    return DateTimeError(text, "day out of range for the month");
  }
  if (*hour > 23 || *minute > 59 || second > 59) return DateTimeError(text, "time out of range");

  const absl::Time t =
      absl::FromCivil(absl::CivilSecond(*year, *month, *day, *hour, *minute, second),
                      absl::UTCTimeZone()) +
      FromTicks(fraction_ticks) - absl::Minutes(offset_minutes);
  // Keep every accepted time printable as a four-digit year in UTC (and so re-parseable).
  if (t < absl::FromCivil(absl::CivilSecond(1, 1, 1, 0, 0, 0), absl::UTCTimeZone()) ||
      t >= absl::FromCivil(absl::CivilSecond(10000, 1, 1, 0, 0, 0), absl::UTCTimeZone())) {
    return DateTimeError(text, "outside the years 0001-9999 in UTC");
  }
  return t;
}

std::string FormatDateTime(absl::Time t) {
  const absl::TimeZone::CivilInfo info = absl::UTCTimeZone().At(t);
  absl::Duration unused;
  const std::int64_t ticks = absl::IDivDuration(info.subsecond, kTick, &unused);
  if (info.cs.year() < 0 || info.cs.year() > 9999) {  // beyond four digits: the general path
    std::string out =
        absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d", info.cs.year(), info.cs.month(),
                        info.cs.day(), info.cs.hour(), info.cs.minute(), info.cs.second());
    if (ticks > 0) absl::StrAppendFormat(&out, ".%07d", ticks);
    out += 'Z';
    return out;
  }
  // Every API answer carries dates: the digits are written in place, without a format parser.
  std::array<char, 28> text{};  // yyyy-mm-ddThh:mm:ss.fffffffZ
  auto digits = [&](std::size_t at, std::int64_t value, std::size_t width) {
    for (std::size_t i = width; i-- > 0; value /= 10)
      text[at + i] = static_cast<char>('0' + value % 10);
  };
  digits(0, info.cs.year(), 4);
  text[4] = '-';
  digits(5, info.cs.month(), 2);
  text[7] = '-';
  digits(8, info.cs.day(), 2);
  text[10] = 'T';
  digits(11, info.cs.hour(), 2);
  text[13] = ':';
  digits(14, info.cs.minute(), 2);
  text[16] = ':';
  digits(17, info.cs.second(), 2);
  std::size_t size = 19;
  if (ticks > 0) {
    text[size++] = '.';
    digits(size, ticks, 7);
    size += 7;
  }
  text[size++] = 'Z';
  return std::string(text.data(), size);
}

absl::StatusOr<absl::Duration> ParseIsoDuration(std::string_view text) {
  // Grammar: P nW | P [nD] [T [nH] [nM] [n[.fraction]S]], at least one component, n decimal.
  // The value is summed in 100 ns ticks with overflow checks, so the range is that of an int64
  // tick count (about 29,000 years), as for .NET's TimeSpan.
  if (text.empty()) return DurationError(text, "empty text");
  Cursor in(text);
  if (in.Peek() == '-') return DurationError(text, "negative durations are not allowed");
  if (!in.Consume('P')) return DurationError(text, "must start with 'P'");
  bool in_time = false;
  bool any_component = false;
  std::optional<Unit> previous;
  std::int64_t total = 0;
  while (!in.AtEnd()) {
    if (in.Consume('T')) {
      if (in_time) return DurationError(text, "'T' appears twice");
      if (in.AtEnd())
        return DurationError(text, "'T' must be followed by hours, minutes or seconds");
      in_time = true;
      continue;
    }
    bool overflow = false;
    const std::optional<std::int64_t> number = in.Integer(&overflow);
    if (overflow) return DurationError(text, "number too large");
    if (!number)
      return DurationError(
          text, absl::StrCat("unexpected character '", absl::CHexEscape(std::string(1, in.Peek())),
                             "' where a number was expected"));
    std::int64_t fraction_ticks = 0;
    const bool has_fraction = in.Consume('.');
    if (has_fraction) {
      const std::optional<std::int64_t> f = in.FractionTicks();
      if (!f) return DurationError(text, "expected digits after '.'");
      fraction_ticks = *f;
    }
    if (in.AtEnd()) return DurationError(text, "number without a unit designator");
    const char designator = in.Next();
    Unit unit;
    if (!in_time) {
      switch (designator) {
        case 'Y':
        case 'M':
          return DurationError(
              text, "years and months are not supported (their length depends on the calendar)");
        case 'W':
          unit = Unit::kWeek;
          break;
        case 'D':
          unit = Unit::kDay;
          break;
        case 'H':
        case 'S':
          return DurationError(text, "hours, minutes and seconds must follow 'T'");
        default:
          return DurationError(text, "unknown designator (expected W or D before 'T')");
      }
    } else {
      switch (designator) {
        case 'H':
          unit = Unit::kHour;
          break;
        case 'M':
          unit = Unit::kMinute;
          break;
        case 'S':
          unit = Unit::kSecond;
          break;
        case 'Y':
        case 'W':
        case 'D':
          return DurationError(text, "years, weeks and days must come before 'T'");
        default:
          return DurationError(text, "unknown designator (expected H, M or S after 'T')");
      }
    }
    if (has_fraction && unit != Unit::kSecond) {
      return DurationError(text, "only seconds may have a fractional part");
    }
    if (unit == Unit::kWeek && (any_component || !in.AtEnd())) {
      return DurationError(text, "weeks cannot be combined with other components");
    }
    if (previous && *previous >= unit) {
      return DurationError(text, "components out of order or repeated");
    }
    previous = unit;
    any_component = true;
    std::int64_t ticks = 0;
    if (__builtin_mul_overflow(*number, TicksPer(unit), &ticks) ||
        __builtin_add_overflow(ticks, fraction_ticks, &ticks) ||
        __builtin_add_overflow(total, ticks, &total)) {
      return DurationError(text, "duration too large");
    }
  }
  if (!any_component) return DurationError(text, "no components (e.g. PT8H, P1D)");
  return FromTicks(total);
}

std::string FormatIsoDuration(absl::Duration d) {
  if (d <= absl::ZeroDuration()) return "PT0S";
  absl::Duration sub_tick;
  // Truncates to 100 ns; saturates (infinite or beyond the parser's range) at the largest value.
  std::int64_t ticks = absl::IDivDuration(d, kTick, &sub_tick);
  if (ticks == 0) return "PT0S";
  if (ticks % kTicksPerDay == 0) return absl::StrCat("P", ticks / kTicksPerDay, "D");
  std::string out = "P";
  if (const std::int64_t days = ticks / kTicksPerDay; days > 0) absl::StrAppend(&out, days, "D");
  ticks %= kTicksPerDay;
  out += 'T';
  const std::int64_t hours = ticks / kTicksPerHour;
  const std::int64_t minutes = ticks % kTicksPerHour / kTicksPerMinute;
  const std::int64_t seconds = ticks % kTicksPerMinute / kTicksPerSecond;
  const std::int64_t fraction = ticks % kTicksPerSecond;
  if (hours > 0) absl::StrAppend(&out, hours, "H");
  if (minutes > 0) absl::StrAppend(&out, minutes, "M");
  if (seconds > 0 || fraction > 0) {
    absl::StrAppend(&out, seconds);
    if (fraction > 0) {
      std::string digits = absl::StrFormat("%07d", fraction);
      digits.erase(digits.find_last_not_of('0') + 1);
      absl::StrAppend(&out, ".", digits);
    }
    out += 'S';
  }
  return out;
}

}  // namespace pim
