#include "pim/api/watch_feed.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "pim/api/odata/query.h"
#include "pim/domain/iso8601.h"
#include "pim/domain/status.h"

namespace pim::api {
namespace {

absl::StatusOr<Revision> ParseRevision(std::string_view text, const char* what) {
  Revision r = 0;
  if (!absl::SimpleAtoi(absl::string_view(text.data(), text.size()), &r) || r < 0) {
    return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest,
                 absl::StrCat(what, " must be a non-negative revision number."));
  }
  return r;
}

std::string EventText(const ChangeRecord& record) {
  boost::json::array changes;
  for (const Mutation& m : record.mutations) {
    changes.push_back(boost::json::object{{"kind", std::string(kEntityKindNames.Name(m.kind))},
                                          {"key", m.key},
                                          {"op", m.after.has_value() ? "put" : "delete"}});
  }
  const boost::json::object data{
      {"revision", record.revision},   {"time", FormatDateTime(record.at)},
      {"actorId", record.actor.str()}, {"event", record.event},
      {"detail", record.detail},       {"changes", std::move(changes)}};
  return absl::StrCat("id: ", record.revision,
                      "\nevent: change\ndata: ", boost::json::serialize(data), "\n\n");
}

}  // namespace

absl::StatusOr<Revision> WatchFeed::StartRevision(const RequestContext& ctx) const {
  const std::string_view last_event_id = ctx.http.Header("last-event-id");
  if (!last_event_id.empty()) return ParseRevision(last_event_id, "Last-Event-ID");
  PIM_ASSIGN_OR_RETURN(const odata::Query query, odata::ParseQuery(ctx.raw_query));
  if (query.filter || !query.select.empty() || !query.expand.empty() || query.top || query.skip ||
      !query.orderby.empty() || query.count || query.skiptoken) {
    return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest,
                 "watch takes only the `since` parameter.");
  }
  for (const auto& [name, value] : query.params) {
    if (name != "since") {
      return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest,
                   absl::StrCat("Unknown watch parameter '", name.substr(0, 40), "'."));
    }
    return ParseRevision(value, "since");
  }
  return engine_.revision();
}

absl::StatusOr<WatchFeed::Batch> WatchFeed::Next(Revision after, std::size_t limit) const {
  const Revision current = engine_.revision();
  Batch batch;
  batch.last = after;
  if (after > current || current - after > max_backlog_) {
    batch.resync = true;
    batch.text = absl::StrCat("event: resync\ndata: {\"revision\":", current, "}\n\n");
    return batch;
  }
  if (after == current) return batch;
  PIM_ASSIGN_OR_RETURN(const std::vector<ChangeRecord> records, store_.ReadChanges(after, limit));
  // Retention deleted the records up to the anchor: a consumer still before it would miss
  // them, so it must re-read the state like one too far behind. Read after the records: the
  // anchor only moves forward, so one at or before `after` now was so during the read too.
  PIM_ASSIGN_OR_RETURN(const ChangeLogAnchor anchor, store_.ReadAnchor());
  if (after < anchor.revision) {
    batch.resync = true;
    batch.text = absl::StrCat("event: resync\ndata: {\"revision\":", current, "}\n\n");
    return batch;
  }
  for (const ChangeRecord& record : records) {
    absl::StrAppend(&batch.text, EventText(record));
    batch.last = record.revision;
  }
  return batch;
}

}  // namespace pim::api
