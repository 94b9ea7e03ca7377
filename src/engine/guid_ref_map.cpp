#include "pim/engine/guid_ref_map.h"

#include "absl/hash/hash.h"

namespace pim {

std::size_t GuidRefMap::Home(const Guid128& key) const {
  // absl::Hash mixes both halves and is seeded per process, so ids that share bits (sequential
  // test ids, say) still spread over the table.
  return absl::Hash<Guid128>{}(key) & (slots_.size() - 1);
}

void GuidRefMap::Prefetch(const Guid128& key) const {
  if (!slots_.empty()) __builtin_prefetch(&slots_[Home(key)]);
}

GuidRefMap::Ref GuidRefMap::Find(const Guid128& key) const {
  if (slots_.empty()) return kNone;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = Home(key);; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.ref == kNone) return kNone;  // never full: an empty slot ends every probe
    if (slot.key == key) return slot.ref;
  }
}

std::pair<GuidRefMap::Ref, bool> GuidRefMap::Insert(const Guid128& key, Ref ref) {
  if (2 * (size_ + 1) > slots_.size()) Grow();
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = Home(key);; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (slot.ref == kNone) {
      slot = Slot{key, ref};
      ++size_;
      return {ref, true};
    }
    if (slot.key == key) return {slot.ref, false};
  }
}

void GuidRefMap::Grow() {
  std::vector<Slot, internal::HugePageAllocator<Slot>> old(slots_.empty() ? 16 : 2 * slots_.size());
  old.swap(slots_);
  const std::size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.ref == kNone) continue;
    std::size_t i = Home(slot.key);
    while (slots_[i].ref != kNone) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

}  // namespace pim
