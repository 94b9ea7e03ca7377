// Private to pim_domain: small string helpers shared by its .cpp files.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace pim::internal {

// Debian's Abseil is built with its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW is
// 0), which does not convert from std::string_view; this bridges the two without copying.
inline absl::string_view ToAbsl(std::string_view text) { return {text.data(), text.size()}; }

// `text` in double quotes with control and non-ASCII bytes C-escaped ("\x01"), keeping at most
// 64 characters of escaped text (then "..." marks the cut), so that no input, however long or
// binary, can blow up a message or a log line.
inline std::string Quote(std::string_view text) {
  constexpr std::size_t kMaxChars = 64;
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::string piece = absl::CHexEscape(ToAbsl(text.substr(i, 1)));
    if (out.size() - 1 + piece.size() > kMaxChars) {
      out += "...";
      break;
    }
    out += piece;
  }
  out += '"';
  return out;
}

}  // namespace pim::internal
