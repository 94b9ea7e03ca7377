// One to/from-string table per API enum: printing uses the canonical spelling, parsing is
// case-insensitive (the APIs accept "AdminAssign" and "adminAssign" alike).
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <utility>

#include "absl/strings/match.h"

namespace pim {

template <typename Enum, std::size_t N>
struct EnumTable {
  std::array<std::pair<Enum, std::string_view>, N> entries;

  [[nodiscard]] constexpr std::string_view Name(Enum value) const {
    for (const auto& [e, name] : entries) {
      if (e == value) return name;
    }
    return {};
  }
  [[nodiscard]] std::optional<Enum> Parse(std::string_view text) const {
    for (const auto& [e, name] : entries) {
      // Debian's abseil has its own string_view type.
      if (absl::EqualsIgnoreCase(absl::string_view(name.data(), name.size()),
                                 absl::string_view(text.data(), text.size()))) {
        return e;
      }
    }
    return std::nullopt;
  }
};

template <typename Enum, typename... Entries>
constexpr auto MakeEnumTable(Entries... entries) {
  return EnumTable<Enum, sizeof...(Entries)>{{entries...}};
}

}  // namespace pim
