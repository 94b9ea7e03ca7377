#include "pim/engine/string_ref_map.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace pim {
namespace {

TEST(StringRefMapTest, AnEmptyMapFindsNothing) {
  const StringRefMap map;
  map.Prefetch(StringRefMap::Hash("/"));
  EXPECT_EQ(map.Find("/"), StringRefMap::kNone);
  EXPECT_EQ(map.Locate(StringRefMap::Hash("/")).ref, StringRefMap::kNone);
  EXPECT_EQ(map.size(), 0U);
}

TEST(StringRefMapTest, InternGivesDenseRefsOncePerText) {
  StringRefMap map;
  EXPECT_EQ(map.Intern("/"), 0U);
  EXPECT_EQ(map.Intern(""), 1U);
  EXPECT_EQ(map.Intern("/subscriptions/a"), 2U);
  EXPECT_EQ(map.Intern("/"), 0U);
  EXPECT_EQ(map.Intern(""), 1U);
  EXPECT_EQ(map.size(), 3U);
  EXPECT_EQ(map.Text(2), "/subscriptions/a");
  EXPECT_EQ(map.Find(""), 1U);
  EXPECT_EQ(map.Find("/subscriptions/A"), StringRefMap::kNone);
  EXPECT_EQ(map.Find("/subscriptions/a/"), StringRefMap::kNone);
}

// Through many growths, short texts (kept inside their std::string) and long ones are found by
// the two-step lookup, and the text a candidate carries is the stored one.
TEST(StringRefMapTest, FindsEveryTextThroughGrowth) {
  StringRefMap map;
  std::vector<std::string> texts;
  for (int i = 0; i < 20'000; ++i) {
    texts.push_back(i % 2 == 0 ? std::to_string(i)
                               : "/subscriptions/" + std::to_string(i) +
                                     "/resourceGroups/rg/providers/Microsoft.Compute/vm");
    ASSERT_EQ(map.Intern(texts.back()), static_cast<StringRefMap::Ref>(i));
  }
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const std::uint64_t hash = StringRefMap::Hash(texts[i]);
    map.Prefetch(hash);
    const StringRefMap::Candidate candidate = map.Locate(hash);
    ASSERT_NE(candidate.ref, StringRefMap::kNone);
    EXPECT_EQ(candidate.text, map.Text(candidate.ref));
    EXPECT_EQ(map.Confirm(texts[i], candidate), i);
    EXPECT_EQ(map.Find(texts[i] + "x"), StringRefMap::kNone);
  }
}

// A candidate whose text differs is not taken: Confirm goes on probing and, with no stored text
// equal to the one asked, finds nothing.
TEST(StringRefMapTest, ConfirmRefusesACandidateWithOtherText) {
  StringRefMap map;
  map.Intern("/a");
  map.Intern("/b");
  const StringRefMap::Candidate other = map.Locate(StringRefMap::Hash("/a"));
  ASSERT_EQ(other.ref, 0U);
  EXPECT_EQ(map.Confirm("/b", other), StringRefMap::kNone);
  EXPECT_EQ(map.Confirm("/a", other), 0U);
}

}  // namespace
}  // namespace pim
