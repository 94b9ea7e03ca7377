// The only file in pim that reads the system clock.
#include "absl/time/clock.h"
#include "pim/engine/clock.h"

namespace pim {

absl::Time SystemClock::Now() const { return absl::Now(); }

}  // namespace pim
