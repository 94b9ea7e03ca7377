// pimd's Prometheus metrics: requests by route and status, latency histograms per route, open
// connections and watch streams; the engine's revision, active grants and scheduler lag are
// read at scrape time. Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <tuple>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "pim/engine/engine.h"

namespace pim::server {

// A low-cardinality label for a request path: the surface and the last two segments that are
// not ids, e.g. "graph roleAssignmentScheduleRequests/cancel", "arm roleEligibilitySchedules".
[[nodiscard]] std::string RouteLabel(std::string_view path);

namespace metrics_internal {
// Request latencies of one route; bucket bounds are Metrics::kBuckets.
struct Histogram {
  std::array<std::uint64_t, 12> counts{};  // per bucket, not cumulative
  std::uint64_t count = 0;
  double sum = 0;
};
struct RouteStats {
  absl::btree_map<int, std::uint64_t> by_status;  // requests answered with each status
  Histogram latency;
};
}  // namespace metrics_internal

class Metrics {
 public:
  void RecordRequest(std::string_view route, int status, absl::Duration latency);
  void ConnectionOpened() { connections_.fetch_add(1); }
  void ConnectionClosed() { connections_.fetch_sub(1); }
  void ConnectionRefused() { refused_.fetch_add(1); }
  void WatchOpened() { watches_.fetch_add(1); }
  void WatchClosed() { watches_.fetch_sub(1); }
  void RateLimited() { rate_limited_.fetch_add(1); }
  // The audit chain check (docs/audit.md): intact 1, tampering found 0; and the first seq
  // found not to match (0 when intact). Until set, the chain metrics read -1 and 0.
  void SetAuditChain(bool intact, std::int64_t mismatch_seq) {
    audit_chain_intact_.store(intact ? 1 : 0);
    audit_chain_mismatch_seq_.store(mismatch_seq);
  }
  [[nodiscard]] int connections() const { return connections_.load(); }
  [[nodiscard]] int watches() const { return watches_.load(); }

  // The exposition text (format 0.0.4).
  [[nodiscard]] std::string Render(const Engine& engine, absl::Time now) const;

  static constexpr std::array<double,
                              std::tuple_size_v<decltype(metrics_internal::Histogram::counts)>>
      kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};

 private:
  mutable absl::Mutex mu_;
  // By route label; looked up by view, so recording a request copies no string.
  absl::btree_map<std::string, metrics_internal::RouteStats, std::less<>> routes_
      ABSL_GUARDED_BY(mu_);
  std::atomic<int> connections_{0};
  std::atomic<std::uint64_t> refused_{0};
  std::atomic<int> watches_{0};
  std::atomic<std::uint64_t> rate_limited_{0};
  std::atomic<int> audit_chain_intact_{-1};
  std::atomic<std::int64_t> audit_chain_mismatch_seq_{0};
};

}  // namespace pim::server
