// How `pimctl … --wait` paces its polls of a pending request: soon after submitting (an approver
// may decide within seconds), then less and less often, but never less often than every two
// seconds; a server that answers 429 Too Many Requests with Retry-After is left alone for as long
// as it asks (within a cap). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "absl/time/time.h"

namespace pim::cli {

struct PollBackoff {
  absl::Duration initial = absl::Milliseconds(250);
  absl::Duration max = absl::Seconds(2);
  double factor = 1.5;
  // The longest pause a Retry-After may ask for; a longer one is cut to this.
  absl::Duration retry_after_cap = absl::Seconds(60);
};

// The pause before poll number `attempt` (0: the first poll after submitting):
// `initial * factor^attempt`, whole milliseconds, at most `max`. 250 ms, 375 ms, 562 ms, 843 ms,
// 1.265 s, 1.898 s, then 2 s for ever with the defaults. A negative `attempt` counts as 0.
[[nodiscard]] absl::Duration PollDelay(int attempt, const PollBackoff& backoff = {});

// The pause before poll number `attempt` when the previous poll was answered 429 with
// `retry_after` (nullopt: the poll was answered normally): the larger of PollDelay and
// Retry-After, Retry-After being cut to `retry_after_cap`.
[[nodiscard]] absl::Duration NextPollDelay(int attempt, std::optional<absl::Duration> retry_after,
                                           const PollBackoff& backoff = {});

// A Retry-After header (RFC 9110 10.2.3): delay-seconds ("5") or an HTTP-date
// ("Wed, 21 Oct 2026 07:28:00 GMT", counted from `now`; a date in the past is zero). nullopt for
// an empty or malformed value.
[[nodiscard]] std::optional<absl::Duration> ParseRetryAfter(std::string_view header,
                                                            absl::Time now);

}  // namespace pim::cli
