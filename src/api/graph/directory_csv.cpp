#include "api/graph/directory_csv.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "pim/domain/status.h"

namespace pim::api::graph {
namespace {

absl::Status Malformed(std::size_t line, std::string_view what) {
  return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest,
               absl::StrCat("The CSV text is malformed at line ", line, ": ",
                            absl::string_view(what.data(), what.size()), "."));
}

}  // namespace

absl::StatusOr<std::vector<CsvRecord>> ParseCsv(std::string_view text, std::size_t max_records) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<CsvRecord> records;
  CsvRecord record;
  std::string field;
  std::size_t line = 1;
  record.line = 1;
  bool in_quotes = false;     // inside a quoted field
  bool field_quoted = false;  // the current field started with a quote
  bool after_quote = false;   // the current field's closing quote was seen

  const auto end_field = [&] {
    record.fields.push_back(std::move(field));
    field.clear();
    field_quoted = false;
    after_quote = false;
  };
  // Ends the record (a blank line -- one empty unquoted field -- is no record).
  const auto end_record = [&]() -> absl::Status {
    const bool blank = record.fields.empty() && field.empty() && !field_quoted;
    end_field();
    if (!blank) {
      if (records.size() == max_records) {
        return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest,
                     absl::StrCat("The CSV text has more than ", max_records, " records."));
      }
      records.push_back(std::move(record));
    }
    record = CsvRecord{};
    return absl::OkStatus();
  };

  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          i += 2;
          continue;
        }
        in_quotes = false;
        after_quote = true;
        ++i;
        continue;
      }
      if (c == '\n' || (c == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) ++line;
      field.push_back(c);
      ++i;
      continue;
    }
    if (c == ',') {
      end_field();
      ++i;
      continue;
    }
    if (c == '\r' || c == '\n') {
      PIM_RETURN_IF_ERROR(end_record());
      i += (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
      ++line;
      record.line = line;
      continue;
    }
    if (after_quote) return Malformed(line, "only a comma or a line break may follow a quote");
    if (c == '"') {
      if (!field.empty()) return Malformed(line, "a quote inside an unquoted field");
      in_quotes = true;
      field_quoted = true;
      ++i;
      continue;
    }
    field.push_back(c);
    ++i;
  }
  if (in_quotes) return Malformed(record.line, "a quoted field is not terminated");
  if (!record.fields.empty() || !field.empty() || field_quoted) {
    PIM_RETURN_IF_ERROR(end_record());
  }
  return records;
}

}  // namespace pim::api::graph
