// An insert-only map from GUIDs to dense refs, laid out for one cache miss per lookup: open
// addressing with linear probing over 24-byte slots that hold the key and the ref together, kept
// at most half full, so a lookup nearly always ends in the slot its hash names. Prefetch asks for
// that slot early, so a caller can overlap the miss with other work. (A Swiss table reads a
// control byte first and the slot after it: two dependent loads.)
//
// Thread-compatible: const members may run concurrently with each other, not with Insert.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "pim/domain/ids.h"
#include "pim/engine/huge_page_allocator.h"

namespace pim {

class GuidRefMap {
 public:
  using Ref = std::uint32_t;
  static constexpr Ref kNone = UINT32_MAX;

  // Starts loading the slot `key` hashes to, without waiting for it.
  void Prefetch(const Guid128& key) const;
  // `key`'s ref, or kNone.
  [[nodiscard]] Ref Find(const Guid128& key) const;
  // `key`'s ref, and whether it was added now (with `ref`, which must not be kNone).
  std::pair<Ref, bool> Insert(const Guid128& key, Ref ref);
  [[nodiscard]] std::size_t size() const { return size_; }

 private:
  struct Slot {
    Guid128 key;
    Ref ref = kNone;  // kNone: empty
  };
  [[nodiscard]] std::size_t Home(const Guid128& key) const;
  void Grow();

  std::vector<Slot, internal::HugePageAllocator<Slot>> slots_;  // size: zero or a power of two
  std::size_t size_ = 0;
};

}  // namespace pim
