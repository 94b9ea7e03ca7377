// A request's query string as OData system query options ($filter, $select, $expand, $top,
// $skip, $orderby, $count, $skiptoken) plus plain parameters (api-version, ...), and the
// collection operations they drive over entities in JSON wire form.
//
// Decoding is strict: `%XX` is decoded, `+` stays a literal plus (it is not a space), a bad
// escape, a repeated option, an unknown `$option`, or a malformed value is InvalidArgument with
// code BadRequest. Nothing is silently ignored.
//
// Values accepted (option names are case-insensitive and always start with `$`; `filter=`
// without it is a plain parameter):
//   $filter    see filter.h
//   $select    name ("," name)*, spaces around names allowed, duplicates dropped; `*` alone means
//              every property (an empty list). Paths (a/b) are refused.
//   $expand    item ("," item)*; item := name ["(" opt (";" opt)* ")"]; opt := "$select=" names
//              | "$expand=" items. Nesting deeper than 8, `*`, a repeated item or nested option,
//              and other nested options ($filter, $top...) are refused.
//   $top       0..1000; $skip and $skiptoken: 0..2^63-1; all plain ASCII digits (no sign, no
//              spaces). $skiptoken is our opaque offset, so anything else is refused.
//   $orderby   path [" " (asc|desc)] ("," ...)*
//   $count     true | false (case-insensitive)
// Empty segments (`a=1&&b=2`, a trailing `&`) carry nothing and are skipped; a segment without
// `=` is a parameter with an empty value. A repeated plain parameter (names compared ignoring
// ASCII case) is refused, as is a query string longer than 16 KiB.
//
// Thread-safe: free functions over values.
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

// Keeps only the `select`ed top-level properties of `entity` (names compared ignoring ASCII
// case), plus every "@odata.*" key and every "prop@odata.*" annotation of a kept property; an
// empty list keeps everything. Key order is preserved.
[[nodiscard]] boost::json::object Project(const boost::json::object& entity,
                                          const std::vector<std::string>& select);

// Sorts `items` (objects) by `orderby`, stable, nulls first ascending (last descending); dates
// compare as instants. Values of different types order by type: null/missing < boolean <
// number < date-time string < other string (ignoring ASCII case) < object/array; a non-object
// item sorts as all-null. Never fails, whatever the values.
void Sort(boost::json::array& items, const std::vector<OrderBy>& orderby);

// One page of a collection, after filtering, sorting, projecting and paging.
struct Page {
  boost::json::array value;
  std::optional<std::string> next_link;  // absolute URL, when more items follow
  std::optional<int64_t> count;          // total matching items, when $count=true
};

// Applies `query` to `items` (entity objects; any other item is dropped): $filter (Matches),
// $count (the number matching, before $skip and paging), $orderby, $skip, then a page of
// min($top, page_size) items (page_size below 1 counts as 1; like Graph, $top sizes a page)
// starting at the $skiptoken offset, then $select (which keeps the $expand-ed properties too).
// `next_link` is set when items follow the page: `base_url + path + "?" + raw_query` with
// `$skiptoken` set to the next offset (the parameter replaced in place, else appended; every
// other parameter, api-version included, kept byte for byte; empty segments dropped). It is
// absolute when `base_url` is ("https://host[:port][/prefix]", a trailing '/' is dropped; `path`
// is the raw request path, a '/' is added before it if missing), and ParseQuery accepts its
// query whenever it accepted `raw_query`. The skiptoken is opaque to clients; a malformed one
// was already refused by ParseQuery (here it would mean "past the end").
[[nodiscard]] Page Paginate(boost::json::array items, const Query& query, std::string_view base_url,
                            std::string_view path, std::string_view raw_query,
                            int64_t page_size = 100);

}  // namespace pim::api::odata
