#include "pim/engine/guid_ref_map.h"

#include <map>
#include <random>
#include <tuple>

#include "gtest/gtest.h"

namespace pim {
namespace {

std::tuple<std::uint64_t, std::uint64_t> Parts(const Guid128& g) { return {g.high, g.low}; }

TEST(GuidRefMapTest, AnEmptyMapFindsNothing) {
  const GuidRefMap map;
  map.Prefetch(Guid128{1, 2});
  EXPECT_EQ(map.Find(Guid128{1, 2}), GuidRefMap::kNone);
  EXPECT_EQ(map.size(), 0U);
}

TEST(GuidRefMapTest, InsertKeepsTheFirstRefAndSaysWhetherItAdded) {
  GuidRefMap map;
  EXPECT_EQ(map.Insert(Guid128{1, 2}, 7), std::make_pair(GuidRefMap::Ref{7}, true));
  EXPECT_EQ(map.Insert(Guid128{1, 2}, 9), std::make_pair(GuidRefMap::Ref{7}, false));
  EXPECT_EQ(map.Find(Guid128{1, 2}), 7U);
  // Halves swapped, or one half equal, are other keys.
  EXPECT_EQ(map.Find(Guid128{2, 1}), GuidRefMap::kNone);
  EXPECT_EQ(map.Find(Guid128{1, 3}), GuidRefMap::kNone);
  EXPECT_EQ(map.size(), 1U);
}

// Against std::map, through many growths: every key inserted is found with its ref, and keys
// never inserted (including ones sharing a half with an inserted key) are not.
TEST(GuidRefMapTest, AgreesWithAnOrderedMapThroughGrowth) {
  std::mt19937_64 random(20261123);
  GuidRefMap map;
  std::map<std::tuple<std::uint64_t, std::uint64_t>, GuidRefMap::Ref> expected;
  for (GuidRefMap::Ref ref = 0; ref < 50'000; ++ref) {
    // A few small keys too, which share hash-relevant bits.
    const Guid128 key = ref % 10 == 0 ? Guid128{0, ref} : Guid128{random(), random()};
    const auto [got, added] = map.Insert(key, ref);
    const auto [it, inserted] = expected.try_emplace(Parts(key), ref);
    EXPECT_EQ(added, inserted);
    EXPECT_EQ(got, it->second);
  }
  EXPECT_EQ(map.size(), expected.size());
  for (const auto& [parts, ref] : expected) {
    const Guid128 key{std::get<0>(parts), std::get<1>(parts)};
    map.Prefetch(key);
    ASSERT_EQ(map.Find(key), ref);
    EXPECT_EQ(map.Find(Guid128{key.high, key.low + 1}) == GuidRefMap::kNone,
              !expected.contains({key.high, key.low + 1}));
  }
  for (int i = 0; i < 10'000; ++i) {
    const Guid128 key{random(), random()};
    EXPECT_EQ(map.Find(key), GuidRefMap::kNone);
  }
}

}  // namespace
}  // namespace pim
