// ISO 8601 date-times and durations exactly as the Graph and ARM PIM APIs spell them.
// Parsers are total: any input yields a value or InvalidArgument, never a crash (fuzzed).
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace pim {

// Parses "2024-05-01T08:00:00Z", "2024-05-01T08:00:00.1234567Z", "...+02:00", and the
// offset-less form "2024-05-01T08:00:00" (taken as UTC, as Graph does). Fractions beyond
// 100 ns are truncated. On failure: InvalidArgument naming the text.
[[nodiscard]] absl::StatusOr<absl::Time> ParseDateTime(std::string_view text);

// UTC, "Z" suffix; seven fractional digits when the time has a sub-second part
// ("2023-02-07T07:05:55.3404527Z"), none otherwise ("2024-05-01T08:00:00Z").
[[nodiscard]] std::string FormatDateTime(absl::Time t);

// Parses an ISO 8601 duration: "PT8H", "PT1H45M", "P365D", "P2W", "P1DT12H", "PT0.5S".
// Years and months are rejected (their length depends on the calendar). Negative,
// empty ("P", "PT"), out-of-order, or overflowing durations are InvalidArgument.
[[nodiscard]] absl::StatusOr<absl::Duration> ParseIsoDuration(std::string_view text);

// Canonical form: whole days as "P{n}D"; otherwise "P{d}DT{h}H{m}M{s}S" with zero parts
// omitted ("PT8H", "PT1H45M", "P1DT2H", "PT0.5S", zero as "PT0S"). Negative input is clamped to 0.
[[nodiscard]] std::string FormatIsoDuration(absl::Duration d);

}  // namespace pim
