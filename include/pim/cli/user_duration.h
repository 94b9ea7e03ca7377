// Durations and times as people type them on the command line.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace pim::cli {

// Parses an ISO 8601 duration ("PT2H", "P1DT12H", case-insensitive) or a compact one made of
// <number><unit> parts with units d, h, m, s in that order ("2h", "30m", "1h30m", "1d", "90s").
// The result is positive. Errors: InvalidArgument naming the text.
[[nodiscard]] absl::StatusOr<absl::Duration> ParseUserDuration(std::string_view text);

// Parses an ISO 8601 date-time ("2026-01-05T09:00:00Z", an offset, or no zone for UTC).
// Errors: InvalidArgument naming the text.
[[nodiscard]] absl::StatusOr<absl::Time> ParseUserTime(std::string_view text);

// Short human form of a time for tables: "2026-01-05 11:00Z"; "-" for absl::InfiniteFuture().
[[nodiscard]] std::string ShortTime(absl::Time t);

}  // namespace pim::cli
