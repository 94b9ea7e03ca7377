// Private to pim_api_odata: splits `$filter` text into tokens. Total: any byte sequence yields
// tokens or a BadRequest naming the position.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace pim::api::odata {

struct Token {
  enum class Kind {
    kEnd,
    kOpenParen,
    kCloseParen,
    kComma,
    kPath,      // identifier or a/b/c (keywords too: the parser tells them apart)
    kString,    // 'it''s' -> text is the unescaped value
    kNumber,    // -12, 3.5, 1e3 -> text as written
    kDateTime,  // 2024-05-01T08:00:00.123Z, with an offset or fraction -> text as written
    kGuid,      // 8-4-4-4-12 hex digits, unquoted
  };
  Kind kind = Kind::kEnd;
  std::string text;
  std::size_t position = 0;  // byte offset of the first character
  bool spaced = false;       // whitespace came before this token
};

// The tokens of `text`, ending with one kEnd. Errors: InvalidArgument / BadRequest for a
// character outside the grammar, an unterminated string, or a malformed number or date-time.
[[nodiscard]] absl::StatusOr<std::vector<Token>> Tokenize(std::string_view text);

}  // namespace pim::api::odata
