#include "cli/request_options.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "pim/cli/output.h"
#include "pim/cli/server_error.h"
#include "pim/cli/user_duration.h"

namespace pim::cli {

CLI::Validator ScopeOption() {
  return CLI::Validator(
      [](std::string& scope) {
        if (scope.empty() || scope.front() != '/') {
          return std::string(
              "a scope must begin with / (/, /administrativeUnits/…, /subscriptions/…, "
              "/providers/Microsoft.Management/…)");
        }
        while (scope.size() > 1 && scope.back() == '/') scope.pop_back();
        return std::string();
      },
      "SCOPE");
}

void AddTargetOptions(CLI::App* cmd, TargetOptions& t) {
  cmd->add_option("role", t.role, "Role or group: display name, role definition id or group id")
      ->required();
  cmd->add_option("--scope", t.scope,
                  "Scope: a directory scope (/ or /administrativeUnits/…) or an ARM scope "
                  "(/subscriptions/…); a scope below an eligible one activates a reduced scope")
      ->transform(ScopeOption());
  cmd->add_flag("--group", t.group, "The name is a group (PIM for Groups)");
  cmd->add_option("--access", t.access, "Group access: member (default) or owner")
      ->check(CLI::IsMember({"member", "owner"}));
}

void AddRequestOptions(CLI::App* cmd, RequestOptions& o, bool schedule, bool wait) {
  AddTargetOptions(cmd, o.target);
  if (schedule) {
    cmd->add_option("--duration", o.duration, "How long: ISO 8601 (PT2H) or 2h, 30m, 1h30m");
    cmd->add_option("--start", o.start, "Start later: ISO 8601 date-time (2026-01-05T09:00:00Z)");
  }
  cmd->add_option("--reason", o.reason, "Justification");
  cmd->add_option("--ticket-system", o.ticket_system, "Ticket system (e.g. ServiceNow)");
  cmd->add_option("--ticket-number", o.ticket_number, "Ticket number (e.g. CHG-1001)");
  cmd->add_option("--otp", o.otp,
                  "Authenticator (TOTP) or recovery code, sent if the policy requires MFA");
  if (wait) {
    cmd->add_flag("--wait", o.wait,
                  "Wait until the access is active (after approval); exit 0 then, 6 if denied "
                  "or canceled, 5 on --timeout");
    cmd->add_option("--timeout", o.timeout, "How long --wait waits (default 1h)");
  }
}

void AddKindOptions(CLI::App* cmd, RequestOptions& o) {
  CLI::Option* eligible = cmd->add_flag("--eligible", o.eligible,
                                        "Your eligibility for the role, not an active assignment");
  CLI::Option* active =
      cmd->add_flag("--active", o.active,
                    "Your active assignment of the role, not an eligibility (renew: the default)");
  eligible->excludes(active);
}

Area AreaOf(const TargetOptions& t) {
  if (t.group) return Area::kGroup;
  if (!t.scope.empty() && t.scope != "/" && !absl::StartsWith(t.scope, "/administrativeUnits")) {
    return Area::kAzureResource;
  }
  return Area::kDirectoryRole;
}

absl::StatusOr<RequestSpec> SpecOf(const RequestOptions& o, std::string action) {
  RequestSpec spec;
  spec.action = std::move(action);
  if (!o.duration.empty()) {
    PIM_ASSIGN_OR_RETURN(absl::Duration d, ParseUserDuration(o.duration));
    spec.duration = d;
  }
  if (!o.start.empty()) {
    PIM_ASSIGN_OR_RETURN(absl::Time t, ParseUserTime(o.start));
    spec.start = t;
  }
  if (!o.until.empty()) {
    PIM_ASSIGN_OR_RETURN(absl::Time t, ParseUserTime(o.until));
    spec.until = t;
  }
  if (spec.duration.has_value() && spec.until.has_value()) {
    return absl::InvalidArgumentError("give --duration or --until, not both");
  }
  spec.justification = o.reason;
  spec.ticket_system = o.ticket_system;
  spec.ticket_number = o.ticket_number;
  return spec;
}

bool IsMfaFailure(const absl::Status& status) {
  auto e = ServerErrorOf(status);
  return e.has_value() && e->code == "RoleAssignmentRequestPolicyValidationFailed" &&
         absl::StrContains(e->message, "MfaRule");
}

// Submits, and on the MFA rule's failure asks for a TOTP code (--otp, or a prompt on a
// terminal) and submits once more with it in X-Pim-Mfa-Code.
absl::StatusOr<RequestEntry> SubmitWithMfa(Context& ctx, PimClient& client, const RoleEntry& target,
                                           RequestSpec spec, const std::string& otp) {
  auto first = client.Submit(target, spec);
  if (first.ok() || !IsMfaFailure(first.status())) return first;
  std::string code = otp;
  if (code.empty() && ctx.env().stdin_tty) {
    ctx.err() << "This role requires MFA. Authenticator code: " << std::flush;
    code = std::string(absl::StripAsciiWhitespace(ctx.ReadLine()));
  }
  if (code.empty()) {
    ctx.err() << "pimctl: this role requires MFA: pass --otp CODE with a code from your "
                 "authenticator\n";
    return first.status();
  }
  spec.mfa_code = code;
  return client.Submit(target, spec);
}

// Waits until `request` is provisioned (OK), ends otherwise (exit 6), or `timeout` passes

std::string ScopeText(const RoleEntry& r) {
  if (r.area == Area::kGroup) return r.access;
  if (!r.scope_name.empty()) return absl::StrCat(r.scope, " (", r.scope_name, ")");
  return r.scope;
}

void PrintRequests(Context& ctx, const std::vector<RequestEntry>& requests, const char* key) {
  if (ctx.json()) {
    boost::json::array items;
    for (const RequestEntry& r : requests) items.emplace_back(ToJson(r));
    ctx.PrintJson(boost::json::object{{key, std::move(items)}});
    return;
  }
  if (requests.empty()) {
    ctx.out() << "Nothing to show.\n";
    return;
  }
  Table table(
      {"ID", "KIND", "ACTION", "STATUS", "NAME", "SCOPE/ACCESS", "CREATED", "JUSTIFICATION"});
  for (const RequestEntry& r : requests) {
    table.AddRow({r.id, std::string(AreaName(r.area)), r.action, r.status,
                  r.name.empty() ? r.target_id : r.name,
                  r.area == Area::kGroup ? r.access : r.scope,
                  r.created == absl::InfinitePast() ? "-" : ShortTime(r.created), r.justification});
    table.SetRowTones({Tone::kDim, Tone::kPlain, Tone::kPlain, ToneOfStatus(r.status)});
  }
  ctx.out() << table.Render(ctx.colour());
}

void PrintRequest(Context& ctx, const RequestEntry& r) {
  if (ctx.json()) {
    ctx.PrintJson(boost::json::object{{"request", ToJson(r)}});
    return;
  }
  ctx.out() << Printable(r.action) << " " << Printable(r.name.empty() ? r.target_id : r.name)
            << ": " << Paint(Printable(r.status), ToneOfStatus(r.status), ctx.colour())
            << " (request " << Printable(r.id) << ")\n";
}

}  // namespace pim::cli
