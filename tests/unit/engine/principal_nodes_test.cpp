#include "pim/engine/principal_nodes.h"

#include <cstdint>
#include <map>
#include <random>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"

namespace pim::internal {
namespace {

using Ref = PrincipalNodes::Ref;

std::tuple<std::uint64_t, std::uint64_t> Parts(const Guid128& g) { return {g.high, g.low}; }

TEST(PrincipalNodesTest, AnEmptyTableFindsNothing) {
  const PrincipalNodes nodes;
  nodes.Prefetch(Guid128{1, 2});
  EXPECT_EQ(nodes.Find(Guid128{1, 2}), nullptr);
  EXPECT_EQ(nodes.size(), 0U);
}

TEST(PrincipalNodesTest, RefsAreDenseInTheOrderPrincipalsAreAdded) {
  PrincipalNodes nodes;
  EXPECT_EQ(nodes.AddGuid(Guid128{1, 2}), std::make_pair(Ref{0}, true));
  EXPECT_EQ(nodes.AddUnkeyed(), 1U);
  EXPECT_EQ(nodes.AddGuid(Guid128{3, 4}), std::make_pair(Ref{2}, true));
  EXPECT_EQ(nodes.AddGuid(Guid128{1, 2}), std::make_pair(Ref{0}, false));
  EXPECT_EQ(nodes.size(), 3U);
  ASSERT_NE(nodes.Find(Guid128{3, 4}), nullptr);
  EXPECT_EQ(nodes.Find(Guid128{3, 4})->ref, 2U);
  EXPECT_EQ(&nodes.Node(2), nodes.Find(Guid128{3, 4}));
  // Halves swapped, or one half equal, are other keys.
  EXPECT_EQ(nodes.Find(Guid128{2, 1}), nullptr);
  EXPECT_EQ(nodes.Find(Guid128{1, 3}), nullptr);
  // An unkeyed node is never found by a GUID, not even one equal to its (zero) key.
  EXPECT_FALSE(nodes.Node(1).keyed_by_guid);
  EXPECT_EQ(nodes.Find(Guid128{0, 0}), nullptr);
}

// Through many growths, keyed and unkeyed nodes keep their refs and their entries (which move
// with them, inline or on the heap), and GUIDs never added are not found.
TEST(PrincipalNodesTest, NodesKeepTheirRefsAndEntriesThroughGrowth) {
  std::mt19937_64 random(20261123);
  PrincipalNodes nodes;
  std::map<std::tuple<std::uint64_t, std::uint64_t>, Ref> keyed;
  std::vector<Ref> unkeyed;
  for (int i = 0; i < 40'000; ++i) {
    Ref ref = PrincipalNodes::kNone;
    if (i % 7 == 0) {
      ref = nodes.AddUnkeyed();
      unkeyed.push_back(ref);
    } else {
      // A few small keys too, which share hash-relevant bits.
      const Guid128 key =
          i % 10 == 0 ? Guid128{0, static_cast<std::uint64_t>(i)} : Guid128{random(), random()};
      bool added = false;
      std::tie(ref, added) = nodes.AddGuid(key);
      ASSERT_TRUE(added);
      keyed[Parts(key)] = ref;
    }
    // Entry count varies around the inline capacity: some nodes spill to the heap.
    for (std::uint32_t e = 0; e < ref % (PrincipalNode::kInline + 3); ++e) {
      // Each inserted in front: the sources must shift with the entries.
      nodes.Insert(ref, 0, NodeEntry{e, e + 1, ref, e},
                   e % 2 == 0 ? EntrySource::OfGuid(Guid128{ref, e}) : EntrySource::OfText(e));
    }
    PrincipalNode& node = nodes.Node(ref);
    node.edge_count = static_cast<std::uint32_t>(node.entries.size() / 2);
  }
  EXPECT_EQ(nodes.size(), keyed.size() + unkeyed.size());
  auto expect_node = [&](Ref ref, const PrincipalNode& node) {
    ASSERT_EQ(node.ref, ref);
    ASSERT_EQ(node.entries.size(), ref % (PrincipalNode::kInline + 3));
    EXPECT_EQ(node.edge_count, node.entries.size() / 2);
    const auto n = static_cast<std::uint32_t>(node.entries.size());
    for (std::uint32_t e = 0; e < n; ++e) {
      const std::uint32_t added = n - 1 - e;  // the order of insertion, reversed
      EXPECT_EQ(node.entries[e].object, ref);
      EXPECT_EQ(node.entries[e].scope_or_group, added);
      EXPECT_EQ(node.entries[e].end, added + 1);
      ASSERT_EQ(nodes.SourcesOf(node).size(), n);
      const EntrySource& source = nodes.SourcesOf(node)[e];
      ASSERT_EQ(source.is_text(), added % 2 == 1);
      if (source.is_text()) {
        EXPECT_EQ(source.text(), added);
      } else {
        EXPECT_EQ(source.guid(), (Guid128{ref, added}));
      }
    }
  };
  for (const auto& [parts, ref] : keyed) {
    const Guid128 key{std::get<0>(parts), std::get<1>(parts)};
    nodes.Prefetch(key);
    const PrincipalNode* found = nodes.Find(key);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found, &nodes.Node(ref));
    EXPECT_TRUE(found->keyed_by_guid);
    EXPECT_EQ(found->guid, key);
    expect_node(ref, *found);
    EXPECT_EQ(nodes.Find(Guid128{key.high, key.low + 1}) == nullptr,
              !keyed.contains({key.high, key.low + 1}));
  }
  for (const Ref ref : unkeyed) {
    nodes.PrefetchNode(ref);
    EXPECT_FALSE(nodes.Node(ref).keyed_by_guid);
    expect_node(ref, nodes.Node(ref));
  }
  for (int i = 0; i < 10'000; ++i) EXPECT_EQ(nodes.Find(Guid128{random(), random()}), nullptr);
}

TEST(PrincipalNodesTest, KeepIfCompactsEntriesAndSourcesTogether) {
  PrincipalNodes nodes;
  const Ref ref = nodes.AddGuid(Guid128{7, 7}).first;
  for (std::uint32_t i = 0; i < 9; ++i) {
    nodes.Insert(ref, i, NodeEntry{i, i + 1, i, i}, EntrySource::OfText(i));
  }
  nodes.KeepIf(ref, [](std::size_t i) { return i % 3 != 1; });
  const PrincipalNode& node = nodes.Node(ref);
  ASSERT_EQ(node.entries.size(), 6U);
  ASSERT_EQ(nodes.SourcesOf(node).size(), 6U);
  const std::uint32_t kept[] = {0, 2, 3, 5, 6, 8};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(node.entries[i].object, kept[i]);
    EXPECT_EQ(nodes.SourcesOf(node)[i].text(), kept[i]);
  }
  // The sources move with their node when the table grows.
  for (std::uint64_t i = 0; i < 1'000; ++i) nodes.AddGuid(Guid128{i, i + 100});
  EXPECT_EQ(nodes.SourcesOf(nodes.Node(ref))[5].text(), 8U);
}

TEST(PrincipalNodesTest, ReserveGrowsOnceAndKeepsWhatIsThere) {
  PrincipalNodes nodes;
  const Ref first = nodes.AddGuid(Guid128{5, 6}).first;
  nodes.Insert(first, 0, NodeEntry{1, 2, 3, 4}, EntrySource::OfText(9));
  nodes.Reserve(10'000);
  const PrincipalNode* const before = nodes.Find(Guid128{5, 6});
  ASSERT_NE(before, nullptr);
  ASSERT_EQ(before->entries.size(), 1U);
  EXPECT_EQ(nodes.SourcesOf(*before)[0].text(), 9U);
  for (std::uint64_t i = 0; i < 9'000; ++i) nodes.AddGuid(Guid128{i, i + 100});
  EXPECT_EQ(nodes.Find(Guid128{5, 6}), before) << "no growth within the reservation";
  nodes.Reserve(10);  // never shrinks
  EXPECT_EQ(nodes.Find(Guid128{5, 6}), before);
}

}  // namespace
}  // namespace pim::internal
