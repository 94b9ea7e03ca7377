// Strong id types: a GUID or path string that cannot be mixed up with another kind of id.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
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

// A GUID by value: its first and last 16 hex digits. Sixteen bytes that hash and compare without
// touching a heap-allocated string.
struct Guid128 {
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  friend bool operator==(const Guid128&, const Guid128&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const Guid128& g) {
    return H::combine(std::move(h), g.high, g.low);
  }
};
// The value of a GUID written in lowercase 8-4-4-4-12 form (the form pim stores); nullopt for
// anything else, uppercase included, so that FormatGuid gives back exactly `text`.
[[nodiscard]] std::optional<Guid128> ParseLowercaseGuid(std::string_view text);
// The lowercase 8-4-4-4-12 form.
[[nodiscard]] std::string FormatGuid(const Guid128& guid);
// 128 random bits as an RFC 4122 version 4 GUID: the version and variant bits set.
[[nodiscard]] constexpr Guid128 AsVersion4(Guid128 random) {
  random.high = (random.high & ~0xf000ULL) | 0x4000ULL;
  random.low = (random.low & ~(0xc000ULL << 48U)) | (0x8000ULL << 48U);
  return random;
}

}  // namespace pim
