// Strong id types: a GUID or path string that cannot be mixed up with another kind of id.
#pragma once

#include <compare>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace pim {

template <typename Tag>
class Id {
 public:
  Id() = default;
  explicit Id(std::string value) : value_(std::move(value)) {}

  [[nodiscard]] const std::string& str() const { return value_; }
  [[nodiscard]] bool empty() const { return value_.empty(); }

  friend auto operator<=>(const Id&, const Id&) = default;
  friend bool operator==(const Id&, const Id&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const Id& id) {
    return H::combine(std::move(h), id.value_);
  }
  friend std::ostream& operator<<(std::ostream& os, const Id& id) { return os << id.value_; }

 private:
  std::string value_;
};

using PrincipalId = Id<struct PrincipalIdTag>;
using RoleDefinitionId = Id<struct RoleDefinitionIdTag>;
using ScheduleId = Id<struct ScheduleIdTag>;
using RequestId = Id<struct RequestIdTag>;
using PolicyId = Id<struct PolicyIdTag>;

// Whether `text` is a GUID in the 8-4-4-4-12 hex form.
[[nodiscard]] bool IsGuid(std::string_view text);

}  // namespace pim
