#include "pim/domain/ids.h"

#include <cstddef>

#include "absl/strings/ascii.h"

namespace pim {
namespace {

constexpr bool IsHyphenPosition(std::size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

int LowerHexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
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
  if (text.size() != 36) return std::nullopt;
  std::uint64_t half[2] = {0, 0};
  int digits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (IsHyphenPosition(i)) {
      if (text[i] != '-') return std::nullopt;
      continue;
    }
    const int d = LowerHexDigit(text[i]);
    if (d < 0) return std::nullopt;
    half[digits / 16] = (half[digits / 16] << 4) | static_cast<std::uint64_t>(d);
    ++digits;
  }
  return Guid128{half[0], half[1]};
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
