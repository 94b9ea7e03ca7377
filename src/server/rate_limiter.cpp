#include "pim/server/rate_limiter.h"

#include <algorithm>

namespace pim::server {

absl::Duration RateLimiter::Take(const std::string& key, absl::Time now) {
  if (per_second_ <= 0) return absl::ZeroDuration();
  absl::MutexLock lock(&mu_);
  if (buckets_.size() >= max_keys_ && !buckets_.contains(key)) {
    // Drop buckets that have refilled completely: they carry no information.
    absl::erase_if(buckets_, [&](const auto& entry) {
      const Bucket& b = entry.second;
      return b.tokens + absl::ToDoubleSeconds(now - b.updated) * per_second_ >= burst_;
    });
  }
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!inserted && now > b.updated) {
    b.tokens = std::min(burst_, b.tokens + absl::ToDoubleSeconds(now - b.updated) * per_second_);
    b.updated = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return absl::ZeroDuration();
  }
  return absl::Seconds((1.0 - b.tokens) / per_second_);
}

absl::Duration RateLimiter::Peek(const std::string& key, absl::Time now) {
  if (per_second_ <= 0) return absl::ZeroDuration();
  absl::MutexLock lock(&mu_);
  const auto it = buckets_.find(key);
  if (it == buckets_.end()) return absl::ZeroDuration();
  const Bucket& b = it->second;
  const double tokens = std::min(
      burst_, b.tokens + std::max(0.0, absl::ToDoubleSeconds(now - b.updated)) * per_second_);
  return tokens >= 1.0 ? absl::ZeroDuration() : absl::Seconds((1.0 - tokens) / per_second_);
}

}  // namespace pim::server
