#include "pim/domain/ids.h"

#include <array>
#include <cstddef>
#include <cstdint>

#include "absl/strings/ascii.h"

namespace pim {
namespace {

constexpr bool IsHyphenPosition(std::size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

// The value of each lowercase hex digit; kNotHex for every other byte.
constexpr std::uint8_t kNotHex = 0xff;
constexpr std::array<std::uint8_t, 256> kLowerHexValue = [] {
  std::array<std::uint8_t, 256> table{};
  table.fill(kNotHex);
  for (std::size_t c = '0'; c <= '9'; ++c) table[c] = static_cast<std::uint8_t>(c - '0');
  for (std::size_t c = 'a'; c <= 'f'; ++c) table[c] = static_cast<std::uint8_t>(c - 'a' + 10);
  return table;
}();

// Where the 32 digits of the 8-4-4-4-12 form are.
constexpr std::array<std::uint8_t, 32> kDigitOffsets = [] {
  std::array<std::uint8_t, 32> offsets{};
  std::size_t digit = 0;
  for (std::size_t i = 0; i < 36; ++i) {
    if (!IsHyphenPosition(i)) offsets[digit++] = static_cast<std::uint8_t>(i);
  }
  return offsets;
}();

// The value of digits [first, first + 16) of a GUID's 8-4-4-4-12 form. Table-driven, without
// branches, accumulating in a register: a check parses two GUIDs on its hot path. `seen` gathers
// every digit's table entry, so it has high bits set once any digit is not lowercase hex.
std::uint64_t ParseHexHalf(std::string_view text, std::size_t first, unsigned& seen) {
  std::uint64_t value = 0;
  for (std::size_t i = first; i < first + 16; ++i) {
    const std::uint8_t d = kLowerHexValue[static_cast<unsigned char>(text[kDigitOffsets[i]])];
    seen |= d;
    value = (value << 4U) | (d & 0xfU);
  }
  return value;
}

}  // namespace

bool IsGuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (IsHyphenPosition(i) ? text[i] != '-'
                            : !absl::ascii_isxdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
  }
  return true;
}

std::optional<Guid128> ParseLowercaseGuid(std::string_view text) {
  if (text.size() != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' ||
      text[23] != '-') {
    return std::nullopt;
  }
  unsigned seen = 0;
  const std::uint64_t high = ParseHexHalf(text, 0, seen);
  const std::uint64_t low = ParseHexHalf(text, 16, seen);
  if ((seen & ~0xfU) != 0) return std::nullopt;
  return Guid128{high, low};
}

std::string FormatGuid(const Guid128& guid) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  int digit = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (IsHyphenPosition(i)) continue;
    const std::uint64_t half = digit < 16 ? guid.high : guid.low;
    const int shift = 60 - 4 * (digit % 16);
    out[i] = kHex[(half >> shift) & 0xf];
    ++digit;
  }
  return out;
}

}  // namespace pim
