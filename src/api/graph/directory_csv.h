// A strict RFC 4180 CSV reader for directory bulk import.
//
// Records end at CRLF, LF or a lone CR; fields are separated by commas. A field that starts
// with a double quote is quoted: commas, line breaks and doubled quotes ("") inside it are
// literal, and only a comma or the end of the record may follow its closing quote. Defensive:
// a quote inside an unquoted field, text after a closing quote, or a quoted field still open at
// the end of the text makes the whole text invalid (no guessing what was meant). Blank lines
// are skipped, as is a UTF-8 byte order mark at the very start.
//
// Pure function, thread-safe; the text is not required to be UTF-8 here (the caller checks).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace pim::api::graph {

struct CsvRecord {
  std::size_t line = 0;  // the line the record starts on, from 1
  std::vector<std::string> fields;
};

// The records of `text`, in order. Errors: InvalidArgument (BadRequest) naming the line for the
// malformed cases above, and when there are more than `max_records` records.
[[nodiscard]] absl::StatusOr<std::vector<CsvRecord>> ParseCsv(std::string_view text,
                                                              std::size_t max_records);

}  // namespace pim::api::graph
