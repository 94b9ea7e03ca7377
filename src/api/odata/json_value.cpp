#include "json_value.h"

#include <cmath>
#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "odata_text.h"
#include "pim/domain/iso8601.h"

namespace pim::api::odata::internal {
namespace {

std::string_view View(const boost::json::string& s) { return {s.data(), s.size()}; }

const boost::json::value* FindKey(const boost::json::object& object, std::string_view key) {
  if (const auto* exact = object.if_contains(boost::json::string_view(key.data(), key.size()))) {
    return exact;
  }
  for (const auto& member : object) {
    if (EqualsIgnoreCase(std::string_view(member.key().data(), member.key().size()), key)) {
      return &member.value();
    }
  }
  return nullptr;
}

template <typename T>
int Three(T a, T b) {
  if (a < b) return -1;
  return b < a ? 1 : 0;
}

std::optional<int> CompareNumbers(const boost::json::value& a, const boost::json::value& b) {
  // Integers compare exactly (int64 against uint64 by sign first); a double on either side
  // makes it a floating-point comparison, where NaN is incomparable.
  if (!a.is_double() && !b.is_double()) {
    if (a.is_int64() && b.is_int64()) return Three(a.get_int64(), b.get_int64());
    if (a.is_uint64() && b.is_uint64()) return Three(a.get_uint64(), b.get_uint64());
    if (a.is_int64()) {  // b is uint64
      if (a.get_int64() < 0) return -1;
      return Three(static_cast<std::uint64_t>(a.get_int64()), b.get_uint64());
    }
    if (b.get_int64() < 0) return 1;  // a is uint64
    return Three(a.get_uint64(), static_cast<std::uint64_t>(b.get_int64()));
  }
  const auto as_double = [](const boost::json::value& v) {
    if (v.is_double()) return v.get_double();
    if (v.is_int64()) return static_cast<double>(v.get_int64());
    return static_cast<double>(v.get_uint64());
  };
  const double x = as_double(a);
  const double y = as_double(b);
  if (std::isnan(x) || std::isnan(y)) return std::nullopt;
  return Three(x, y);
}

std::optional<int> CompareStrings(std::string_view a, std::string_view b) {
  if (LooksLikeDateTime(a) && LooksLikeDateTime(b)) {
    const absl::StatusOr<absl::Time> x = pim::ParseDateTime(a);
    const absl::StatusOr<absl::Time> y = pim::ParseDateTime(b);
    if (x.ok() && y.ok()) return Three(*x, *y);
  }
  return CompareIgnoreCase(a, b);
}

}  // namespace

const boost::json::value* Lookup(const boost::json::object& entity,
                                 const std::vector<std::string>& path) {
  const boost::json::object* object = &entity;
  const boost::json::value* value = nullptr;
  for (const std::string& segment : path) {
    if (object == nullptr) return nullptr;
    value = FindKey(*object, segment);
    if (value == nullptr) return nullptr;
    object = value->if_object();
  }
  return value;
}

bool IsNull(const boost::json::value* value) { return value == nullptr || value->is_null(); }

std::optional<int> CompareValues(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_number() && b.is_number()) return CompareNumbers(a, b);
  if (a.is_string() && b.is_string())
    return CompareStrings(View(a.get_string()), View(b.get_string()));
  if (a.is_bool() && b.is_bool()) return Three(a.get_bool(), b.get_bool());
  return std::nullopt;
}

}  // namespace pim::api::odata::internal
