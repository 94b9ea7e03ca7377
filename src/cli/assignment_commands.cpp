// Administrator commands: assignment add, update and remove — eligible and active assignments
// of users and groups, for directory roles, groups and Azure resource roles at any scope.
#include <memory>
#include <string>
#include <string_view>
#include <tuple>

#include "cli/command_context.h"
#include "cli/request_options.h"
#include "pim/cli/pim_client.h"

namespace pim::cli {
namespace {

struct AssignmentOptions {
  std::string principal;
  RequestOptions request;
  bool eligible = false;
  bool permanent = false;
};

absl::Status ManageAssignment(Context& ctx, const AssignmentOptions& o, const char* action) {
  PIM_ASSIGN_OR_RETURN(RequestSpec spec, SpecOf(o.request, action));
  spec.eligibility = o.eligible;
  spec.permanent = o.permanent;
  const bool remove = std::string_view(action) == "adminRemove";
  if (!remove && !spec.permanent && !spec.duration.has_value() && !spec.until.has_value()) {
    return absl::InvalidArgumentError("give --duration, --until or --permanent");
  }
  if (spec.permanent && (spec.duration.has_value() || spec.until.has_value())) {
    return absl::InvalidArgumentError("--permanent excludes --duration and --until");
  }
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PimClient client(*session);
  PIM_ASSIGN_OR_RETURN(spec.principal_id, client.ResolvePrincipal(o.principal));
  const TargetOptions& t = o.request.target;
  const Area area = AreaOf(t);
  PIM_ASSIGN_OR_RETURN(
      RoleEntry target,
      client.ResolveDefinition(area, t.role, t.scope, t.access.empty() ? "member" : t.access));
  PIM_ASSIGN_OR_RETURN(RequestEntry request,
                       SubmitWithMfa(ctx, client, target, std::move(spec), o.request.otp));
  PrintRequest(ctx, request);
  return absl::OkStatus();
}

}  // namespace

void RegisterAssignmentCommands(CLI::App& app, Context& ctx, Actions& actions) {
  CLI::App* assignment = app.add_subcommand(
      "assignment", "Administrators: eligible and active assignments of users and groups");
  assignment->require_subcommand(1);
  for (auto [name, help, action] :
       {std::tuple{"add", "Make a user or group eligible (--eligible) or give active access",
                   "adminAssign"},
        std::tuple{"update", "Change the schedule of an assignment", "adminUpdate"},
        std::tuple{"remove", "Remove an assignment", "adminRemove"}}) {
    auto o = std::make_shared<AssignmentOptions>();
    CLI::App* cmd = assignment->add_subcommand(name, help);
    cmd->add_option("principal", o->principal,
                    "User (id, userPrincipalName or name) or group (id or name)")
        ->required();
    const bool remove = std::string_view(action) == "adminRemove";
    AddRequestOptions(cmd, o->request, !remove, false);
    cmd->add_flag("--eligible", o->eligible, "An eligibility rather than active access");
    if (!remove) {
      cmd->add_option("--until", o->request.until, "End: ISO 8601 date-time");
      cmd->add_flag("--permanent", o->permanent, "No end");
    }
    const char* chosen_action = action;
    actions[cmd] = [&ctx, o, chosen_action] { return ManageAssignment(ctx, *o, chosen_action); };
  }
}

}  // namespace pim::cli
