#include "pim/domain/schedule.h"

namespace pim {

std::optional<absl::Time> Schedule::End() const {
  switch (expiration.type) {
    case ExpirationType::kAfterDateTime:
      return expiration.end;
    case ExpirationType::kAfterDuration:
      if (expiration.duration) return start + *expiration.duration;
      return std::nullopt;
    case ExpirationType::kNoExpiration:
    case ExpirationType::kNotSpecified:
      return std::nullopt;
  }
  return std::nullopt;
}

bool Schedule::CoversTime(absl::Time now) const {
  if (now < start) return false;
  const auto end = End();
  return !end || now < *end;
}

}  // namespace pim
