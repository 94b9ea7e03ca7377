#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "odata_text.h"
#include "pim/api/odata/query.h"

namespace pim::api::odata {
namespace {

// `raw_query` with `$skiptoken` set to `offset`: every other parameter kept byte for byte, in
// order; empty segments dropped.
std::string WithSkipToken(std::string_view raw_query, int64_t offset) {
  std::string out;
  bool replaced = false;
  std::string_view rest = raw_query;
  while (true) {
    const std::size_t amp = rest.find('&');
    const std::string_view segment = rest.substr(0, amp);
    if (!segment.empty()) {
      const absl::StatusOr<std::string> name = PercentDecode(segment.substr(0, segment.find('=')));
      if (!out.empty()) out += '&';
      if (name.ok() && internal::EqualsIgnoreCase(*name, "$skiptoken")) {
        out += internal::Cat("$skiptoken=", offset);
        replaced = true;
      } else {
        out += segment;
      }
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  if (!replaced) out += internal::Cat(out.empty() ? "" : "&", "$skiptoken=", offset);
  return out;
}

std::string JoinUrl(std::string_view base_url, std::string_view path) {
  while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
  std::string out(base_url);
  if (!path.starts_with('/')) out += '/';
  out += path;
  return out;
}

}  // namespace

Page Paginate(boost::json::array items, const Query& query, std::string_view base_url,
              std::string_view path, std::string_view raw_query, int64_t page_size) {
  boost::json::array matching;
  matching.reserve(items.size());
  for (boost::json::value& item : items) {
    const boost::json::object* object = item.if_object();
    if (object == nullptr) continue;  // collections hold entities only
    if (query.filter && !query.filter->Matches(*object)) continue;
    matching.push_back(std::move(item));
  }
  Page page;
  const auto total = static_cast<int64_t>(matching.size());
  if (query.count) page.count = total;
  Sort(matching, query.orderby);

  // Every bound below is clamped to [0, total] before any addition, so no sum can overflow.
  int64_t token = 0;
  if (query.skiptoken && !internal::ParseNonNegative(*query.skiptoken, token)) token = total;
  const int64_t skip = std::min(query.skip.value_or(0), total);
  const int64_t start = std::min(skip + std::min(token, total), total);
  int64_t size = std::max<int64_t>(page_size, 1);
  if (query.top) size = std::min(size, *query.top);
  const int64_t end = std::min(start + std::min(size, total), total);

  // $select keeps the properties named in $expand too: expanded navigation properties are part
  // of the response whatever $select says (OData 4.01, 5.1.3).
  std::vector<std::string> select = query.select;
  if (!select.empty()) {
    for (const ExpandItem& item : query.expand) select.push_back(item.property);
  }
  for (int64_t i = start; i < end; ++i) {
    page.value.push_back(Project(matching[static_cast<std::size_t>(i)].as_object(), select));
  }
  if (end < total && size > 0) {
    const int64_t next = std::min(token, total) + (end - start);
    page.next_link = internal::Cat(JoinUrl(base_url, path), "?", WithSkipToken(raw_query, next));
  }
  return page;
}

}  // namespace pim::api::odata
