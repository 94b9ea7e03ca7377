#include "pim/engine/string_ref_map.h"

#include "absl/hash/hash.h"

namespace pim {

std::uint64_t StringRefMap::Hash(std::string_view text) {
  // Debian's abseil has its own string_view type. absl::Hash is seeded per process.
  return absl::Hash<absl::string_view>{}(absl::string_view(text.data(), text.size()));
}

StringRefMap::Candidate StringRefMap::Probe(std::uint64_t hash, std::size_t slot) const {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = slot & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.ref == kNone) return Candidate{hash, i, kNone, {}};  // never full: probes end
    if (s.hash == hash) return Candidate{hash, i, s.ref, std::string_view(s.data, s.size)};
  }
}

void StringRefMap::Prefetch(std::uint64_t hash) const {
  if (!slots_.empty()) __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
}

StringRefMap::Candidate StringRefMap::Locate(std::uint64_t hash) const {
  if (slots_.empty()) return Candidate{};
  const Candidate candidate = Probe(hash, hash);
  // Every cache line the text touches, wherever it starts within the first.
  const std::string_view text = candidate.text;
  for (std::size_t offset = 0; offset < text.size(); offset += 64) {
    __builtin_prefetch(text.data() + offset);
  }
  if (!text.empty()) __builtin_prefetch(text.data() + text.size() - 1);
  return candidate;
}

StringRefMap::Ref StringRefMap::Confirm(std::string_view text, const Candidate& candidate) const {
  for (Candidate c = candidate; c.ref != kNone; c = Probe(c.hash, c.slot + 1)) {
    if (c.text == text) return c.ref;
  }
  return kNone;
}

StringRefMap::Ref StringRefMap::Intern(std::string_view text) {
  if (const Ref found = Find(text); found != kNone) return found;
  if (2 * (texts_.size() + 1) > slots_.size()) Grow();
  const auto ref = static_cast<Ref>(texts_.size());
  const std::string& stored = texts_.emplace_back(text);
  const std::uint64_t hash = Hash(text);
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = hash & mask;
  while (slots_[i].ref != kNone) i = (i + 1) & mask;
  slots_[i] = Slot{hash, stored.data(), static_cast<std::uint32_t>(stored.size()), ref};
  return ref;
}

void StringRefMap::Grow() {
  std::vector<Slot> old(slots_.empty() ? 16 : 2 * slots_.size());
  old.swap(slots_);
  const std::size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.ref == kNone) continue;
    std::size_t i = slot.hash & mask;
    while (slots_[i].ref != kNone) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

}  // namespace pim
