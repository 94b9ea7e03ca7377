// An allocator for the access index's large arrays: blocks of 1 MiB or more are mapped on their
// own, aligned to 2 MiB and advised to the kernel as transparent huge pages (MADV_HUGEPAGE,
// which works whether THP is set to `always` or `madvise`). A check reads a few entries at
// random in arrays of tens of MiB; with 4 KiB pages nearly every read also misses the TLB.
// Smaller blocks come from operator new, aligned as T asks. Without THP the advice is ignored:
// same behaviour.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>

namespace pim::internal {

template <typename T>
class HugePageAllocator {
 public:
  using value_type = T;

  HugePageAllocator() = default;
  template <typename U>
  explicit HugePageAllocator(const HugePageAllocator<U>& /*other*/) {}

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kMappedFrom) return static_cast<T*>(::operator new(bytes, kAlignment));
    const std::size_t length = Rounded(bytes);
    // Over-map by one huge page, then trim so the block starts on a 2 MiB boundary.
    void* raw = mmap(nullptr, length + kHugePage, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    char* const base = static_cast<char*>(raw);
    const std::size_t misalignment = reinterpret_cast<std::uintptr_t>(base) & (kHugePage - 1);
    const std::size_t head = misalignment == 0 ? 0 : kHugePage - misalignment;
    char* const aligned = base + head;
    if (head > 0) munmap(base, head);
    munmap(aligned + length, kHugePage - head);  // never empty: head < kHugePage
    madvise(aligned, length, MADV_HUGEPAGE);
    return reinterpret_cast<T*>(aligned);
  }

  void deallocate(T* p, std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kMappedFrom) {
      ::operator delete(p, kAlignment);
      return;
    }
    munmap(p, Rounded(bytes));
  }

  template <typename U>
  friend bool operator==(const HugePageAllocator&, const HugePageAllocator<U>&) {
    return true;
  }

 private:
  static constexpr std::align_val_t kAlignment{alignof(T)};
  static constexpr std::size_t kHugePage = 2U << 20U;
  static constexpr std::size_t kMappedFrom = 1U << 20U;
  static std::size_t Rounded(std::size_t bytes) {
    return (bytes + kHugePage - 1) & ~(kHugePage - 1);
  }
};

}  // namespace pim::internal
