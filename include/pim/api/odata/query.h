// A request's query string as OData system query options ($filter, $select, $expand, $top,
// $skip, $orderby, $count, $skiptoken) plus plain parameters (api-version, ...), and the
// collection operations they drive over entities in JSON wire form.
//
// Decoding is strict: `%XX` is decoded, `+` stays a literal plus (it is not a space), a bad
// escape, a repeated option, an unknown `$option`, or a malformed value is InvalidArgument with
// code BadRequest. Nothing is silently ignored.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "pim/api/odata/filter.h"

namespace pim::api::odata {

// One `$expand` item: `group`, `principal($select=id)`, `policy($expand=rules)`.
struct ExpandItem {
  std::string property;
  std::vector<std::string> select;
  std::vector<ExpandItem> expand;
};

struct OrderBy {
  std::string property;  // path, e.g. "createdDateTime"
  bool descending = false;
};

struct Query {
  std::optional<Filter> filter;
  std::vector<std::string> select;
  std::vector<ExpandItem> expand;
  std::optional<int64_t> top;   // 0..1000
  std::optional<int64_t> skip;  // >= 0
  std::vector<OrderBy> orderby;
  bool count = false;
  std::optional<std::string> skiptoken;
  std::map<std::string, std::string> params;  // every non-$ parameter, decoded (e.g. api-version)

  // Whether `$expand` names `property` (case-insensitive); its item if so.
  [[nodiscard]] const ExpandItem* FindExpand(std::string_view property) const;
};

// Parses the raw (still percent-encoded) query string, without the leading '?'.
[[nodiscard]] absl::StatusOr<Query> ParseQuery(std::string_view raw_query);

// Percent-decodes one component strictly ('+' is literal). InvalidArgument on a bad escape or
// on a decoded NUL.
[[nodiscard]] absl::StatusOr<std::string> PercentDecode(std::string_view text);

// Keeps only the `select`ed top-level properties of `entity` (plus every "@odata.*" key);
// an empty list keeps everything.
[[nodiscard]] boost::json::object Project(const boost::json::object& entity,
                                          const std::vector<std::string>& select);

// Sorts `items` (objects) by `orderby`, stable, nulls first ascending; dates compare as instants.
void Sort(boost::json::array& items, const std::vector<OrderBy>& orderby);

// One page of a collection, after filtering, sorting, projecting and paging.
struct Page {
  boost::json::array value;
  std::optional<std::string> next_link;  // absolute URL, when more items follow
  std::optional<int64_t> count;          // total matching items, when $count=true
};

// Applies `query` to `items` (entity objects): $filter (Matches), $orderby, $skip, then a page
// of min($top, page_size) items starting at the $skiptoken offset, then $select. `next_link` is
// `base_url + path + "?" + raw_query` with `$skiptoken` set to the next offset (other options,
// api-version included, kept verbatim). The skiptoken is opaque to clients; a malformed one was
// already refused by ParseQuery.
[[nodiscard]] Page Paginate(boost::json::array items, const Query& query, std::string_view base_url,
                            std::string_view path, std::string_view raw_query,
                            int64_t page_size = 100);

}  // namespace pim::api::odata
