// Strict, case-insensitive readers for the properties of a JSON request body (policy and rule
// PATCH bodies of both API surfaces), and the BadRequest statuses they return. Each reader
// leaves `out` unchanged when the property is absent; a value of the wrong JSON type is
// InvalidArgument / BadRequest naming `where` and the property.
//
// Pure functions, thread-safe. Nothing here throws: JSON is only read through checked accessors.
#pragma once

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "boost/json/object.hpp"
#include "boost/json/value.hpp"

namespace pim::api::json_body {

// Debian's absl::string_view is not std::string_view.
[[nodiscard]] inline absl::string_view A(std::string_view s) { return {s.data(), s.size()}; }
// ASCII case-insensitive equality.
[[nodiscard]] bool Same(std::string_view a, std::string_view b);

// InvalidArgument with machine code BadRequest and `message`.
[[nodiscard]] absl::Status Bad(std::string_view message);

// `text` quoted for a message: escaped, at most 64 characters.
[[nodiscard]] std::string Quote(std::string_view text);

// JSON null for "", else the string.
[[nodiscard]] boost::json::value NullableString(std::string_view s);

// The value of `key` (case-insensitive), or nullptr.
[[nodiscard]] const boost::json::value* Find(const boost::json::object& o, std::string_view key);

// Rejects properties outside `allowed` and `also`; OData annotations ("@odata.type",
// "x@odata.type") pass.
[[nodiscard]] absl::Status CheckKeys(const boost::json::object& o,
                                     std::span<const std::string_view> allowed,
                                     std::string_view where,
                                     std::span<const std::string_view> also = {});
[[nodiscard]] inline absl::Status CheckKeys(const boost::json::object& o,
                                            std::initializer_list<std::string_view> allowed,
                                            std::string_view where,
                                            std::span<const std::string_view> also = {}) {
  return CheckKeys(o, std::span<const std::string_view>(allowed.begin(), allowed.size()), where,
                   also);
}

[[nodiscard]] absl::Status ReadBool(const boost::json::object& o, std::string_view key,
                                    std::string_view where, bool& out);
// An integer that fits in int.
[[nodiscard]] absl::Status ReadInt(const boost::json::object& o, std::string_view key,
                                   std::string_view where, int& out);
// A string or null (null reads as "").
[[nodiscard]] absl::Status ReadString(const boost::json::object& o, std::string_view key,
                                      std::string_view where, std::string& out);
// An array of strings, or null (read as empty).
[[nodiscard]] absl::Status ReadStrings(const boost::json::object& o, std::string_view key,
                                       std::string_view where,
                                       std::optional<std::vector<std::string>>& out);

// A string naming a value of `table` (a pim::EnumNames); an unknown name is BadRequest.
template <typename Table, typename Enum>
[[nodiscard]] absl::Status ReadEnum(const boost::json::object& o, std::string_view key,
                                    std::string_view where, const Table& table, Enum& out) {
  const boost::json::value* v = Find(o, key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_string()) return Bad(absl::StrCat(A(where), ": '", A(key), "' must be a string."));
  const std::string_view text(v->get_string().data(), v->get_string().size());
  const auto parsed = table.Parse(text);
  if (!parsed.has_value()) {
    return Bad(
        absl::StrCat(A(where), ": ", Quote(text), " is not a valid value for '", A(key), "'."));
  }
  out = *parsed;
  return absl::OkStatus();
}

// Exact-case readers of optional properties, for bodies whose property names are fixed: the
// value of `key` unless it is absent or JSON null; a value of another JSON type is the status
// `wrong_type()` returns, so each surface keeps its own message.
[[nodiscard]] const boost::json::value* PresentValue(const boost::json::object& o,
                                                     std::string_view key);
template <typename WrongType>
[[nodiscard]] absl::StatusOr<std::optional<std::string>> OptionalString(
    const boost::json::object& o, std::string_view key, WrongType wrong_type) {
  const boost::json::value* v = PresentValue(o, key);
  if (v == nullptr) return std::optional<std::string>();
  const boost::json::string* s = v->if_string();
  if (s == nullptr) return wrong_type();
  return std::optional<std::string>(std::string(s->data(), s->size()));
}
// nullptr when absent or null.
template <typename WrongType>
[[nodiscard]] absl::StatusOr<const boost::json::object*> OptionalObject(
    const boost::json::object& o, std::string_view key, WrongType wrong_type) {
  const boost::json::value* v = PresentValue(o, key);
  if (v == nullptr) return static_cast<const boost::json::object*>(nullptr);
  const boost::json::object* obj = v->if_object();
  if (obj == nullptr) return wrong_type();
  return obj;
}

}  // namespace pim::api::json_body
