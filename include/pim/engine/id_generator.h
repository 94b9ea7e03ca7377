// Ids for requests and schedules. RandomIdGenerator in production, SequentialIdGenerator in
// tests (predictable GUIDs).
#pragma once

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/random/random.h"
#include "absl/synchronization/mutex.h"

namespace pim {

// Thread-safe.
class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  // A new lowercase GUID, never returned before by this generator.
  [[nodiscard]] virtual std::string NewGuid() = 0;
};

// Version-4 GUIDs from a CSPRNG-seeded generator. Thread-safe.
class RandomIdGenerator final : public IdGenerator {
 public:
  [[nodiscard]] std::string NewGuid() override;

 private:
  absl::Mutex mu_;
  absl::BitGen gen_ ABSL_GUARDED_BY(mu_);
};

// "00000000-0000-4000-8000-000000000001", "...0002", ... Thread-safe.
class SequentialIdGenerator final : public IdGenerator {
 public:
  explicit SequentialIdGenerator(std::uint64_t first = 1) : next_(first) {}
  [[nodiscard]] std::string NewGuid() override;

 private:
  absl::Mutex mu_;
  std::uint64_t next_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pim
