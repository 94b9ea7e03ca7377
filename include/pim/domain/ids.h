// Strong id types: a GUID or path string that cannot be mixed up with another kind of id.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace pim {

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
// The text of an id in 24 bytes: a lowercase GUID (the form pim mints and stores) as its 128
// bits, any other text of up to 16 bytes inline, longer text in one heap block. Which form a text
// takes depends only on the text, so equal texts are stored alike. Ordered as the texts are.
class PackedIdText {
 public:
  PackedIdText() = default;
  explicit PackedIdText(std::string_view text);
  // The GUID form, without writing or parsing text.
  explicit PackedIdText(const Guid128& guid);
  PackedIdText(const PackedIdText& other);
  PackedIdText(PackedIdText&& other) noexcept;
  PackedIdText& operator=(const PackedIdText& other);
  PackedIdText& operator=(PackedIdText&& other) noexcept;
  ~PackedIdText();

  [[nodiscard]] std::string str() const;
  [[nodiscard]] bool empty() const { return form_ == Form::kShort && short_size_ == 0; }
  // The 128 bits when the text is a lowercase GUID.
  [[nodiscard]] std::optional<Guid128> guid() const;

  // Inline for the GUID form, which every hash lookup of a stored id compares.
  friend bool operator==(const PackedIdText& a, const PackedIdText& b) {
    if (a.form_ != b.form_) return false;
    if (a.form_ == Form::kGuid) {
      return a.payload_.guid[0] == b.payload_.guid[0] && a.payload_.guid[1] == b.payload_.guid[1];
    }
    return EqualText(a, b);
  }
  friend std::strong_ordering operator<=>(const PackedIdText& a, const PackedIdText& b);
  template <typename H>
  friend H AbslHashValue(H h, const PackedIdText& t) {
    if (t.form_ == Form::kGuid)
      return H::combine(std::move(h), t.payload_.guid[0], t.payload_.guid[1]);
    char buffer[kGuidLength];
    return H::combine(std::move(h), t.View(buffer));
  }

 private:
  static constexpr std::size_t kGuidLength = 36;
  static constexpr std::size_t kShortCapacity = 16;
  enum class Form : std::uint8_t { kShort, kGuid, kLong };
  union Payload {
    char chars[kShortCapacity] = {};
    std::uint64_t guid[2];  // Guid128's high and low
    struct {
      char* data;
      std::size_t size;
    } heap;
  };
  // operator== for the short and long forms (same form).
  static bool EqualText(const PackedIdText& a, const PackedIdText& b);
  // The text; a GUID is written into `buffer`.
  [[nodiscard]] std::string_view View(char (&buffer)[kGuidLength]) const;
  void Release();

  Payload payload_{};
  std::uint8_t short_size_ = 0;
  Form form_ = Form::kShort;
};

template <typename Tag>
class Id {
 public:
  Id() = default;
  explicit Id(std::string_view value) : value_(value) {}
  explicit Id(const Guid128& guid) : value_(guid) {}

  // The text, built on each call: bind it to a `const std::string&` or copy it, never keep a
  // string_view of it past the expression.
  [[nodiscard]] std::string str() const { return value_.str(); }
  [[nodiscard]] bool empty() const { return value_.empty(); }
  [[nodiscard]] std::optional<Guid128> guid() const { return value_.guid(); }
  [[nodiscard]] const PackedIdText& packed() const { return value_; }

  friend auto operator<=>(const Id&, const Id&) = default;
  friend bool operator==(const Id&, const Id&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const Id& id) {
    return H::combine(std::move(h), id.value_);
  }
  friend std::ostream& operator<<(std::ostream& os, const Id& id) { return os << id.str(); }

 private:
  PackedIdText value_;
};

using PrincipalId = Id<struct PrincipalIdTag>;
using RoleDefinitionId = Id<struct RoleDefinitionIdTag>;
using ScheduleId = Id<struct ScheduleIdTag>;
using RequestId = Id<struct RequestIdTag>;
using PolicyId = Id<struct PolicyIdTag>;

// Whether `text` is a GUID in the 8-4-4-4-12 hex form.
[[nodiscard]] bool IsGuid(std::string_view text);

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
