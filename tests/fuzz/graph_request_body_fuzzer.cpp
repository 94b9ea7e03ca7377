// The Graph schedule-request body parsers (groups and directory roles, assignment and
// eligibility) are total: a RequestInput or BadRequest with a bounded message, never a crash or
// an exception. An accepted body is self-consistent (lower-case GUIDs, an expiration that
// carries exactly the member its type needs) and survives the wire: rendered as the request
// Graph would return, that JSON parses again to the same rendering.
//
// Input: one selector byte (bit 0: directory role instead of group, bit 1: eligibility instead
// of assignment; '0'..'3' in the corpus), then the body.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "api/graph/graph_request_json.h"
#include "boost/json/serialize.hpp"
#include "fuzz_check.h"
#include "pim/domain/ids.h"
#include "pim/domain/status.h"

namespace {

using pim::api::graph::PimArea;

bool IsLowerGuid(const std::string& s) {
  return pim::IsGuid(s) && s.find_first_of("ABCDEF") == std::string::npos;
}

// The request the engine would store for `in`, as Graph renders it.
std::string Render(const pim::RequestInput& in, PimArea area) {
  pim::ScheduleRequest r;
  r.id = pim::RequestId("7d1f6c0e-0000-4000-8000-00000000f001");
  r.kind = in.kind;
  r.action = in.action;
  r.principal = in.principal;
  r.target = in.target;
  r.schedule_info = in.schedule_info;
  r.justification = in.justification;
  r.ticket = in.ticket;
  r.custom_data = in.custom_data;
  r.status = pim::RequestStatus::kProvisioned;
  r.created = absl::FromCivil(absl::CivilSecond(2026, 1, 5, 9, 0, 0), absl::UTCTimeZone());
  r.created_by = in.principal;
  return boost::json::serialize(
      pim::api::graph::ScheduleRequestToJson(r, area, in.is_validation_only));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const PimArea area = (data[0] & 1) != 0 ? PimArea::kDirectoryRole : PimArea::kGroup;
  const pim::ScheduleKind kind =
      (data[0] & 2) != 0 ? pim::ScheduleKind::kEligibility : pim::ScheduleKind::kAssignment;
  const std::string_view body = input.substr(1);

  const absl::StatusOr<pim::RequestInput> in =
      pim::api::graph::ParseScheduleRequestBody(body, area, kind);
  if (!in.ok()) {
    PIM_FUZZ_CHECK(in.status().code() == absl::StatusCode::kInvalidArgument, input);
    PIM_FUZZ_CHECK(pim::ErrorCodeOf(in.status()) == "BadRequest", input);
    PIM_FUZZ_CHECK(!in.status().message().empty(), input);
    PIM_FUZZ_CHECK(in.status().message().size() <= 400, input);
    return 0;
  }
  PIM_FUZZ_CHECK(in->kind == kind, input);
  PIM_FUZZ_CHECK(!in->id.has_value() && !in->linked_eligibility.has_value(), input);
  PIM_FUZZ_CHECK(IsLowerGuid(in->principal.str()), input);
  PIM_FUZZ_CHECK(IsLowerGuid(in->target.object_id), input);
  if (area == PimArea::kGroup) {
    PIM_FUZZ_CHECK(in->target.kind == pim::TargetKind::kGroup && in->target.scope.empty(), input);
  } else {
    PIM_FUZZ_CHECK(in->target.kind == pim::TargetKind::kDirectoryRole, input);
    PIM_FUZZ_CHECK(!in->target.scope.empty() && in->target.scope.front() == '/', input);
  }
  const pim::Expiration& e = in->schedule_info.expiration;
  PIM_FUZZ_CHECK(e.duration.has_value() == (e.type == pim::ExpirationType::kAfterDuration), input);
  PIM_FUZZ_CHECK(e.end.has_value() == (e.type == pim::ExpirationType::kAfterDateTime), input);

  const std::string rendered = Render(*in, area);
  const absl::StatusOr<pim::RequestInput> again =
      pim::api::graph::ParseScheduleRequestBody(rendered, area, kind);
  PIM_FUZZ_CHECK(again.ok(), input);
  PIM_FUZZ_CHECK(Render(*again, area) == rendered, input);
  return 0;
}
