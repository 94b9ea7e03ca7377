#include "pim/engine/principal_nodes.h"

#include <algorithm>
#include <utility>

#include "absl/hash/hash.h"

namespace pim::internal {

static_assert(sizeof(PrincipalNode) == 192, "a node is three cache lines");
static_assert(sizeof(EntrySource) == 16);

void PrincipalNodes::Insert(Ref ref, std::size_t at, const NodeEntry& entry,
                            const EntrySource& source) {
  const std::uint32_t slot = slot_of_[ref];
  PrincipalNode& node = slots_[slot];
  node.entries.insert(node.entries.begin() + static_cast<std::ptrdiff_t>(at), entry);
  NodeSources& sources = sources_[slot];
  sources.insert(sources.begin() + static_cast<std::ptrdiff_t>(at), source);
}

std::size_t PrincipalNodes::HomeOf(const Guid128& guid) const {
  // absl::Hash mixes both halves and is seeded per process, so ids that share bits (sequential
  // test ids, say) still spread over the table.
  return absl::Hash<Guid128>{}(guid) & (slots_.size() - 1);
}

std::size_t PrincipalNodes::Home(const PrincipalNode& node) const {
  if (node.keyed_by_guid) return HomeOf(node.guid);
  return absl::Hash<std::uint32_t>{}(node.ref) & (slots_.size() - 1);
}

std::size_t PrincipalNodes::FreeFrom(std::size_t home) const {
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = home;
  while (slots_[i].ref != kNone) i = (i + 1) & mask;  // never full: at most half
  return i;
}

void PrincipalNodes::Prefetch(const Guid128& guid) const {
  if (slots_.empty()) return;
  const std::size_t home = HomeOf(guid);
  const auto* bytes = reinterpret_cast<const char*>(&slots_[home]);
  for (std::size_t offset = 0; offset < sizeof(PrincipalNode); offset += 64) {
    __builtin_prefetch(bytes + offset);
  }
  // The next slot's first line: where a probe goes on when the home slot holds another key.
  __builtin_prefetch(&slots_[(home + 1) & (slots_.size() - 1)]);
  PrefetchSources(home);
}

void PrincipalNodes::PrefetchNode(Ref ref) const {
  const std::size_t slot = slot_of_[ref];
  const auto* bytes = reinterpret_cast<const char*>(&slots_[slot]);
  __builtin_prefetch(bytes);
  __builtin_prefetch(bytes + 64);
  PrefetchSources(slot);
}

void PrincipalNodes::PrefetchSources(std::size_t slot) const {
  // Every line the block touches: it starts anywhere in its first line, so it may span three.
  const auto* sources = reinterpret_cast<const char*>(&sources_[slot]);
  for (std::size_t offset = 0; offset < sizeof(NodeSources); offset += 64) {
    __builtin_prefetch(sources + offset);
  }
  __builtin_prefetch(sources + sizeof(NodeSources) - 1);
}

const PrincipalNode* PrincipalNodes::Find(const Guid128& guid) const {
  if (slots_.empty()) return nullptr;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = HomeOf(guid);; i = (i + 1) & mask) {
    const PrincipalNode& node = slots_[i];
    if (node.ref == kNone) return nullptr;  // an empty slot ends every probe
    if (node.keyed_by_guid && node.guid == guid) return &node;
  }
}

std::pair<PrincipalNodes::Ref, bool> PrincipalNodes::AddGuid(const Guid128& guid) {
  if (const PrincipalNode* found = Find(guid)) return {found->ref, false};
  MakeRoomForOne();
  const auto ref = static_cast<Ref>(slot_of_.size());
  const std::size_t slot = FreeFrom(HomeOf(guid));
  slots_[slot].guid = guid;
  slots_[slot].keyed_by_guid = true;
  slots_[slot].ref = ref;
  slot_of_.push_back(static_cast<std::uint32_t>(slot));
  return {ref, true};
}

PrincipalNodes::Ref PrincipalNodes::AddUnkeyed() {
  MakeRoomForOne();
  const auto ref = static_cast<Ref>(slot_of_.size());
  const std::size_t slot = FreeFrom(absl::Hash<std::uint32_t>{}(ref) & (slots_.size() - 1));
  slots_[slot].ref = ref;
  slot_of_.push_back(static_cast<std::uint32_t>(slot));
  return ref;
}

void PrincipalNodes::Reserve(std::size_t count) {
  std::size_t slots = slots_.empty() ? 16 : slots_.size();
  while (slots < 2 * count) slots *= 2;
  if (slots > slots_.size()) GrowTo(slots);
}

void PrincipalNodes::MakeRoomForOne() {
  if (2 * (slot_of_.size() + 1) > slots_.size()) GrowTo(slots_.empty() ? 16 : 2 * slots_.size());
}

void PrincipalNodes::GrowTo(std::size_t slots) {
  std::vector<PrincipalNode, HugePageAllocator<PrincipalNode>> old(slots);
  std::vector<NodeSources, HugePageAllocator<NodeSources>> old_sources(slots);
  old.swap(slots_);
  old_sources.swap(sources_);
  for (std::size_t i = 0; i < old.size(); ++i) {
    PrincipalNode& node = old[i];
    if (node.ref == kNone) continue;
    const std::size_t slot = FreeFrom(Home(node));
    slot_of_[node.ref] = static_cast<std::uint32_t>(slot);
    slots_[slot] = std::move(node);
    sources_[slot] = std::move(old_sources[i]);
  }
}

}  // namespace pim::internal
