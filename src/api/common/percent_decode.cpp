#include "api/common/percent_decode.h"

namespace pim::api {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<char> DecodePercentByte(std::string_view text, std::size_t& pos) {
  if (text[pos] != '%') return text[pos];
  const int high = pos + 2 < text.size() ? HexValue(text[pos + 1]) : -1;
  const int low = pos + 2 < text.size() ? HexValue(text[pos + 2]) : -1;
  if (high < 0 || low < 0) return std::nullopt;
  pos += 2;
  return static_cast<char>(high * 16 + low);
}

}  // namespace pim::api
