#include "pim/domain/ids.h"

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "absl/strings/ascii.h"

namespace pim {
namespace {

constexpr bool IsHyphenPosition(std::size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

constexpr std::uint64_t kEveryByte = 0x0101010101010101ULL;
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

// The `n` bytes at `text` in a word, the first in the least significant byte.
std::uint64_t Load(const char* text, std::size_t n) {
  std::uint64_t x = 0;
  std::memcpy(&x, text, n);
  if constexpr (std::endian::native == std::endian::big) x = __builtin_bswap64(x);
  return x;
}

// Eight lowercase hex digits, as Load gives them, as a 32-bit value (first digit most
// significant), all at once in one 64-bit word; false when any of them is not 0-9 or a-f.
bool ParseEightHexDigits(std::uint64_t x, std::uint32_t& value) {
  // Byte by byte, bit 7 of x + (0x80 - c) is set when the byte is >= c. No carry crosses a byte
  // when every byte is below 0x80, which is checked too.
  const auto at_least = [x](unsigned c) { return x + kEveryByte * (0x80U - c); };
  const std::uint64_t digit = at_least('0') & ~at_least('9' + 1);
  const std::uint64_t letter = at_least('a') & ~at_least('f' + 1);
  if ((x & kHighBits) != 0 || ((digit | letter) & kHighBits) != kHighBits) return false;
  // '0'-'9' have bit 6 clear, 'a'-'f' set: low nibble, plus 9 for letters.
  const std::uint64_t nibbles = (x & (kEveryByte * 0x0f)) + 9 * ((x >> 6U) & kEveryByte);
  // First digit in the most significant byte, then pairs of nibbles into bytes, bytes into
  // 16-bit halves, halves into the 32-bit value.
  std::uint64_t v = __builtin_bswap64(nibbles);
  v = (v | (v >> 4U)) & 0x00ff00ff00ff00ffULL;
  v = (v | (v >> 8U)) & 0x0000ffff0000ffffULL;
  v = (v | (v >> 16U)) & 0x00000000ffffffffULL;
  value = static_cast<std::uint32_t>(v);
  return true;
}

// Each byte's two lowercase hex digits.
constexpr std::array<std::array<char, 2>, 256> kHexPairs = [] {
  constexpr char kHex[] = "0123456789abcdef";
  std::array<std::array<char, 2>, 256> pairs{};
  for (std::size_t b = 0; b < pairs.size(); ++b) pairs[b] = {kHex[b >> 4U], kHex[b & 0xfU]};
  return pairs;
}();

// Writes the `bytes` low bytes of `value` as hex digits at `out`, most significant first.
void WriteHex(std::uint64_t value, int bytes, char* out) {
  for (int i = bytes - 1; i >= 0; --i) {
    const auto& pair = kHexPairs[(value >> (8 * static_cast<unsigned>(i))) & 0xffU];
    *out++ = pair[0];
    *out++ = pair[1];
  }
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
  // The 32 digits without their hyphens, as four words of eight (read straight from the text:
  // a copy into a buffer would stall on store-to-load forwarding).
  const char* p = text.data();
  const std::uint64_t chunks[4] = {Load(p, 8), Load(p + 9, 4) | (Load(p + 14, 4) << 32U),
                                   Load(p + 19, 4) | (Load(p + 24, 4) << 32U), Load(p + 28, 8)};
  std::uint32_t words[4];
  for (int i = 0; i < 4; ++i) {
    if (!ParseEightHexDigits(chunks[i], words[i])) return std::nullopt;
  }
  return Guid128{(std::uint64_t{words[0]} << 32U) | words[1],
                 (std::uint64_t{words[2]} << 32U) | words[3]};
}

std::string FormatGuid(const Guid128& guid) {
  std::string out(36, '-');
  char* p = out.data();
  WriteHex(guid.high >> 32U, 4, p);
  WriteHex(guid.high >> 16U, 2, p + 9);
  WriteHex(guid.high, 2, p + 14);
  WriteHex(guid.low >> 48U, 2, p + 19);
  WriteHex(guid.low, 6, p + 24);
  return out;
}

}  // namespace pim
