// Sort: each item's keys are computed once, so that the comparison is a strict weak order by
// construction (std::stable_sort with an inconsistent comparator is undefined behaviour, and
// entity values of mixed types are client-controlled data).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "json_value.h"
#include "odata_text.h"
#include "pim/api/odata/query.h"
#include "pim/domain/iso8601.h"

namespace pim::api::odata {
namespace {

// Values rank by type first: null (or missing) < boolean < number < date-time string < other
// string < object/array (all equal to each other).
struct SortKey {
  int rank = 0;
  long double number = 0;  // booleans as 0/1; integers and doubles alike (exact for int64)
  absl::Time time;
  std::string text;  // other strings, lower-cased

  [[nodiscard]] int Compare(const SortKey& other) const {
    if (rank != other.rank) return rank < other.rank ? -1 : 1;
    if (number != other.number) return number < other.number ? -1 : 1;
    if (time != other.time) return time < other.time ? -1 : 1;
    return text.compare(other.text);
  }
};

SortKey KeyOf(const boost::json::value* value) {
  SortKey key;
  if (internal::IsNull(value)) return key;
  if (value->is_bool()) {
    key.rank = 1;
    key.number = value->get_bool() ? 1 : 0;
  } else if (value->is_number()) {
    key.rank = 2;
    if (value->is_int64()) {
      key.number = static_cast<long double>(value->get_int64());
    } else if (value->is_uint64()) {
      key.number = static_cast<long double>(value->get_uint64());
    } else {
      const double d = value->get_double();
      key.number = std::isnan(d) ? -std::numeric_limits<long double>::infinity()
                                 : static_cast<long double>(d);
    }
  } else if (value->is_string()) {
    const std::string_view text(value->get_string().data(), value->get_string().size());
    if (internal::LooksLikeDateTime(text)) {
      if (const absl::StatusOr<absl::Time> time = pim::ParseDateTime(text); time.ok()) {
        key.rank = 3;
        key.time = *time;
        return key;
      }
    }
    key.rank = 4;
    key.text = internal::ToLower(text);
  } else {
    key.rank = 5;
  }
  return key;
}

}  // namespace

void Sort(boost::json::array& items, const std::vector<OrderBy>& orderby) {
  if (orderby.empty() || items.size() < 2) return;
  std::vector<std::vector<std::string>> paths;
  for (const OrderBy& entry : orderby) {
    std::vector<std::string> path;
    std::string_view rest = entry.property;
    while (true) {
      const std::size_t slash = rest.find('/');
      path.emplace_back(rest.substr(0, slash));
      if (slash == std::string_view::npos) break;
      rest.remove_prefix(slash + 1);
    }
    paths.push_back(std::move(path));
  }
  std::vector<std::vector<SortKey>> keys(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const boost::json::object* object = items[i].if_object();
    for (const std::vector<std::string>& path : paths) {
      keys[i].push_back(KeyOf(object == nullptr ? nullptr : internal::Lookup(*object, path)));
    }
  }
  std::vector<std::size_t> order(items.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    for (std::size_t k = 0; k < orderby.size(); ++k) {
      const int c = keys[a][k].Compare(keys[b][k]);
      if (c != 0) return orderby[k].descending ? c > 0 : c < 0;
    }
    return false;
  });
  boost::json::array sorted(items.storage());
  sorted.reserve(items.size());
  for (const std::size_t i : order) sorted.push_back(std::move(items[i]));
  items = std::move(sorted);
}

}  // namespace pim::api::odata
