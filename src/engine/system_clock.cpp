// The only file in pim that reads the system clock.
#include "pim/engine/clock.h"

#include "absl/time/clock.h"

namespace pim {

absl::Time SystemClock::Now() const { return absl::Now(); }

}  // namespace pim
