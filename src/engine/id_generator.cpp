#include "pim/engine/id_generator.h"

#include <cstdint>

#include "absl/strings/str_format.h"

namespace pim {
namespace {

std::string FormatGuid(std::uint64_t hi, std::uint64_t lo) {
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32, (hi >> 16) & 0xffff, hi & 0xffff,
                         lo >> 48, lo & 0xffffffffffffULL);
}

}  // namespace

std::string RandomIdGenerator::NewGuid() {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  {
    absl::MutexLock lock(&mu_);
    hi = absl::Uniform<std::uint64_t>(gen_);
    lo = absl::Uniform<std::uint64_t>(gen_);
  }
  hi = (hi & ~0xf000ULL) | 0x4000ULL;                  // version 4
  lo = (lo & ~(0xc000ULL << 48)) | (0x8000ULL << 48);  // RFC 4122 variant
  return FormatGuid(hi, lo);
}

std::string SequentialIdGenerator::NewGuid() {
  absl::MutexLock lock(&mu_);
  const std::uint64_t n = next_++;
  return FormatGuid(0x4000ULL, (0x8000ULL << 48) | (n & 0xffffffffffffULL));
}

}  // namespace pim
