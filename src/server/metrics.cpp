#include "pim/server/metrics.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "pim/domain/ids.h"

namespace pim::server {
namespace {

bool IsIdSegment(std::string_view s) {
  if (IsGuid(s)) return true;
  // Policy ids (DirectoryRole_..., Group_...) and other underscore-joined keys, plus digits.
  return s.find('_') != std::string_view::npos ||
         (!s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos);
}

}  // namespace

std::string RouteLabel(std::string_view path) {
  std::vector<std::string> segments;
  for (absl::string_view s :
       absl::StrSplit(absl::string_view(path.data(), path.size()), '/', absl::SkipEmpty())) {
    segments.emplace_back(s.substr(0, s.find('(')));
  }
  std::string surface = "graph";
  if (!segments.empty() && segments.front() == "pim") surface = "pim";
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    if (segments[i] == "providers" && segments[i + 1] == "Microsoft.Authorization") surface = "arm";
  }
  if (surface == "pim" && segments.size() > 2 && segments[2] == "resources") surface = "arm";
  std::vector<std::string> names;
  for (auto it = segments.rbegin(); it != segments.rend() && names.size() < 2; ++it) {
    if (!IsIdSegment(*it)) names.insert(names.begin(), *it);
  }
  if (names.empty()) return surface;
  std::string label = absl::StrCat(surface, " ", names[0]);
  if (names.size() > 1) absl::StrAppend(&label, "/", names[1]);
  // Anything a client can invent stays bounded in length.
  return label.substr(0, 96);
}

void Metrics::RecordRequest(const std::string& route, int status, absl::Duration latency) {
  const double seconds = absl::ToDoubleSeconds(latency);
  absl::MutexLock lock(&mu_);
  ++requests_[{route, status}];
  Histogram& h = latency_[route];
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
    for (const auto& [key, n] : requests_) {
      absl::StrAppend(&out, "pim_http_requests_total{route=\"", key.first, "\",status=\"",
                      key.second, "\"} ", n, "\n");
    }
    out += "# HELP pim_http_request_duration_seconds Time to serve a request, by route.\n";
    out += "# TYPE pim_http_request_duration_seconds histogram\n";
    for (const auto& [route, h] : latency_) {
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
