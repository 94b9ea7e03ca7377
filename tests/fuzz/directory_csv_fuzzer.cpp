// ParseCsv (directory bulk import) never crashes, and what it accepts survives a round trip:
// writing the records back with every field quoted and parsing that gives the same fields.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/graph/directory_csv.h"
#include "fuzz_check.h"

namespace {

std::string Quoted(const pim::api::graph::CsvRecord& record) {
  std::string line;
  for (std::size_t i = 0; i < record.fields.size(); ++i) {
    if (i > 0) line += ',';
    line += '"';
    for (const char c : record.fields[i]) {
      if (c == '"') line += '"';
      line += c;
    }
    line += '"';
  }
  return line + "\r\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto records = pim::api::graph::ParseCsv(input, 1000);
  if (!records.ok()) return 0;
  std::string again;
  for (const auto& r : *records) again += Quoted(r);
  const auto reparsed = pim::api::graph::ParseCsv(again, 1000);
  PIM_FUZZ_CHECK(reparsed.ok(), input);
  PIM_FUZZ_CHECK(reparsed->size() == records->size(), input);
  for (std::size_t i = 0; i < records->size(); ++i) {
    PIM_FUZZ_CHECK((*reparsed)[i].fields == (*records)[i].fields, input);
  }
  return 0;
}
