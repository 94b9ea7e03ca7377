// pim's audit endpoints (docs/audit.md, docs/api.md): the audit history as JSON lines or CSV,
// and the public audit keys that verify its checkpoints.
//
// The HTTP layer sends a response as one body (only the watch feed streams), so an export is
// paged: at most `limit` entries (default and maximum kMaxAuditPage) per response, and the
// `X-Pim-Audit-Next-After` header, when present, is the `after` of the next page. Each page of
// JSON lines starts at a signed checkpoint and ends with one, so the pages of an export,
// concatenated in order, verify as one file. Within a page the store is read a batch at a time.
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "api/common/json_body.h"
#include "pim/api/api_error.h"
#include "pim/api/api_service.h"
#include "pim/api/odata/query.h"
#include "pim/domain/iso8601.h"
#include "pim/domain/status.h"

namespace pim::api {
namespace {

constexpr std::size_t kMaxAuditPage = 10000;
constexpr std::size_t kMaxFilterLength = 256;

using json_body::Bad;

absl::StatusOr<audit::AuditQuery> ParseAuditQuery(std::string_view raw_query) {
  PIM_ASSIGN_OR_RETURN(const odata::Query query, odata::ParseQuery(raw_query));
  if (query.filter || !query.select.empty() || !query.expand.empty() || query.top || query.skip ||
      !query.orderby.empty() || query.count || query.skiptoken) {
    return Bad(
        "The audit export takes from, to, actor, target, activity, format, after and "
        "limit, not OData options.");
  }
  audit::AuditQuery q;
  q.limit = kMaxAuditPage;
  for (const auto& [name, value] : query.params) {
    if (value.size() > kMaxFilterLength) {
      return Bad(absl::StrCat("The value of '", name, "' is too long."));
    }
    if (name == "from" || name == "to") {
      auto t = ParseDateTime(value);
      if (!t.ok()) return Bad(absl::StrCat("'", name, "' must be an ISO 8601 date-time."));
      (name == "from" ? q.from : q.to) = *t;
    } else if (name == "actor") {
      q.actor = value;
    } else if (name == "target") {
      q.target = value;
    } else if (name == "activity") {
      q.activity = value;
    } else if (name == "format") {
      if (value == "jsonl") {
        q.format = audit::ExportFormat::kJsonLines;
      } else if (value == "csv") {
        q.format = audit::ExportFormat::kCsv;
      } else {
        return Bad("'format' must be jsonl or csv.");
      }
    } else if (name == "after") {
      std::int64_t after = 0;
      if (!absl::SimpleAtoi(value, &after) || after < 0) {
        return Bad("'after' must be a non-negative integer (a seq).");
      }
      q.after = after;
    } else if (name == "limit") {
      std::int64_t limit = 0;
      if (!absl::SimpleAtoi(value, &limit) || limit < 1 ||
          limit > static_cast<std::int64_t>(kMaxAuditPage)) {
        return Bad(absl::StrCat("'limit' must be an integer from 1 to ", kMaxAuditPage, "."));
      }
      q.limit = static_cast<std::size_t>(limit);
    } else {
      return Bad(absl::StrCat("Unknown audit parameter '", name.substr(0, 40), "'."));
    }
  }
  if (q.from && q.to && *q.from > *q.to) return Bad("'from' must not be after 'to'.");
  return q;
}

// Names for an entry's ids from the current directory (labels, not hashed).
audit::AuditLabels LabelsFor(const State& s, const audit::AuditEntry& e) {
  audit::AuditLabels l;
  if (const Principal* actor = s.FindPrincipal(e.actor_id)) {
    l.actor_kind = std::string(kPrincipalKindNames.Name(actor->kind));
    l.actor_display_name = actor->display_name;
    l.actor_user_principal_name = actor->mail;
  }
  if (!e.target.principal_id.empty()) {
    if (const Principal* p = s.FindPrincipal(e.target.principal_id)) {
      l.principal_display_name = p->display_name;
      l.principal_user_principal_name = p->mail;
    }
  }
  if (e.target.kind == "directoryRole" || e.target.kind == "resourceRole" ||
      e.target.kind == "roleDefinition") {
    if (const RoleDefinition* r = s.FindRole(e.target.id)) l.target_display_name = r->display_name;
  } else if (e.target.kind == "scope") {
    if (const ScopeNode* n = s.FindScope(e.target.id)) l.target_display_name = n->display_name;
  } else if (const Principal* p = s.FindPrincipal(e.target.id)) {
    l.target_display_name = p->display_name;
  }
  return l;
}

}  // namespace

HttpResponse ApiService::AuditEntries(const RequestContext& ctx) {
  if (ctx.http.method != "GET") return GraphError(Bad("The audit export takes GET."), ctx);
  if (!engine_.MayReadAudit(ctx.caller)) {
    return GraphError(Error(absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed,
                            "Reading the audit history needs the Global Administrator, "
                            "Privileged Role Administrator, Security Administrator, Security "
                            "Reader or Global Reader role."),
                      ctx);
  }
  auto query = ParseAuditQuery(ctx.raw_query);
  if (!query.ok()) return GraphError(query.status(), ctx);
  HttpResponse response;
  const auto labels = [this](const audit::AuditEntry& e) {
    audit::AuditLabels l;
    engine_.Read([&](const State& s) { l = LabelsFor(s, e); });
    return l;
  };
  auto result = audit_->Export(*query, labels,
                               [&response](std::string_view piece) { response.body += piece; });
  if (!result.ok()) return GraphError(result.status(), ctx);
  response.status = 200;
  if (query->format == audit::ExportFormat::kCsv) {
    response.SetHeader("Content-Type", "text/csv; charset=utf-8");
    response.SetHeader("Content-Disposition", "attachment; filename=\"audit.csv\"");
  } else {
    response.SetHeader("Content-Type", "application/x-ndjson");
  }
  response.SetHeader("Cache-Control", "no-store");
  if (result->next_after) {
    response.SetHeader("X-Pim-Audit-Next-After", absl::StrCat(*result->next_after));
  }
  return response;
}

HttpResponse ApiService::AuditKeys(const RequestContext& ctx) {
  if (ctx.http.method != "GET") return GraphError(Bad("The audit keys take GET."), ctx);
  return HttpResponse::Json(200, audit_->KeysJwks());
}

}  // namespace pim::api
