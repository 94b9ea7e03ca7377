#include "pim/cli/user_duration.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "pim/domain/iso8601.h"

namespace pim::cli {
namespace {

absl::Status Bad(std::string_view text) {
  return absl::InvalidArgumentError(
      absl::StrCat("'", absl::string_view(text.data(), text.size()),
                   "' is not a duration; use ISO 8601 (PT2H) or a short form (2h, 30m, 1h30m)"));
}

}  // namespace

absl::StatusOr<absl::Duration> ParseUserDuration(std::string_view text) {
  if (text.empty()) return Bad(text);
  if (text.front() == 'P' || text.front() == 'p') {
    auto d = ParseIsoDuration(absl::AsciiStrToUpper(absl::string_view(text.data(), text.size())));
    if (!d.ok() || *d <= absl::ZeroDuration()) return Bad(text);
    return *d;
  }
  constexpr std::string_view kUnits = "dhms";
  absl::Duration total = absl::ZeroDuration();
  std::size_t next_unit = 0;  // units must come in order, each at most once
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t n = 0;
    std::size_t digits = 0;
    while (i < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) {
      if (n > 1'000'000) return Bad(text);
      n = n * 10 + (text[i] - '0');
      ++i;
      ++digits;
    }
    if (digits == 0 || i >= text.size()) return Bad(text);
    const std::size_t unit =
        kUnits.find(absl::ascii_tolower(static_cast<unsigned char>(text[i])), next_unit);
    if (unit == std::string_view::npos) return Bad(text);
    ++i;
    next_unit = unit + 1;
    switch (kUnits[unit]) {
      case 'd':
        total += absl::Hours(24 * n);
        break;
      case 'h':
        total += absl::Hours(n);
        break;
      case 'm':
        total += absl::Minutes(n);
        break;
      default:
        total += absl::Seconds(n);
        break;
    }
  }
  if (total <= absl::ZeroDuration()) return Bad(text);
  return total;
}

absl::StatusOr<absl::Time> ParseUserTime(std::string_view text) {
  auto t = ParseDateTime(text);
  if (!t.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", absl::string_view(text.data(), text.size()),
                     "' is not a date-time; use ISO 8601, e.g. 2026-01-05T09:00:00Z"));
  }
  // Without a zone the server reads UTC, which is rarely what a person at a terminal meant.
  const std::size_t time_part = text.find_first_of("Tt");
  const bool zoned =
      !text.empty() && (text.back() == 'Z' || text.back() == 'z' ||
                        (time_part != std::string_view::npos &&
                         text.find_first_of("+-", time_part) != std::string_view::npos));
  if (!zoned) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", absl::string_view(text.data(), text.size()),
                     "' has no time zone; add Z for UTC or an offset such as +01:00"));
  }
  return *t;
}

std::string ShortTime(absl::Time t) {
  if (t == absl::InfiniteFuture()) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%MZ", t, absl::UTCTimeZone());
}

}  // namespace pim::cli
