// ParseIsoDuration is total (a value or InvalidArgument with a bounded message), and accepted
// durations survive a trip through their canonical form: Parse(Format(d)) == d, and that form
// is a fixed point of Format(Parse(.)).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "pim/domain/iso8601.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<absl::Duration> parsed = pim::ParseIsoDuration(input);
  if (!parsed.ok()) {
    PIM_FUZZ_CHECK(parsed.status().code() == absl::StatusCode::kInvalidArgument, input);
    PIM_FUZZ_CHECK(parsed.status().message().size() < 200, input);
    return 0;
  }
  PIM_FUZZ_CHECK(*parsed >= absl::ZeroDuration(), input);
  PIM_FUZZ_CHECK(*parsed < absl::InfiniteDuration(), input);
  const std::string canonical = pim::FormatIsoDuration(*parsed);
  const absl::StatusOr<absl::Duration> again = pim::ParseIsoDuration(canonical);
  PIM_FUZZ_CHECK(again.ok(), input);
  PIM_FUZZ_CHECK(*again == *parsed, input);
  PIM_FUZZ_CHECK(pim::FormatIsoDuration(*again) == canonical, input);
  return 0;
}
