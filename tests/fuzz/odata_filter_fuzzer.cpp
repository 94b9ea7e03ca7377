// Filter::Parse is total (a filter or BadRequest with a bounded message, never a crash); a
// parsed filter evaluates against a sample entity and answers every inspection; its canonical
// spelling parses again to the same canonical spelling, properties, functions and verdict.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "boost/json/parse.hpp"
#include "fuzz_check.h"
#include "pim/api/odata/filter.h"
#include "pim/domain/status.h"

namespace {

const boost::json::object& Sample() {
  static const boost::json::object sample(boost::json::parse(R"({
        "@odata.type": "#microsoft.graph.privilegedAccessGroupAssignmentScheduleRequest",
        "id": "req-1", "status": "PendingApproval", "accessId": "member",
        "groupId": "9a1c2d3e-0000-4000-8000-00000000a001",
        "principalId": "5b2e7c10-0000-4000-8000-00000000b001",
        "scopeId": "/", "scopeType": "DirectoryRole",
        "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10",
        "createdDateTime": "2024-05-01T08:00:00.1234567Z", "completedDateTime": null,
        "priority": 5, "ratio": 2.5, "neg": -9223372036854775808, "big": 18446744073709551615,
        "flag": true, "displayName": "Admin O'Brien",
        "createdBy": {"user": {"id": "5b2e7c10-0000-4000-8000-00000000b0ad"}},
        "tags": ["a", 1, null], "empty": {}
      })")
                                              .as_object());
  return sample;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<pim::api::odata::Filter> filter = pim::api::odata::Filter::Parse(input);
  if (!filter.ok()) {
    PIM_FUZZ_CHECK(filter.status().code() == absl::StatusCode::kInvalidArgument, input);
    PIM_FUZZ_CHECK(pim::ErrorCodeOf(filter.status()) == "BadRequest", input);
    PIM_FUZZ_CHECK(filter.status().message().size() <= 220, input);
    return 0;
  }
  PIM_FUZZ_CHECK(filter->text() == input, input);
  const bool verdict = filter->Matches(Sample());
  (void)filter->Matches(boost::json::object());  // every property missing
  const std::vector<std::string> properties = filter->Properties();
  const std::vector<pim::api::odata::Filter::Call> calls = filter->Functions();
  for (const std::string& property : properties) {
    (void)filter->RequiredEquals(property);
  }

  const absl::StatusOr<pim::api::odata::Filter> same =
      pim::api::odata::Filter::Parse(filter->text());
  PIM_FUZZ_CHECK(same.ok() && same->Properties() == properties, input);

  const std::string canonical = filter->ToString();
  if (canonical.size() > 4096) return 0;  // spaces added by the canonical form may not fit
  const absl::StatusOr<pim::api::odata::Filter> again = pim::api::odata::Filter::Parse(canonical);
  PIM_FUZZ_CHECK(again.ok(), input);
  PIM_FUZZ_CHECK(again->ToString() == canonical, input);
  PIM_FUZZ_CHECK(again->Properties() == properties, input);
  PIM_FUZZ_CHECK(again->Matches(Sample()) == verdict, input);
  const std::vector<pim::api::odata::Filter::Call> again_calls = again->Functions();
  PIM_FUZZ_CHECK(again_calls.size() == calls.size(), input);
  for (std::size_t i = 0; i < calls.size() && i < again_calls.size(); ++i) {
    PIM_FUZZ_CHECK(again_calls[i].name == calls[i].name, input);
    PIM_FUZZ_CHECK(again_calls[i].args == calls[i].args, input);
    PIM_FUZZ_CHECK(again_calls[i].in_conjunction == calls[i].in_conjunction, input);
  }
  return 0;
}
