#include "pim/engine/id_generator.h"

#include <cstdint>

#include "pim/domain/ids.h"

namespace pim {
std::string RandomIdGenerator::NewGuid() {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  {
    absl::MutexLock lock(&mu_);
    hi = absl::Uniform<std::uint64_t>(gen_);
    lo = absl::Uniform<std::uint64_t>(gen_);
  }
  return FormatGuid(AsVersion4(Guid128{hi, lo}));
}

std::string SequentialIdGenerator::NewGuid() {
  absl::MutexLock lock(&mu_);
  const std::uint64_t n = next_++;
  return FormatGuid(Guid128{0x4000ULL, (0x8000ULL << 48) | (n & 0xffffffffffffULL)});
}

}  // namespace pim
