// An insert-only map from strings (scope paths, up to a few hundred bytes) to dense refs, whose
// lookup comes in two steps so that its cache miss can overlap other work: Locate hashes the key
// and probes slots that hold a 64-bit hash, a ref and the text's address, then requests the
// candidate's text; Confirm compares that text later. A hash match alone never counts. A Swiss
// table compares the text inside find(), so the miss on a stored string is taken then and there.
//
// Thread-compatible: const members may run concurrently with each other, not with Intern.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace pim {

class StringRefMap {
 public:
  using Ref = std::uint32_t;
  static constexpr Ref kNone = UINT32_MAX;

  // Where a lookup stands after Locate: the key's hash and the slot of the first candidate.
  struct Candidate {
    std::uint64_t hash = 0;
    std::size_t slot = 0;
    Ref ref = kNone;        // kNone: the key is certainly absent
    std::string_view text;  // the candidate's stored text
  };

  // `text`'s ref, added (as the next ref) when new. `text` is shorter than 4 GiB.
  Ref Intern(std::string_view text);
  // The hash Prefetch and Locate take: seeded per process.
  [[nodiscard]] static std::uint64_t Hash(std::string_view text);
  // Starts loading the slot where a lookup of a text with this hash begins.
  void Prefetch(std::uint64_t hash) const;
  // The first slot holding `hash` (which is Hash(text)), with its text requested from memory.
  [[nodiscard]] Candidate Locate(std::uint64_t hash) const;
  // `text`'s ref, or kNone: checks `candidate` (from Locate(Hash(text))) and any later one.
  [[nodiscard]] Ref Confirm(std::string_view text, const Candidate& candidate) const;
  [[nodiscard]] Ref Find(std::string_view text) const { return Confirm(text, Locate(Hash(text))); }

  [[nodiscard]] const std::string& Text(Ref ref) const { return texts_[ref]; }
  [[nodiscard]] std::size_t size() const { return texts_.size(); }

 private:
  // The text's address is in the slot, so finding the slot is enough to request the text.
  struct Slot {
    std::uint64_t hash = 0;
    const char* data = nullptr;
    std::uint32_t size = 0;
    Ref ref = kNone;  // kNone: empty
  };
  // The first slot at or after `slot` holding `hash` (ref kNone when an empty slot comes first).
  [[nodiscard]] Candidate Probe(std::uint64_t hash, std::size_t slot) const;
  void Grow();

  std::vector<Slot> slots_;        // size: zero or a power of two; at most half full
  std::deque<std::string> texts_;  // a deque: the slots point into its strings, which never move
};

}  // namespace pim
