// ParseDateTime is total (a value or InvalidArgument with a bounded message), and accepted
// times survive a trip through their canonical UTC form: Parse(Format(t)) == t, and that form is
// a fixed point of Format(Parse(.)).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "pim/domain/iso8601.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<absl::Time> parsed = pim::ParseDateTime(input);
  if (!parsed.ok()) {
    PIM_FUZZ_CHECK(parsed.status().code() == absl::StatusCode::kInvalidArgument, input);
    PIM_FUZZ_CHECK(parsed.status().message().size() < 200, input);
    return 0;
  }
  const std::string canonical = pim::FormatDateTime(*parsed);
  PIM_FUZZ_CHECK(canonical.size() == 20 || canonical.size() == 28, input);
  const absl::StatusOr<absl::Time> again = pim::ParseDateTime(canonical);
  PIM_FUZZ_CHECK(again.ok(), input);
  PIM_FUZZ_CHECK(*again == *parsed, input);
  PIM_FUZZ_CHECK(pim::FormatDateTime(*again) == canonical, input);
  return 0;
}
