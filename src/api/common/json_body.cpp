#include "api/common/json_body.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "pim/domain/status.h"

namespace pim::api::json_body {
namespace json = boost::json;

bool Same(std::string_view a, std::string_view b) { return absl::EqualsIgnoreCase(A(a), A(b)); }

absl::Status Bad(std::string_view message) {
  return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest, message);
}

std::string Quote(std::string_view text) {
  constexpr std::size_t kMax = 64;
  std::string escaped = absl::CHexEscape(A(text.substr(0, kMax)));
  if (text.size() > kMax) escaped += "...";
  return absl::StrCat("'", escaped, "'");
}

json::value NullableString(std::string_view s) {
  return s.empty() ? json::value(nullptr) : json::value(json::string(s));
}

const json::value* Find(const json::object& o, std::string_view key) {
  for (const auto& kv : o) {
    if (Same(std::string_view(kv.key().data(), kv.key().size()), key)) return &kv.value();
  }
  return nullptr;
}

const json::value* PresentValue(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(json::string_view(key.data(), key.size()));
  return v == nullptr || v->is_null() ? nullptr : v;
}

absl::Status CheckKeys(const json::object& o, std::span<const std::string_view> allowed,
                       std::string_view where, std::span<const std::string_view> also) {
  for (const auto& kv : o) {
    const std::string_view key(kv.key().data(), kv.key().size());
    if (key.find('@') != std::string_view::npos) continue;
    const auto matches = [&](std::string_view a) { return Same(a, key); };
    const bool known = std::any_of(allowed.begin(), allowed.end(), matches) ||
                       std::any_of(also.begin(), also.end(), matches);
    if (!known) {
      return Bad(absl::StrCat(A(where), ": property ", Quote(key),
                              " does not exist on this type or cannot be set."));
    }
  }
  return absl::OkStatus();
}

absl::Status ReadBool(const json::object& o, std::string_view key, std::string_view where,
                      bool& out) {
  const json::value* v = Find(o, key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_bool()) {
    return Bad(absl::StrCat(A(where), ": '", A(key), "' must be a Boolean."));
  }
  out = v->get_bool();
  return absl::OkStatus();
}

absl::Status ReadInt(const json::object& o, std::string_view key, std::string_view where,
                     int& out) {
  const json::value* v = Find(o, key);
  if (v == nullptr) return absl::OkStatus();
  std::int64_t n = 0;
  if (v->is_int64()) {
    n = v->get_int64();
  } else if (v->is_uint64() && v->get_uint64() <= std::numeric_limits<std::uint32_t>::max()) {
    n = static_cast<std::int64_t>(v->get_uint64());
  } else {
    return Bad(absl::StrCat(A(where), ": '", A(key), "' must be an integer."));
  }
  if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max()) {
    return Bad(absl::StrCat(A(where), ": '", A(key), "' is out of range."));
  }
  out = static_cast<int>(n);
  return absl::OkStatus();
}

absl::Status ReadString(const json::object& o, std::string_view key, std::string_view where,
                        std::string& out) {
  const json::value* v = Find(o, key);
  if (v == nullptr) return absl::OkStatus();
  if (v->is_null()) {
    out.clear();
  } else if (v->is_string()) {
    out = std::string(v->get_string());
  } else {
    return Bad(absl::StrCat(A(where), ": '", A(key), "' must be a string."));
  }
  return absl::OkStatus();
}

absl::Status ReadStrings(const json::object& o, std::string_view key, std::string_view where,
                         std::optional<std::vector<std::string>>& out) {
  const json::value* v = Find(o, key);
  if (v == nullptr) return absl::OkStatus();
  std::vector<std::string> items;
  if (v->is_array()) {
    for (const json::value& item : v->get_array()) {
      if (!item.is_string()) {
        return Bad(absl::StrCat(A(where), ": '", A(key), "' must be an array of strings."));
      }
      items.emplace_back(item.get_string());
    }
  } else if (!v->is_null()) {
    return Bad(absl::StrCat(A(where), ": '", A(key), "' must be an array of strings."));
  }
  out = std::move(items);
  return absl::OkStatus();
}

}  // namespace pim::api::json_body
