// The access index's per-principal nodes, stored in the slots of an open-addressing table keyed
// by the principal's GUID, so that a check finds a principal's memberships and grants in one
// memory access: the slot is the node (three cache lines, requested together), where a table of
// refs would cost a slot and then a node, two dependent DRAM misses.
//
// Refs are stable dense ids, handed out in the order principals are added; nodes move when the
// table grows, and Node(ref) finds them through a ref → slot array (4 bytes a principal, small
// enough to stay in cache for the groups every check visits). Principals whose ids are not
// GUIDs have nodes too, found by ref only (the index maps their names to refs).
//
// Thread-compatible: const members may run concurrently with each other, not with the others.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "pim/domain/ids.h"
#include "pim/engine/huge_page_allocator.h"

namespace pim::internal {

// Something a principal holds within [start, end) (Unix nanoseconds): a grant of `object` at
// scope `scope_or_group`, or a membership of the group `scope_or_group` (a principal ref), which
// is also the grant of that group's `member` object (its `object`), at no scope.
struct NodeEntry {
  std::int64_t start = 0;
  std::int64_t end = INT64_MAX;
  std::uint32_t object = UINT32_MAX;
  std::uint32_t scope_or_group = UINT32_MAX;
  [[nodiscard]] bool Covers(std::int64_t now) const { return start <= now && now < end; }
};

// Where an entry comes from, as the index records it, in 16 bytes: a GUID by value, or a ref to
// text the index keeps. Text is marked by a first half of all ones, so a GUID whose first 16
// hex digits are all `f` cannot be held by value (CanHold) and is kept as text instead.
class EntrySource {
 public:
  EntrySource() = default;
  [[nodiscard]] static bool CanHold(const Guid128& guid) { return guid.high != kTextMark; }
  // `guid` must pass CanHold.
  [[nodiscard]] static EntrySource OfGuid(const Guid128& guid) { return EntrySource(guid); }
  [[nodiscard]] static EntrySource OfText(std::uint32_t text) {
    return EntrySource(Guid128{kTextMark, text});
  }
  [[nodiscard]] bool is_text() const { return value_.high == kTextMark; }
  [[nodiscard]] const Guid128& guid() const { return value_; }  // when not is_text()
  [[nodiscard]] std::uint32_t text() const { return static_cast<std::uint32_t>(value_.low); }

 private:
  static constexpr std::uint64_t kTextMark = ~std::uint64_t{0};
  explicit EntrySource(const Guid128& value) : value_(value) {}
  Guid128 value_;
};

struct alignas(64) PrincipalNode {
  // Entries held in the slot itself: the node fills three cache lines. Nearly every principal of
  // the benchmark's data set (two or three groups and an assignment) fits; the rest keep all
  // their entries in one heap block, one more miss.
  static constexpr std::size_t kInline = 6;

  Guid128 guid;                    // the key, when keyed_by_guid
  std::uint32_t ref = UINT32_MAX;  // UINT32_MAX: an empty slot
  bool keyed_by_guid = false;
  bool in_flux = false;  // some entry is not yet visible to every reader (the index's lifetimes)
  std::uint32_t edge_count = 0;
  absl::InlinedVector<NodeEntry, kInline> entries;  // memberships [0, edge_count), then grants

  [[nodiscard]] std::span<const NodeEntry> edges() const { return {entries.data(), edge_count}; }
};

// The sources of a node's entries, in the same order: read only for an answer, so kept beside
// the slot (at the same index of a parallel array) rather than in it, where a lookup requests
// them together with the node. As many inline as the node's entries (104 bytes), so that a
// node whose entries fit needs no other block for its answer.
using NodeSources = absl::InlinedVector<EntrySource, PrincipalNode::kInline>;

class PrincipalNodes {
 public:
  using Ref = std::uint32_t;
  static constexpr Ref kNone = UINT32_MAX;

  // `guid`'s ref, and whether it was added now (with an empty node).
  std::pair<Ref, bool> AddGuid(const Guid128& guid);
  // A new principal with no GUID: reachable by its ref only.
  Ref AddUnkeyed();
  // Starts loading the slot `guid` hashes to (all its lines, and its sources), and the next
  // slot's first line, without waiting for them.
  void Prefetch(const Guid128& guid) const;
  // `guid`'s node, or nullptr.
  [[nodiscard]] const PrincipalNode* Find(const Guid128& guid) const;
  [[nodiscard]] const PrincipalNode& Node(Ref ref) const { return slots_[slot_of_[ref]]; }
  // (A node's entries change only through Insert and KeepIf, which keep its sources in step.)
  [[nodiscard]] PrincipalNode& Node(Ref ref) { return slots_[slot_of_[ref]]; }
  [[nodiscard]] const NodeSources& SourcesOf(const PrincipalNode& node) const {
    return sources_[static_cast<std::size_t>(&node - slots_.data())];
  }
  // Starts loading ref's node (its first two lines) and its sources, without waiting for them.
  void PrefetchNode(Ref ref) const;
  [[nodiscard]] std::size_t size() const { return slot_of_.size(); }
  // Grows the table at once for `count` principals (a load knows about how many), so that it
  // does not grow step by step, moving every node each time.
  void Reserve(std::size_t count);

  // Inserts `entry` from `source` at `at` (<= entries.size()) of ref's node.
  void Insert(Ref ref, std::size_t at, const NodeEntry& entry, const EntrySource& source);
  // Keeps, in order, the entries of ref's node for which `keep(i)`, with their sources;
  // edge_count is the caller's to adjust.
  template <typename Keep>
  void KeepIf(Ref ref, Keep keep) {
    const std::uint32_t slot = slot_of_[ref];
    PrincipalNode& node = slots_[slot];
    NodeSources& sources = sources_[slot];
    std::size_t kept = 0;
    for (std::size_t i = 0; i < node.entries.size(); ++i) {
      if (!keep(i)) continue;
      node.entries[kept] = node.entries[i];
      sources[kept] = sources[i];
      ++kept;
    }
    node.entries.resize(kept);
    sources.resize(kept);
  }

 private:
  [[nodiscard]] std::size_t Home(const PrincipalNode& node) const;
  [[nodiscard]] std::size_t HomeOf(const Guid128& guid) const;
  // The first empty slot from `home` on.
  [[nodiscard]] std::size_t FreeFrom(std::size_t home) const;
  // Starts loading the sources at `slot` (every line they touch).
  void PrefetchSources(std::size_t slot) const;
  void GrowTo(std::size_t slots);
  void MakeRoomForOne();

  std::vector<PrincipalNode, HugePageAllocator<PrincipalNode>> slots_;  // zero or a power of two
  std::vector<NodeSources, HugePageAllocator<NodeSources>> sources_;    // by slot
  std::vector<std::uint32_t> slot_of_;                                  // by ref
};

}  // namespace pim::internal
