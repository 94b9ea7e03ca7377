// Approver commands: approvals (requests waiting for the caller's decision), approve and deny.
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/strip.h"
#include "cli/command_context.h"
#include "cli/request_options.h"
#include "pim/cli/output.h"
#include "pim/cli/pim_client.h"

namespace pim::cli {
namespace {

absl::Status Approvals(Context& ctx) {
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PimClient client(*session);
  PIM_ASSIGN_OR_RETURN(std::vector<RequestEntry> pending, client.PendingApprovals());
  if (ctx.json()) {
    PrintRequests(ctx, pending, "approvals");
    return absl::OkStatus();
  }
  if (pending.empty()) {
    ctx.out() << "No approvals are waiting for you.\n";
    return absl::OkStatus();
  }
  Table table(
      {"ID", "KIND", "REQUESTER", "ACTION", "NAME", "SCOPE/ACCESS", "FOR", "JUSTIFICATION"});
  for (const RequestEntry& r : pending) {
    table.AddRow({r.approval_id.empty() ? r.id : r.approval_id, std::string(AreaName(r.area)),
                  r.principal_id, r.action, r.name.empty() ? r.target_id : r.name,
                  r.area == Area::kGroup ? r.access : r.scope, r.expiration, r.justification});
  }
  ctx.out() << table.Render(ctx.colour());
  return absl::OkStatus();
}

struct DecideOptions {
  std::string id;
  std::string reason;
  std::string otp;
};

absl::Status Decide(Context& ctx, const DecideOptions& o, bool approve) {
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PimClient client(*session);
  auto area = client.Decide(o.id, approve, o.reason, o.otp);
  if (!area.ok() && IsMfaFailure(area.status()) && o.otp.empty() && ctx.env().stdin_tty) {
    ctx.err() << "Deciding this request requires MFA. Authenticator code: " << std::flush;
    area = client.Decide(o.id, approve, o.reason,
                         std::string(absl::StripAsciiWhitespace(ctx.ReadLine())));
  }
  if (!area.ok()) return area.status();
  const char* decision = approve ? "Approve" : "Deny";
  if (ctx.json()) {
    ctx.PrintJson(boost::json::object{
        {"approval",
         boost::json::object{{"id", o.id}, {"kind", AreaName(*area)}, {"decision", decision}}}});
  } else {
    ctx.out() << (approve ? "Approved " : "Denied ") << o.id << "\n";
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterApproverCommands(CLI::App& app, Context& ctx, Actions& actions) {
  CLI::App* approvals = app.add_subcommand("approvals", "Requests waiting for your decision");
  actions[approvals] = [&ctx] { return Approvals(ctx); };

  for (auto [name, help, approve] : {std::tuple{"approve", "Approve a request", true},
                                     std::tuple{"deny", "Deny a request", false}}) {
    auto o = std::make_shared<DecideOptions>();
    CLI::App* cmd = app.add_subcommand(name, help);
    cmd->add_option("id", o->id, "Approval id (see pimctl approvals)")->required();
    cmd->add_option("--reason", o->reason, "Justification for the decision")->required();
    cmd->add_option("--otp", o->otp, "Authenticator code, if the policy requires MFA");
    const bool yes = approve;
    actions[cmd] = [&ctx, o, yes] { return Decide(ctx, *o, yes); };
  }
}

}  // namespace pim::cli
