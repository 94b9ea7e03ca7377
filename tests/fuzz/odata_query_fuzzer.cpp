// ParseQuery is total (a query or BadRequest with a bounded message); a parsed query pages a
// small collection without crashing, and the nextLink it produces is absolute, keeps the base
// and path, and carries a query that ParseQuery accepts with the same options and the next
// $skiptoken.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "boost/json/parse.hpp"
#include "fuzz_check.h"
#include "pim/api/odata/query.h"
#include "pim/domain/status.h"

namespace {

constexpr std::string_view kBase = "https://pim.test:8443/v1.0";
constexpr std::string_view kPath = "/roleManagement/directory/roleAssignmentScheduleRequests";

const boost::json::array& Items() {
  static const boost::json::array items(boost::json::parse(R"([
    {"id": "a", "status": "Provisioned", "principalId": "p1", "n": 3,
     "createdDateTime": "2024-05-01T08:00:00Z", "group": {"id": "g1"}},
    {"id": "B", "status": "PendingApproval", "principalId": "p2", "n": 1.5,
     "createdDateTime": "2024-05-01T08:00:00.123+01:00"},
    {"id": "c", "status": null, "principalId": "p1", "n": "x",
     "createdDateTime": "2024-05-02T00:00:00.1234567Z", "@odata.type": "#t"},
    {"id": "d", "principalId": "p3", "n": true},
    {"id": "e", "status": "Denied", "principalId": "P1", "n": -7, "createdDateTime": "bad"},
    7, "not an object", null
  ])")
                                            .as_array());
  return items;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<pim::api::odata::Query> query = pim::api::odata::ParseQuery(input);
  if (!query.ok()) {
    PIM_FUZZ_CHECK(query.status().code() == absl::StatusCode::kInvalidArgument, input);
    PIM_FUZZ_CHECK(pim::ErrorCodeOf(query.status()) == "BadRequest", input);
    PIM_FUZZ_CHECK(query.status().message().size() <= 220, input);
    return 0;
  }
  for (const std::int64_t page_size : {1, 2, 100}) {
    const pim::api::odata::Page page =
        pim::api::odata::Paginate(Items(), *query, kBase, kPath, input, page_size);
    PIM_FUZZ_CHECK(static_cast<std::int64_t>(page.value.size()) <= page_size, input);
    PIM_FUZZ_CHECK(page.count.has_value() == query->count, input);
    PIM_FUZZ_CHECK(!page.count || *page.count <= 5, input);
    if (!page.next_link) continue;
    const std::string prefix = std::string(kBase) + std::string(kPath) + "?";
    PIM_FUZZ_CHECK(page.next_link->compare(0, prefix.size(), prefix) == 0, input);
    const absl::StatusOr<pim::api::odata::Query> next =
        pim::api::odata::ParseQuery(std::string_view(*page.next_link).substr(prefix.size()));
    PIM_FUZZ_CHECK(next.ok(), input);
    PIM_FUZZ_CHECK(next->skiptoken.has_value(), input);
    PIM_FUZZ_CHECK(next->top == query->top && next->skip == query->skip, input);
    PIM_FUZZ_CHECK(next->count == query->count && next->params == query->params, input);
    PIM_FUZZ_CHECK(next->select == query->select, input);
    PIM_FUZZ_CHECK(next->filter.has_value() == query->filter.has_value(), input);
    PIM_FUZZ_CHECK(!next->filter || next->filter->text() == query->filter->text(), input);
  }
  return 0;
}
