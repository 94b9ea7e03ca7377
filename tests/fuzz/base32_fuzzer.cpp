// Base32Decode is total and canonical: whatever it accepts is exactly what Base32Encode makes
// of the result, once case, spaces and padding are set aside. Encoding any bytes and decoding
// them (in either case) gives the bytes back.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "fuzz_check.h"
#include "pim/identity/base32.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (const auto decoded = pim::identity::Base32Decode(input)) {
    std::string normal;
    for (const char c : input) {
      if (c != ' ' && c != '=')
        normal.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
    }
    PIM_FUZZ_CHECK(pim::identity::Base32Encode(*decoded) == normal, input);
  }
  const std::string encoded = pim::identity::Base32Encode(input);
  PIM_FUZZ_CHECK(encoded.size() == (size * 8 + 4) / 5, input);
  PIM_FUZZ_CHECK(pim::identity::Base32Decode(encoded) == input, input);
  PIM_FUZZ_CHECK(pim::identity::Base32Decode(absl::AsciiStrToLower(encoded)) == input, input);
  return 0;
}
