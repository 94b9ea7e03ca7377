// The ARM schedule-request PUT body parser (assignment and eligibility) is total: a
// RequestInput or BadRequest with a bounded message, never a crash or an exception. An accepted
// body is self-consistent (the id and scope it was given, a resource-role target with a
// lower-case GUID, an expiration with the member its type needs, its own fingerprint) and
// survives the wire: rendered as ARM would return it, that JSON parses again to the same
// rendering and fingerprint.
//
// Input: one selector byte (bit 0: eligibility instead of assignment; '0' / '1' in the corpus),
// then the body.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "api/arm/arm_request_json.h"
#include "boost/json/serialize.hpp"
#include "fuzz_check.h"
#include "pim/domain/ids.h"
#include "pim/domain/status.h"
#include "pim/engine/state.h"

namespace {

constexpr std::string_view kScope = "/subscriptions/4f1c2b3a-0000-4000-8000-00000000c001";
constexpr std::string_view kName = "7d1f6c0e-0000-4000-8000-00000000f001";

// The request the engine would store for `in`, as ARM renders it.
std::string Render(const pim::RequestInput& in) {
  static const pim::State empty_state;
  pim::ScheduleRequest r;
  r.id = *in.id;
  r.kind = in.kind;
  r.action = in.action;
  r.principal = in.principal;
  r.target = in.target;
  r.schedule_info = in.schedule_info;
  r.justification = in.justification;
  r.ticket = in.ticket;
  r.custom_data = in.custom_data;
  r.linked_eligibility = in.linked_eligibility;
  r.status = pim::RequestStatus::kProvisioned;
  r.created = absl::FromCivil(absl::CivilSecond(2026, 1, 5, 9, 0, 0), absl::UTCTimeZone());
  r.created_by = in.principal;
  return boost::json::serialize(pim::api::arm::RequestToJson(empty_state, r));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const pim::ScheduleKind kind =
      (data[0] & 1) != 0 ? pim::ScheduleKind::kEligibility : pim::ScheduleKind::kAssignment;
  const std::string_view body = input.substr(1);
  const std::string scope(kScope);
  const std::string name(kName);

  const absl::StatusOr<pim::RequestInput> in =
      pim::api::arm::ParseRequestBody(body, kind, scope, name);
  if (!in.ok()) {
    PIM_FUZZ_CHECK(in.status().code() == absl::StatusCode::kInvalidArgument, input);
    PIM_FUZZ_CHECK(pim::ErrorCodeOf(in.status()) == "BadRequest", input);
    PIM_FUZZ_CHECK(!in.status().message().empty(), input);
    PIM_FUZZ_CHECK(in.status().message().size() <= 400, input);
    return 0;
  }
  PIM_FUZZ_CHECK(in->kind == kind, input);
  PIM_FUZZ_CHECK(in->id.has_value() && in->id->str() == name, input);
  PIM_FUZZ_CHECK(!in->principal.str().empty(), input);
  PIM_FUZZ_CHECK(in->target.kind == pim::TargetKind::kResourceRole, input);
  PIM_FUZZ_CHECK(in->target.scope == scope, input);
  PIM_FUZZ_CHECK(pim::IsGuid(in->target.object_id) &&
                     in->target.object_id.find_first_of("ABCDEF") == std::string::npos,
                 input);
  PIM_FUZZ_CHECK(kind == pim::ScheduleKind::kAssignment || !in->linked_eligibility.has_value(),
                 input);
  PIM_FUZZ_CHECK(in->custom_data == pim::api::arm::RequestFingerprint(*in), input);
  const pim::Expiration& e = in->schedule_info.expiration;
  PIM_FUZZ_CHECK(e.duration.has_value() == (e.type == pim::ExpirationType::kAfterDuration), input);
  PIM_FUZZ_CHECK(e.end.has_value() == (e.type == pim::ExpirationType::kAfterDateTime), input);

  const std::string rendered = Render(*in);
  const absl::StatusOr<pim::RequestInput> again =
      pim::api::arm::ParseRequestBody(rendered, kind, scope, name);
  PIM_FUZZ_CHECK(again.ok(), input);
  PIM_FUZZ_CHECK(Render(*again) == rendered, input);
  return 0;
}
