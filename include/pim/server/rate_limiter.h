// A token bucket per key (a caller's credential digest or address): `burst` requests at once,
// refilled at `per_second`. Idle buckets are dropped so the table stays bounded. Thread-safe.
#pragma once

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace pim::server {

class RateLimiter {
 public:
  RateLimiter(double per_second, double burst, std::size_t max_keys = 100000)
      : per_second_(per_second), burst_(burst), max_keys_(max_keys) {}

  // Takes one token for `key` at `now`. Returns zero when allowed, else how long until a token
  // is available (for Retry-After).
  [[nodiscard]] absl::Duration Take(const std::string& key, absl::Time now);
  // What Take would answer, without taking anything.
  [[nodiscard]] absl::Duration Peek(const std::string& key, absl::Time now);

 private:
  struct Bucket {
    double tokens;
    absl::Time updated;
  };
  const double per_second_;
  const double burst_;
  const std::size_t max_keys_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pim::server
