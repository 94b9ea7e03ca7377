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

// The 36 characters of the lowercase 8-4-4-4-12 form at `out`.
void WriteGuid(const Guid128& guid, char* out) {
  WriteHex(guid.high >> 32U, 4, out);
  out[8] = '-';
  WriteHex(guid.high >> 16U, 2, out + 9);
  out[13] = '-';
  WriteHex(guid.high, 2, out + 14);
  out[18] = '-';
  WriteHex(guid.low >> 48U, 2, out + 19);
  out[23] = '-';
  WriteHex(guid.low, 6, out + 24);
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
  WriteGuid(guid, out.data());
  return out;
}

PackedIdText::PackedIdText(std::string_view text) {
  if (text.size() <= kShortCapacity) {
    if (!text.empty()) std::memcpy(payload_.chars, text.data(), text.size());
    short_size_ = static_cast<std::uint8_t>(text.size());
  } else if (auto guid = ParseLowercaseGuid(text)) {
    payload_.guid[0] = guid->high;
    payload_.guid[1] = guid->low;
    form_ = Form::kGuid;
  } else {
    payload_.heap = {new char[text.size()], text.size()};
    std::memcpy(payload_.heap.data, text.data(), text.size());
    form_ = Form::kLong;
  }
}

PackedIdText::PackedIdText(const Guid128& guid) : form_(Form::kGuid) {
  payload_.guid[0] = guid.high;
  payload_.guid[1] = guid.low;
}

PackedIdText::PackedIdText(const PackedIdText& other)
    : payload_(other.payload_), short_size_(other.short_size_), form_(other.form_) {
  if (form_ == Form::kLong) {
    payload_.heap.data = new char[other.payload_.heap.size];
    std::memcpy(payload_.heap.data, other.payload_.heap.data, other.payload_.heap.size);
  }
}

PackedIdText::PackedIdText(PackedIdText&& other) noexcept
    : payload_(other.payload_), short_size_(other.short_size_), form_(other.form_) {
  other.payload_ = Payload{};
  other.short_size_ = 0;
  other.form_ = Form::kShort;
}

PackedIdText& PackedIdText::operator=(const PackedIdText& other) {
  if (this != &other) *this = PackedIdText(other);
  return *this;
}

PackedIdText& PackedIdText::operator=(PackedIdText&& other) noexcept {
  if (this != &other) {
    Release();
    payload_ = other.payload_;
    short_size_ = other.short_size_;
    form_ = other.form_;
    other.payload_ = Payload{};
    other.short_size_ = 0;
    other.form_ = Form::kShort;
  }
  return *this;
}

PackedIdText::~PackedIdText() { Release(); }

void PackedIdText::Release() {
  if (form_ == Form::kLong) delete[] payload_.heap.data;
}

std::string_view PackedIdText::View(char (&buffer)[kGuidLength]) const {
  switch (form_) {
    case Form::kShort:
      return {payload_.chars, short_size_};
    case Form::kGuid:
      WriteGuid(Guid128{payload_.guid[0], payload_.guid[1]}, buffer);
      return {buffer, kGuidLength};
    case Form::kLong:
      return {payload_.heap.data, payload_.heap.size};
  }
  return {};
}

std::string PackedIdText::str() const {
  char buffer[kGuidLength];
  return std::string(View(buffer));
}

std::optional<Guid128> PackedIdText::guid() const {
  if (form_ != Form::kGuid) return std::nullopt;
  return Guid128{payload_.guid[0], payload_.guid[1]};
}

bool PackedIdText::EqualText(const PackedIdText& a, const PackedIdText& b) {
  switch (a.form_) {
    case Form::kShort:
      return a.short_size_ == b.short_size_ &&
             std::memcmp(a.payload_.chars, b.payload_.chars, a.short_size_) == 0;
    case Form::kGuid:
      return a.payload_.guid[0] == b.payload_.guid[0] && a.payload_.guid[1] == b.payload_.guid[1];
    case Form::kLong:
      return std::string_view(a.payload_.heap.data, a.payload_.heap.size) ==
             std::string_view(b.payload_.heap.data, b.payload_.heap.size);
  }
  return false;
}

std::strong_ordering operator<=>(const PackedIdText& a, const PackedIdText& b) {
  using Form = PackedIdText::Form;
  if (a.form_ == Form::kGuid && b.form_ == Form::kGuid) {
    // Hex digits order as their values do, and the hyphens sit at the same places.
    const std::uint64_t(&x)[2] = a.payload_.guid;
    const std::uint64_t(&y)[2] = b.payload_.guid;
    return x[0] != y[0] ? x[0] <=> y[0] : x[1] <=> y[1];
  }
  char buffer_a[PackedIdText::kGuidLength];
  char buffer_b[PackedIdText::kGuidLength];
  return a.View(buffer_a) <=> b.View(buffer_b);
}

}  // namespace pim
