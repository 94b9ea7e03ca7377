#include "pim/domain/ids.h"

#include <algorithm>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/hash/hash_testing.h"
#include "gtest/gtest.h"

namespace pim {
namespace {

TEST(IsGuidTest, AcceptsEightFourFourFourTwelveHexInAnyCase) {
  for (const std::string_view text :
       {"62e90394-69f5-4237-9190-012177145e10", "62E90394-69F5-4237-9190-012177145E10",
        "62e90394-69F5-4237-9190-012177145e10", "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff"}) {
    EXPECT_TRUE(IsGuid(text)) << text;
  }
}

TEST(IsGuidTest, RejectsEverythingElse) {
  for (const std::string_view text : {
           "",
           "62e90394-69f5-4237-9190-012177145e1",    // 35 characters
           "62e90394-69f5-4237-9190-012177145e100",  // 37 characters
           "62e9039469f542379190012177145e10abcd",   // no hyphens
           "62e90394069f5-4237-9190-012177145e1",    // hyphen moved
           "62e90394-69f5-4237-9190_012177145e10",   // wrong separator
           "62e90394-69f5-4237-9190-012177145e1g",   // not hex
           "{62e90394-69f5-4237-9190-012177145e10}",
           "62e90394-69f5-4237-9190-012177145e1\n",
           "62e90394-69f5-4237-9190--12177145e10",
           "------------------------------------",
       }) {
    EXPECT_FALSE(IsGuid(text)) << text;
  }
  EXPECT_FALSE(IsGuid(std::string_view("62e90394-69f5-4237-9190-012177145e1\0", 36)));
}

TEST(Guid128Test, ParsesLowercaseGuidsAndFormatsThemBackExactly) {
  for (const std::string_view text :
       {"62e90394-69f5-4237-9190-012177145e10", "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff", "00000000-0000-4000-8000-000000000001"}) {
    const auto guid = ParseLowercaseGuid(text);
    ASSERT_TRUE(guid.has_value()) << text;
    EXPECT_EQ(FormatGuid(*guid), text);
  }
  const auto guid = ParseLowercaseGuid("62e90394-69f5-4237-9190-012177145e10");
  ASSERT_TRUE(guid.has_value());
  EXPECT_EQ(guid->high, 0x62e9039469f54237ULL);
  EXPECT_EQ(guid->low, 0x9190012177145e10ULL);
  EXPECT_NE(*guid, *ParseLowercaseGuid("62e90394-69f5-4237-9190-012177145e11"));
}

TEST(Guid128Test, RefusesUppercaseAndEverythingThatIsNotAGuid) {
  // Uppercase would not format back to the same text, so it is not taken by value.
  for (const std::string_view text :
       {"62E90394-69F5-4237-9190-012177145E10", "62e90394-69f5-4237-9190-012177145e1", "",
        "62e90394-69f5-4237-9190-012177145e100", "62e90394-69f5-4237-9190_012177145e10",
        "62e90394-69f5-4237-9190-012177145e1g", "membership:g/member/p",
        "------------------------------------"}) {
    EXPECT_FALSE(ParseLowercaseGuid(text).has_value()) << text;
  }
}

// Every byte at every position: a digit position takes exactly 0-9 and a-f, a hyphen position
// exactly '-', and an accepted variant still formats back to itself.
TEST(Guid128Test, AcceptsExactlyLowercaseHexDigitsAndHyphensAtEachPosition) {
  const std::string base = "62e90394-69f5-4237-9190-012177145e10";
  for (std::size_t i = 0; i < base.size(); ++i) {
    const bool hyphen = i == 8 || i == 13 || i == 18 || i == 23;
    for (int byte = 0; byte < 256; ++byte) {
      std::string text = base;
      text[i] = static_cast<char>(byte);
      const bool lower_hex = (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'f');
      const bool valid = hyphen ? byte == '-' : lower_hex;
      const auto guid = ParseLowercaseGuid(text);
      ASSERT_EQ(guid.has_value(), valid) << "position " << i << " byte " << byte;
      if (guid) {
        EXPECT_EQ(FormatGuid(*guid), text);
      }
    }
  }
}

TEST(Guid128Test, AsVersion4SetsOnlyTheVersionAndVariantBits) {
  EXPECT_EQ(FormatGuid(AsVersion4(Guid128{0, 0})), "00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(FormatGuid(AsVersion4(Guid128{~0ULL, ~0ULL})), "ffffffff-ffff-4fff-bfff-ffffffffffff");
}

TEST(IdTest, ComparesAndPrintsByValue) {
  const PrincipalId a("a");
  const PrincipalId b("b");
  EXPECT_LT(a, b);
  EXPECT_EQ(a, PrincipalId("a"));
  EXPECT_TRUE(PrincipalId().empty());
  std::ostringstream out;
  out << a;
  EXPECT_EQ(out.str(), "a");
}

// Texts of every form PackedIdText keeps: inline (up to 16 bytes, empty included), a lowercase
// GUID as its bits, and heap text (uppercase GUIDs, 17 bytes, paths).
std::vector<std::string> TextsOfEveryForm() {
  return {"",
          "a",
          "system",
          "0123456789abcdef",
          "0123456789abcdefg",
          "00000000-0000-0000-0000-000000000000",
          "00000000-0000-0000-0000-000000000001",
          "0000000f-0000-0000-0000-000000000000",
          "000000f0-0000-0000-0000-000000000000",
          "9fffffff-ffff-ffff-ffff-ffffffffffff",
          "a0000000-0000-0000-0000-000000000000",
          "ffffffff-ffff-ffff-ffff-fffffffffffe",
          "ffffffff-ffff-ffff-ffff-ffffffffffff",
          "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
          "62e90394-69f5-4237-9190-012177145e10",
          "62e90394-69f5-4237-9190-012177145e10x",
          "62e90394-69f5-4237-9190",
          "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg"};
}

TEST(PackedIdTextTest, GivesBackExactlyTheTextItWasGiven) {
  for (const std::string& text : TextsOfEveryForm()) {
    const PackedIdText packed(text);
    EXPECT_EQ(packed.str(), text);
    EXPECT_EQ(packed.empty(), text.empty()) << text;
    EXPECT_EQ(packed.guid().has_value(), ParseLowercaseGuid(text).has_value()) << text;
  }
}

TEST(PackedIdTextTest, AnEmptyViewIsTheEmptyId) {
  EXPECT_EQ(PackedIdText(std::string_view()), PackedIdText());
  EXPECT_TRUE(PrincipalId(std::string_view()).empty());
}

TEST(PackedIdTextTest, AGuidByValueIsTheSameIdAsItsText) {
  const std::string text = "62e90394-69f5-4237-9190-012177145e10";
  const Guid128 guid = *ParseLowercaseGuid(text);
  EXPECT_EQ(PackedIdText(guid), PackedIdText(text));
  EXPECT_EQ(PackedIdText(guid).str(), text);
  EXPECT_EQ(PrincipalId(guid), PrincipalId(text));
  EXPECT_EQ(PrincipalId(guid).guid(), guid);
  EXPECT_NE(PackedIdText(Guid128{guid.high, guid.low + 1}), PackedIdText(text));
}

TEST(PackedIdTextTest, EqualityHashAndOrderFollowTheText) {
  const std::vector<std::string> texts = TextsOfEveryForm();
  std::vector<PackedIdText> packed;
  for (const std::string& text : texts) packed.emplace_back(text);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    for (std::size_t j = 0; j < texts.size(); ++j) {
      EXPECT_EQ(packed[i] == packed[j], texts[i] == texts[j]) << texts[i] << " " << texts[j];
      EXPECT_EQ(packed[i] <=> packed[j], texts[i] <=> texts[j]) << texts[i] << " " << texts[j];
    }
  }
  EXPECT_TRUE(absl::VerifyTypeImplementsAbslHashCorrectly(packed));
}

TEST(PackedIdTextTest, RandomGuidsSortAsTheirTexts) {
  std::mt19937_64 random(20261123);
  std::vector<std::pair<std::string, PackedIdText>> ids;
  for (int i = 0; i < 2000; ++i) {
    // Share a prefix now and then, so that the low word decides too.
    const Guid128 guid{i % 3 == 0 ? 42 : random(), random()};
    ids.emplace_back(FormatGuid(guid), PackedIdText(FormatGuid(guid)));
  }
  std::sort(ids.begin(), ids.end(),
            [](const auto& a, const auto& b) { return a.second < b.second; });
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end(),
                             [](const auto& a, const auto& b) { return a.first < b.first; }));
}

TEST(PackedIdTextTest, CopiesAndMovesOwnTheirText) {
  for (const std::string& text : TextsOfEveryForm()) {
    PackedIdText original(text);
    PackedIdText copy = original;
    PackedIdText assigned(std::string_view("placeholder text longer than sixteen"));
    assigned = copy;
    EXPECT_EQ(copy.str(), text);
    EXPECT_EQ(assigned.str(), text);
    PackedIdText moved = std::move(original);
    EXPECT_EQ(moved.str(), text);
    EXPECT_TRUE(original.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
    PackedIdText target(std::string_view("another placeholder longer than sixteen"));
    target = std::move(moved);
    EXPECT_EQ(target.str(), text);
    const PackedIdText& same = target;
    target = same;  // self-assignment keeps the text
    EXPECT_EQ(target.str(), text);
  }
}

}  // namespace
}  // namespace pim
