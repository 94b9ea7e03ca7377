#include "odata_text.h"

#include <cstdint>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "pim/domain/status.h"

namespace pim::api::odata::internal {

absl::Status BadRequest(std::string_view message) {
  return pim::Error(absl::StatusCode::kInvalidArgument, pim::code::kBadRequest, message);
}

std::string Quote(std::string_view text) {
  constexpr std::size_t kMaxChars = 40;
  std::string out = "\"";
  std::size_t used = 0;
  for (const char c : text) {
    const std::string piece = absl::CHexEscape(absl::string_view(&c, 1));
    if (used + piece.size() > kMaxChars) {
      out += "...";
      break;
    }
    out += piece;
    used += piece.size();
  }
  out += '"';
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return CompareIgnoreCase(a, b) == 0;
}

int CompareIgnoreCase(std::string_view a, std::string_view b) {
  const std::size_t n = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto x =
        static_cast<unsigned char>(absl::ascii_tolower(static_cast<unsigned char>(a[i])));
    const auto y =
        static_cast<unsigned char>(absl::ascii_tolower(static_cast<unsigned char>(b[i])));
    if (x != y) return x < y ? -1 : 1;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

std::string ToLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = absl::ascii_tolower(static_cast<unsigned char>(c));
  return out;
}

bool LooksLikeDateTime(std::string_view text) {
  // yyyy-mm-ddThh:mm
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd";
  if (text.size() < kShape.size()) return false;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (kShape[i] == 'd') {
      if (!absl::ascii_isdigit(c)) return false;
    } else if (kShape[i] == 'T') {
      if (c != 'T' && c != 't') return false;
    } else if (text[i] != kShape[i]) {
      return false;
    }
  }
  return true;
}

bool IsIdentifierStart(char c) {
  return absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_';
}

bool IsIdentifierChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_';
}

bool IsIdentifier(std::string_view text) {
  if (text.empty() || !IsIdentifierStart(text[0])) return false;
  for (const char c : text) {
    if (!IsIdentifierChar(c)) return false;
  }
  return true;
}

bool ParseNonNegative(std::string_view text, std::int64_t& out) {
  if (text.empty()) return false;
  std::int64_t value = 0;
  for (const char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    const int digit = c - '0';
    if (value > (std::numeric_limits<std::int64_t>::max() - digit) / 10) return false;
    value = value * 10 + digit;
  }
  out = value;
  return true;
}

}  // namespace pim::api::odata::internal
