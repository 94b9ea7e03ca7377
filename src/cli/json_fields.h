// Private to pim_cli: lenient readers of the JSON that pimd and the token cache hold, and the
// last segment of a resource id, shared by the command line's .cpp files. Pure functions,
// thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "boost/json/object.hpp"
#include "boost/json/string_view.hpp"
#include "boost/json/value.hpp"

namespace pim::cli {

// The string member `key` of `o`, or "" when it is absent or not a string.
[[nodiscard]] inline std::string Str(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(boost::json::string_view(key.data(), key.size()));
  if (v == nullptr || !v->is_string()) return "";
  return std::string(v->get_string().data(), v->get_string().size());
}

// The object member `key` of `o`, or nullptr when it is absent or not an object.
[[nodiscard]] inline const boost::json::object* Obj(const boost::json::object& o,
                                                    std::string_view key) {
  const boost::json::value* v = o.if_contains(boost::json::string_view(key.data(), key.size()));
  return v == nullptr ? nullptr : v->if_object();
}

// What follows the last '/' of `id` ("/providers/.../roleDefinitions/abc" -> "abc"), or `id`
// itself when it has no '/'.
[[nodiscard]] inline std::string LastSegment(const std::string& id) {
  const std::size_t slash = id.rfind('/');
  return slash == std::string::npos ? id : id.substr(slash + 1);
}

}  // namespace pim::cli
