// End-user commands: roles, activate (with --wait), deactivate, extend, renew, requests and
// cancel: the caller's own access and requests.
#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/command_context.h"
#include "cli/request_options.h"
#include "pim/cli/output.h"
#include "pim/cli/pim_client.h"
#include "pim/cli/poll_backoff.h"
#include "pim/cli/server_error.h"
#include "pim/cli/user_duration.h"

namespace pim::cli {
namespace {

// The options that tell apart the roles a name matches.
constexpr std::string_view kTargetOptions = "--scope, --group or --access";

struct RolesOptions {
  bool eligible = false;
  bool active = false;
};

absl::Status Roles(Context& ctx, const RolesOptions& o) {
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PimClient client(*session);
  PIM_ASSIGN_OR_RETURN(std::vector<RoleEntry> roles, client.Roles());
  std::vector<RoleEntry> shown;
  for (RoleEntry& r : roles) {
    if (o.eligible && r.state != "eligible") continue;
    if (o.active && r.state == "eligible") continue;
    shown.push_back(std::move(r));
  }
  if (ctx.json()) {
    boost::json::array items;
    for (const RoleEntry& r : shown) items.emplace_back(ToJson(r));
    ctx.PrintJson(boost::json::object{{"roles", std::move(items)}});
    return absl::OkStatus();
  }
  if (shown.empty()) {
    ctx.out() << "No eligible or active roles.\n";
    return absl::OkStatus();
  }
  Table table({"STATE", "KIND", "NAME", "SCOPE/ACCESS", "TYPE", "START", "END"});
  for (const RoleEntry& r : shown) {
    std::string type = r.assignment_type;
    if (r.member_type == "Group" || r.member_type == "Inherited") {
      if (!type.empty()) type += ", ";
      absl::StrAppend(&type, "via ", absl::AsciiStrToLower(r.member_type));
    }
    table.AddRow({r.state, std::string(AreaName(r.area)), r.name, ScopeText(r), type,
                  r.start == absl::InfinitePast() ? "-" : ShortTime(r.start),
                  r.end == absl::InfiniteFuture() ? "permanent" : ShortTime(r.end)});
    table.SetRowTones({ToneOfStatus(r.state)});
  }
  ctx.out() << table.Render(ctx.colour());
  return absl::OkStatus();
}

// The one entry of `roles` that `o` names. Errors: NotFound (exit 4) for none; InvalidArgument
// (exit 2) listing the choices, and the options that tell them apart (`options`), when several
// match.
absl::StatusOr<RoleEntry> PickTarget(const std::vector<RoleEntry>& roles, const TargetOptions& o,
                                     const std::function<bool(const RoleEntry&)>& wanted,
                                     std::string_view what, std::string_view options) {
  std::vector<RoleEntry> matches;
  for (const RoleEntry& r : roles) {
    if (!wanted(r)) continue;
    if (o.group && r.area != Area::kGroup) continue;
    if (!o.access.empty() && r.area == Area::kGroup &&
        !absl::EqualsIgnoreCase(r.access, o.access)) {
      continue;
    }
    if (!absl::EqualsIgnoreCase(r.name, o.role) && !absl::EqualsIgnoreCase(r.target_id, o.role) &&
        !absl::EqualsIgnoreCase(r.schedule_id, o.role)) {
      continue;
    }
    if (!o.scope.empty() && r.area != Area::kGroup) {
      // At the scope, or a reduced scope below an eligibility held above it.
      const std::string base = r.scope == "/" ? "" : absl::AsciiStrToLower(r.scope);
      const std::string want = absl::AsciiStrToLower(o.scope);
      if (want != base && !absl::StartsWith(want, base + "/") && !(r.scope == "/" && want == "/")) {
        continue;
      }
    }
    matches.push_back(r);
  }
  if (matches.empty()) {
    return WithExitCode(
        absl::NotFoundError(
            absl::StrCat("you have no ", absl::string_view(what.data(), what.size()), " '", o.role,
                         "'", o.scope.empty() ? "" : " at " + o.scope, "; see pimctl roles")),
        ExitCode::kNotFound);
  }
  // A group may be held as member and as owner; member is the default.
  if (matches.size() > 1 && o.access.empty()) {
    std::vector<RoleEntry> members;
    for (const RoleEntry& r : matches) {
      if (r.area != Area::kGroup || r.access == "member") members.push_back(r);
    }
    if (!members.empty()) matches = members;
  }
  if (matches.size() > 1) {
    std::vector<std::string> choices;
    choices.reserve(matches.size());
    for (const RoleEntry& r : matches) {
      choices.push_back(absl::StrCat(
          r.state, " ", AreaName(r.area), " ", r.name, " ", ScopeText(r),
          r.end == absl::InfiniteFuture() ? "" : absl::StrCat(" until ", ShortTime(r.end))));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "'", o.role, "' is ambiguous; add ", absl::string_view(options.data(), options.size()),
        ". Matches: ", absl::StrJoin(choices, "; ")));
  }
  RoleEntry picked = matches.front();
  if (!o.scope.empty() && picked.area != Area::kGroup) picked.scope = o.scope;
  if (picked.area == Area::kGroup && !o.access.empty()) picked.access = o.access;
  return picked;
}

// Waits until `request` is provisioned (OK), ends otherwise (exit 6), or `timeout` passes
// (exit 5), polling on the PollDelay schedule (poll_backoff.h) and, after a 429, as long as
// its Retry-After asks. A live status line on a terminal (stderr).
absl::StatusOr<RequestEntry> WaitFor(Context& ctx, PimClient& client, RequestEntry request,
                                     absl::Duration timeout) {
  const absl::Time begin = ctx.env().clock->Now();
  const bool live = ctx.env().stderr_tty && !ctx.json();
  std::string last_status;
  auto show = [&](const RequestEntry& r, bool final) {
    if (live) {
      const absl::Duration waited = absl::Trunc(ctx.env().clock->Now() - begin, absl::Seconds(1));
      ctx.err() << "\r\x1b[2K"
                << "waiting for " << Printable(r.name.empty() ? r.target_id : r.name) << ": "
                << Printable(r.status) << " (" << absl::FormatDuration(waited) << ")";
      if (final) ctx.err() << "\n";
      ctx.err() << std::flush;
    } else if (r.status != last_status) {
      ctx.err() << "request " << Printable(r.id) << ": " << Printable(r.status) << "\n"
                << std::flush;
    }
    last_status = r.status;
  };
  int attempt = 0;
  std::optional<absl::Duration> retry_after;
  while (request.status != "Provisioned") {
    if (IsFinalStatus(request.status)) {
      show(request, true);
      return WithExitCode(
          absl::AbortedError(absl::StrCat("request ", request.id, " ended ", request.status)),
          ExitCode::kDenied);
    }
    show(request, false);
    const absl::Duration waited = ctx.env().clock->Now() - begin;
    if (waited >= timeout) {
      if (live) ctx.err() << "\n";
      return WithExitCode(absl::DeadlineExceededError(
                              absl::StrCat("gave up waiting after ", absl::FormatDuration(timeout),
                                           "; request ", request.id, " is still ", request.status)),
                          ExitCode::kTimedOut);
    }
    // The last poll falls on the deadline rather than after it.
    ctx.env().sleep(std::min(NextPollDelay(attempt++, retry_after), timeout - waited));
    auto next = client.GetRequest(request.area, request.id, request.scope, request.eligibility);
    if (!next.ok()) {
      auto e = ServerErrorOf(next.status());
      if (!e.has_value() || e->http_status != 429) return next.status();
      // Too many requests: keep waiting, as long as the server asks (or the longest pause).
      retry_after =
          ParseRetryAfter(e->retry_after, ctx.env().clock->Now()).value_or(PollBackoff{}.max);
      continue;
    }
    retry_after.reset();
    const std::string name = request.name;
    request = *std::move(next);
    if (request.name.empty()) request.name = name;
  }
  show(request, true);
  return request;
}

absl::Status SubmitAndReport(Context& ctx, PimClient& client, const RoleEntry& target,
                             const RequestOptions& o, RequestSpec spec) {
  absl::Duration timeout;
  if (o.wait) {
    PIM_ASSIGN_OR_RETURN(timeout, ParseUserDuration(o.timeout));
  }
  PIM_ASSIGN_OR_RETURN(RequestEntry request,
                       SubmitWithMfa(ctx, client, target, std::move(spec), o.otp));
  if (o.wait && request.status != "Provisioned") {
    PIM_ASSIGN_OR_RETURN(request, WaitFor(ctx, client, std::move(request), timeout));
  }
  PrintRequest(ctx, request);
  return absl::OkStatus();
}

absl::Status Activate(Context& ctx, const RequestOptions& o) {
  PIM_ASSIGN_OR_RETURN(RequestSpec spec, SpecOf(o, "selfActivate"));
  if (!spec.duration.has_value() && !spec.until.has_value()) spec.duration = absl::Hours(1);
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PimClient client(*session);
  PIM_ASSIGN_OR_RETURN(std::vector<RoleEntry> roles, client.Roles());
  PIM_ASSIGN_OR_RETURN(
      RoleEntry target,
      PickTarget(
          roles, o.target, [](const RoleEntry& r) { return r.state == "eligible"; },
          "eligible role", kTargetOptions));
  return SubmitAndReport(ctx, client, target, o, std::move(spec));
}

absl::Status Deactivate(Context& ctx, const RequestOptions& o) {
  PIM_ASSIGN_OR_RETURN(RequestSpec spec, SpecOf(o, "selfDeactivate"));
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PimClient client(*session);
  PIM_ASSIGN_OR_RETURN(std::vector<RoleEntry> roles, client.Roles());
  PIM_ASSIGN_OR_RETURN(RoleEntry target, PickTarget(
                                             roles, o.target,
                                             [](const RoleEntry& r) {
                                               return r.state == "active" &&
                                                      r.assignment_type == "Activated" &&
                                                      r.member_type != "Group";
                                             },
                                             "activated role", kTargetOptions));
  return SubmitAndReport(ctx, client, target, o, std::move(spec));
}

absl::Status ExtendOrRenew(Context& ctx, const RequestOptions& o, bool extend) {
  PIM_ASSIGN_OR_RETURN(RequestSpec spec, SpecOf(o, extend ? "selfExtend" : "selfRenew"));
  if (!spec.duration.has_value() && !spec.until.has_value()) {
    return absl::InvalidArgumentError("give the new length with --duration or --until");
  }
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PimClient client(*session);
  RoleEntry target;
  if (extend) {
    PIM_ASSIGN_OR_RETURN(std::vector<RoleEntry> roles, client.Roles());
    // What can be extended: a time-bound eligibility or active assignment of one's own; never
    // an activation (activate again) nor access held through a group.
    PIM_ASSIGN_OR_RETURN(target, PickTarget(
                                     roles, o.target,
                                     [&o](const RoleEntry& r) {
                                       if (o.eligible && !r.eligibility) return false;
                                       if (o.active && r.eligibility) return false;
                                       return r.end != absl::InfiniteFuture() &&
                                              r.assignment_type != "Activated" &&
                                              r.member_type != "Group";
                                     },
                                     "time-bound assignment",
                                     "--eligible or --active, --scope, --group or --access"));
  } else {
    // Expired access is no longer listed: name the role (or group) itself.
    const Area area = AreaOf(o.target);
    PIM_ASSIGN_OR_RETURN(
        target, client.ResolveDefinition(area, o.target.role, o.target.scope,
                                         o.target.access.empty() ? "member" : o.target.access));
    // Nothing says which of the two expired: an active assignment unless --eligible.
    target.eligibility = o.eligible;
  }
  // An eligibility is extended or renewed through the eligibility requests (Graph
  // role/eligibilityScheduleRequests, ARM roleEligibilityScheduleRequests).
  spec.eligibility = target.eligibility;
  return SubmitAndReport(ctx, client, target, o, std::move(spec));
}

struct RequestsOptions {
  bool pending = false;
};

absl::Status Requests(Context& ctx, const RequestsOptions& o) {
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PimClient client(*session);
  PIM_ASSIGN_OR_RETURN(std::vector<RequestEntry> all, client.Requests());
  std::vector<RequestEntry> shown;
  for (RequestEntry& r : all) {
    if (o.pending && !absl::StartsWith(r.status, "Pending") && r.status != "Granted") continue;
    shown.push_back(std::move(r));
  }
  PrintRequests(ctx, shown, "requests");
  return absl::OkStatus();
}

absl::Status Cancel(Context& ctx, const std::string& id) {
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PimClient client(*session);
  PIM_ASSIGN_OR_RETURN(RequestEntry request, client.FindOwnRequest(id));
  PIM_RETURN_IF_ERROR(client.Cancel(request));
  PIM_ASSIGN_OR_RETURN(RequestEntry after, client.GetRequest(request.area, request.id,
                                                             request.scope, request.eligibility));
  if (after.name.empty()) after.name = request.name;
  PrintRequest(ctx, after);
  return absl::OkStatus();
}

}  // namespace

