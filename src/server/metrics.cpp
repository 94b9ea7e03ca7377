#include "pim/server/metrics.h"

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "pim/domain/ids.h"

namespace pim::server {
namespace {

absl::string_view Alpha(std::string_view s) { return {s.data(), s.size()}; }

bool IsIdSegment(std::string_view s) {
  if (IsGuid(s)) return true;
  // Policy ids (DirectoryRole_..., Group_...) and other underscore-joined keys, plus digits.
  return s.find('_') != std::string_view::npos ||
         (!s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos);
}

}  // namespace

std::string RouteLabel(std::string_view path) {
  // Views into `path`: a label costs one string, built at the end.
  absl::InlinedVector<std::string_view, 16> segments;
  for (absl::string_view s :
       absl::StrSplit(absl::string_view(path.data(), path.size()), '/', absl::SkipEmpty())) {
    const absl::string_view name = s.substr(0, s.find('('));
    segments.emplace_back(name.data(), name.size());
  }
  std::string_view surface = "graph";
  if (!segments.empty() && segments.front() == "pim") surface = "pim";
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    if (segments[i] == "providers" && segments[i + 1] == "Microsoft.Authorization") surface = "arm";
  }
  if (surface == "pim" && segments.size() > 2 && segments[2] == "resources") surface = "arm";
  std::array<std::string_view, 2> names;
  std::size_t found = 0;
  for (auto it = segments.rbegin(); it != segments.rend() && found < names.size(); ++it) {
    if (!IsIdSegment(*it)) names[names.size() - ++found] = *it;
  }
  std::string label(surface);
  if (found > 0) absl::StrAppend(&label, " ", Alpha(names[names.size() - found]));
  if (found > 1) absl::StrAppend(&label, "/", Alpha(names[1]));
  // Anything a client can invent stays bounded in length.
  if (label.size() > 96) label.resize(96);
  return label;
}

void Metrics::RecordRequest(std::string_view route, int status, absl::Duration latency) {
  const double seconds = absl::ToDoubleSeconds(latency);
  absl::MutexLock lock(&mu_);
  auto it = routes_.find(route);
  if (it == routes_.end()) it = routes_.try_emplace(std::string(route)).first;
  metrics_internal::RouteStats& stats = it->second;
  ++stats.by_status[status];
  metrics_internal::Histogram& h = stats.latency;
  ++h.count;
  h.sum += seconds;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++h.counts[i];
      break;
    }
  }
}

std::string Metrics::Render(const Engine& engine, absl::Time now) const {
  std::string out;
  out += "# HELP pim_http_requests_total HTTP requests served, by route and status.\n";
  out += "# TYPE pim_http_requests_total counter\n";
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [route, stats] : routes_) {
      for (const auto& [status, n] : stats.by_status) {
        absl::StrAppend(&out, "pim_http_requests_total{route=\"", route, "\",status=\"", status,
                        "\"} ", n, "\n");
      }
    }
    out += "# HELP pim_http_request_duration_seconds Time to serve a request, by route.\n";
    out += "# TYPE pim_http_request_duration_seconds histogram\n";
    for (const auto& [route, stats] : routes_) {
      const metrics_internal::Histogram& h = stats.latency;
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += h.counts[i];
        absl::StrAppend(&out, "pim_http_request_duration_seconds_bucket{route=\"", route,
                        "\",le=\"", kBuckets[i], "\"} ", cumulative, "\n");
      }
      absl::StrAppend(&out, "pim_http_request_duration_seconds_bucket{route=\"", route,
                      "\",le=\"+Inf\"} ", h.count, "\n");
      absl::StrAppend(&out, "pim_http_request_duration_seconds_sum{route=\"", route, "\"} ", h.sum,
                      "\n");
      absl::StrAppend(&out, "pim_http_request_duration_seconds_count{route=\"", route, "\"} ",
                      h.count, "\n");
    }
  }
  std::size_t active = 0;
  engine.Read([&](const State& state) {
    for (const Schedule& s : state.schedules()) {
      if (s.kind == ScheduleKind::kAssignment && s.state == ScheduleState::kActive) ++active;
    }
  });
  const auto next_due = engine.NextDue();
  const double lag = next_due && *next_due < now ? absl::ToDoubleSeconds(now - *next_due) : 0.0;
  absl::StrAppend(&out,
                  "# HELP pim_active_grants Active assignments (assigned or activated) now.\n"
                  "# TYPE pim_active_grants gauge\npim_active_grants ",
                  active, "\n");
  absl::StrAppend(&out,
                  "# HELP pim_scheduler_lag_seconds How overdue the earliest timer is now.\n"
                  "# TYPE pim_scheduler_lag_seconds gauge\npim_scheduler_lag_seconds ",
                  lag, "\n");
  absl::StrAppend(&out,
                  "# HELP pim_revision The engine's current change-log revision.\n"
                  "# TYPE pim_revision gauge\npim_revision ",
                  engine.revision(), "\n");
  absl::StrAppend(&out,
                  "# HELP pim_open_connections Open client connections.\n"
                  "# TYPE pim_open_connections gauge\npim_open_connections ",
                  connections_.load(), "\n");
  absl::StrAppend(&out,
                  "# HELP pim_refused_connections_total Connections refused at the limit.\n"
                  "# TYPE pim_refused_connections_total counter\npim_refused_connections_total ",
                  refused_.load(), "\n");
  absl::StrAppend(&out,
                  "# HELP pim_watch_streams Open watch streams.\n"
                  "# TYPE pim_watch_streams gauge\npim_watch_streams ",
                  watches_.load(), "\n");
  absl::StrAppend(&out,
                  "# HELP pim_rate_limited_total Requests answered 429.\n"
                  "# TYPE pim_rate_limited_total counter\npim_rate_limited_total ",
                  rate_limited_.load(), "\n");
  absl::StrAppend(&out,
                  "# HELP pim_audit_chain_intact 1 when the change log matched every sealed audit "
                  "checkpoint at start-up, 0 when it was altered, -1 before the check.\n"
                  "# TYPE pim_audit_chain_intact gauge\npim_audit_chain_intact ",
                  audit_chain_intact_.load(), "\n");
  absl::StrAppend(&out,
                  "# HELP pim_audit_chain_mismatch_seq The first audit seq found altered (0: "
                  "none).\n"
                  "# TYPE pim_audit_chain_mismatch_seq gauge\npim_audit_chain_mismatch_seq ",
                  audit_chain_mismatch_seq_.load(), "\n");
  return out;
}

}  // namespace pim::server
