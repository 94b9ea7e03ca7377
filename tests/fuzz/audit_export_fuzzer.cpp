// VerifyAuditExport is total on any input: it never crashes, reads every line, and its counts
// and findings stay consistent (each finding names a line of the input; at most one entry or
// checkpoint per line). With an empty key list no checkpoint is ever valid.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "pim/audit/audit_verifier.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::istringstream in(input);
  const pim::audit::VerificationReport report = pim::audit::VerifyAuditExport(in, {});
  PIM_FUZZ_CHECK(report.entries + report.checkpoints <= report.lines, input);
  PIM_FUZZ_CHECK(report.valid_checkpoints == 0, input);
  for (const auto& f : report.findings) {
    PIM_FUZZ_CHECK(f.line >= 1 && static_cast<std::size_t>(f.line) <= report.lines, input);
    PIM_FUZZ_CHECK(!pim::audit::FindingKindName(f.kind).empty(), input);
    PIM_FUZZ_CHECK(f.seq_last >= f.seq, input);
  }
  PIM_FUZZ_CHECK(report.findings.size() <= 10000, input);
  return 0;
}