void RegisterEndUserCommands(CLI::App& app, Context& ctx, Actions& actions) {
  auto roles_options = std::make_shared<RolesOptions>();
  CLI::App* roles = app.add_subcommand("roles", "Your eligible, active and scheduled roles");
  roles->add_flag("--eligible", roles_options->eligible, "Only eligible ones")
      ->excludes(
          roles->add_flag("--active", roles_options->active, "Only active and scheduled ones"));
  actions[roles] = [&ctx, roles_options] { return Roles(ctx, *roles_options); };

  auto activate_options = std::make_shared<RequestOptions>();
  CLI::App* activate = app.add_subcommand("activate", "Activate an eligible role or group");
  AddRequestOptions(activate, *activate_options, true, true);
  actions[activate] = [&ctx, activate_options] { return Activate(ctx, *activate_options); };

  auto deactivate_options = std::make_shared<RequestOptions>();
  CLI::App* deactivate = app.add_subcommand("deactivate", "End one of your activations early");
  AddRequestOptions(deactivate, *deactivate_options, false, false);
  actions[deactivate] = [&ctx, deactivate_options] { return Deactivate(ctx, *deactivate_options); };

  auto extend_options = std::make_shared<RequestOptions>();
  CLI::App* extend = app.add_subcommand(
      "extend", "Ask to extend an assignment that ends within 14 days (needs approval)");
  AddRequestOptions(extend, *extend_options, true, true);
  extend->add_option("--until", extend_options->until, "New end: ISO 8601 date-time");
  AddKindOptions(extend, *extend_options);
  actions[extend] = [&ctx, extend_options] { return ExtendOrRenew(ctx, *extend_options, true); };

  auto renew_options = std::make_shared<RequestOptions>();
  CLI::App* renew = app.add_subcommand(
      "renew", "Ask to renew an assignment that expired within 30 days (needs approval)");
  AddRequestOptions(renew, *renew_options, true, true);
  renew->add_option("--until", renew_options->until, "New end: ISO 8601 date-time");
  AddKindOptions(renew, *renew_options);
  actions[renew] = [&ctx, renew_options] { return ExtendOrRenew(ctx, *renew_options, false); };

  auto requests_options = std::make_shared<RequestsOptions>();
  CLI::App* requests = app.add_subcommand("requests", "Your requests");
  requests->add_flag("--pending", requests_options->pending, "Only pending and scheduled ones");
  actions[requests] = [&ctx, requests_options] { return Requests(ctx, *requests_options); };

  auto cancel_id = std::make_shared<std::string>();
  CLI::App* cancel = app.add_subcommand("cancel", "Cancel a pending or scheduled request");
  cancel->add_option("id", *cancel_id, "Request id (see pimctl requests)")->required();
  actions[cancel] = [&ctx, cancel_id] { return Cancel(ctx, *cancel_id); };
}

}  // namespace pim::cli
