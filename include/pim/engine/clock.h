// Time as an input. Nothing in pim reads the system clock except SystemClock
// (src/engine/system_clock.cpp); tests use ManualClock.
#pragma once

#include "absl/time/time.h"

namespace pim {

// Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual absl::Time Now() const = 0;
};

// The real clock. Thread-safe.
class SystemClock final : public Clock {
 public:
  [[nodiscard]] absl::Time Now() const override;
};

}  // namespace pim
