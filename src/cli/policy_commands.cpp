// Policy commands: policy show, set, export and import — role settings of directory roles,
// groups and Azure resource roles, and policies as code (policy_as_code.h).
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "boost/json/parse.hpp"
#include "cli/command_context.h"
#include "cli/request_options.h"
#include "pim/cli/output.h"
#include "pim/cli/policy_as_code.h"
#include "pim/cli/user_duration.h"
#include "pim/domain/iso8601.h"

namespace pim::cli {
namespace {

// Indented JSON for files people keep in a repository and review as diffs.
void Pretty(const boost::json::value& v, std::string& out, int depth) {
  const std::string pad(static_cast<std::size_t>(depth) * 2, ' ');
  const std::string inner(static_cast<std::size_t>(depth + 1) * 2, ' ');
  if (v.is_object() && !v.get_object().empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& [k, x] : v.get_object()) {
      if (!first) out += ",\n";
      first = false;
      absl::StrAppend(&out, inner, boost::json::serialize(boost::json::value(k)), ": ");
      Pretty(x, out, depth + 1);
    }
    absl::StrAppend(&out, "\n", pad, "}");
  } else if (v.is_array() && !v.get_array().empty()) {
    out += "[\n";
    bool first = true;
    for (const boost::json::value& x : v.get_array()) {
      if (!first) out += ",\n";
      first = false;
      out += inner;
      Pretty(x, out, depth + 1);
    }
    absl::StrAppend(&out, "\n", pad, "]");
  } else {
    out += boost::json::serialize(v);
  }
}

struct PolicyOptions {
  std::string role;
  bool group = false;
  std::string access;
  std::string scope;                // show, set: a resource role at this ARM scope
  std::vector<std::string> scopes;  // export: resource roles at these ARM scopes
  std::string max_duration;
  std::string require;
  std::string approval;
  std::vector<std::string> approvers;
  bool dry_run = false;
  bool groups = false;
  std::string file;
};

absl::Status PrintPlan(Context& ctx, const std::vector<RulePlan>& plan, bool dry_run) {
  if (ctx.json()) {
    ctx.PrintJson(PlanToJson(plan, !dry_run && !plan.empty()));
    return absl::OkStatus();
  }
  if (plan.empty()) {
    ctx.out() << "No changes: the policies already match.\n";
    return absl::OkStatus();
  }
  ctx.out() << PlanToText(plan);
  ctx.out() << plan.size() << (plan.size() == 1 ? " rule " : " rules ")
            << (dry_run ? "would change (dry run: nothing was changed)" : "changed") << "\n";
  return absl::OkStatus();
}

absl::Status PolicyShow(Context& ctx, const PolicyOptions& o) {
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PolicyClient client(*session);
  PIM_ASSIGN_OR_RETURN(PolicyTarget target, client.Resolve(o.role, o.group, o.access, o.scope));
  PIM_ASSIGN_OR_RETURN(boost::json::object policy, client.Get(target));
  if (ctx.json()) {
    ctx.PrintJson(boost::json::object{{"policy", policy}});
    return absl::OkStatus();
  }
  ctx.out() << Printable(
                   absl::StrCat(target.kind, " ", target.name,
                                target.access.empty() ? "" : " (" + target.access + ")",
                                target.scope.empty() ? "" : " at " + target.scope, ", policy ",
                                boost::json::serialize(boost::json::value(PolicyIdOf(policy)))))
            << "\n";
  Table table({"RULE", "SETTINGS"});
  if (const boost::json::array* rules = RulesOf(policy); rules != nullptr) {
    for (const boost::json::value& r : *rules) {
      if (!r.is_object()) continue;
      boost::json::object settings = r.get_object();
      const std::string id = settings.contains("id") ? std::string(settings["id"].as_string()) : "";
      settings.erase("id");
      settings.erase("@odata.type");
      settings.erase("ruleType");
      settings.erase("target");
      table.AddRow({id, boost::json::serialize(settings)});
    }
  }
  ctx.out() << table.Render(ctx.colour());
  return absl::OkStatus();
}

// A rule of `id` in the dialect of the policy: Graph names its type in `@odata.type`
// ("#microsoft.graph.unifiedRoleManagementPolicy<Kind>Rule"), ARM in `ruleType`
// ("RoleManagementPolicy<Kind>Rule").
boost::json::object NewRule(bool arm, const char* id, const char* kind) {
  if (arm) return {{"id", id}, {"ruleType", absl::StrCat("RoleManagementPolicy", kind, "Rule")}};
  return {
      {"id", id},
      {"@odata.type", absl::StrCat("#microsoft.graph.unifiedRoleManagementPolicy", kind, "Rule")}};
}

// A user as a primary approver: Graph `singleUser`, ARM `UserSet`.
boost::json::object Approver(bool arm, const std::string& id) {
  if (arm) return {{"id", id}, {"isBackup", false}, {"userType", "User"}};
  return {{"@odata.type", "#microsoft.graph.singleUser"}, {"userId", id}};
}

absl::Status PolicySet(Context& ctx, const PolicyOptions& o) {
  const bool arm = !o.group && IsArmScope(o.scope);
  boost::json::array rules;
  if (!o.max_duration.empty()) {
    PIM_ASSIGN_OR_RETURN(absl::Duration d, ParseUserDuration(o.max_duration));
    boost::json::object rule = NewRule(arm, "Expiration_EndUser_Assignment", "Expiration");
    rule["isExpirationRequired"] = true;
    rule["maximumDuration"] = FormatIsoDuration(d);
    rules.emplace_back(std::move(rule));
  }
  if (!o.require.empty()) {
    boost::json::array enabled;
    for (absl::string_view part : absl::StrSplit(o.require, ',', absl::SkipEmpty())) {
      const std::string p = absl::AsciiStrToLower(absl::StripAsciiWhitespace(part));
      if (p == "mfa") {
        enabled.emplace_back("MultiFactorAuthentication");
      } else if (p == "justification") {
        enabled.emplace_back("Justification");
      } else if (p == "ticket") {
        enabled.emplace_back("Ticketing");
      } else if (p != "none") {
        return absl::InvalidArgumentError(absl::StrCat(
            "--require takes a list of mfa, justification, ticket (or none), not '", p, "'"));
      }
    }
    boost::json::object rule = NewRule(arm, "Enablement_EndUser_Assignment", "Enablement");
    rule["enabledRules"] = std::move(enabled);
    rules.emplace_back(std::move(rule));
  }
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PolicyClient client(*session);
  PIM_ASSIGN_OR_RETURN(PolicyTarget target, client.Resolve(o.role, o.group, o.access, o.scope));
  if (!o.approval.empty() || !o.approvers.empty()) {
    // Approvers live inside the first stage: start from the current stages.
    PIM_ASSIGN_OR_RETURN(boost::json::object policy, client.Get(target));
    boost::json::object setting;
    if (const boost::json::array* rs = RulesOf(policy); rs != nullptr) {
      for (const boost::json::value& r : *rs) {
        if (r.is_object() && r.get_object().contains("setting") &&
            r.get_object().at("id") == "Approval_EndUser_Assignment") {
          setting = r.get_object().at("setting").as_object();
        }
      }
    }
    boost::json::object desired_setting;
    if (!o.approval.empty()) desired_setting["isApprovalRequired"] = o.approval == "on";
    if (!o.approvers.empty()) {
      boost::json::array stages;
      if (const boost::json::value* s = setting.if_contains("approvalStages");
          s != nullptr && s->is_array()) {
        stages = s->get_array();
      }
      if (stages.empty()) stages.emplace_back(boost::json::object{});
      boost::json::array approvers;
      for (const std::string& id : o.approvers) {
        approvers.emplace_back(Approver(arm, id));
      }
      stages[0].as_object()["primaryApprovers"] = std::move(approvers);
      desired_setting["approvalStages"] = std::move(stages);
    }
    boost::json::object rule = NewRule(arm, "Approval_EndUser_Assignment", "Approval");
    rule["setting"] = std::move(desired_setting);
    rules.emplace_back(std::move(rule));
  }
  if (rules.empty()) {
    return absl::InvalidArgumentError(
        "nothing to set: give --max-duration, --require, --approval or --approver");
  }
  boost::json::object entry;
  if (target.kind == "group") {
    entry = {{"groupId", target.id}, {"access", target.access}};
  } else if (target.kind == "azureResource") {
    entry = {{"roleDefinitionId", target.id}, {"scope", target.scope}};
  } else {
    entry = {{"roleDefinitionId", target.id}};
  }
  entry["rules"] = std::move(rules);
  PIM_ASSIGN_OR_RETURN(std::vector<RulePlan> plan,
                       client.Plan(boost::json::object{{"policies", boost::json::array{entry}}}));
  if (!o.dry_run) PIM_RETURN_IF_ERROR(client.Apply(plan));
  return PrintPlan(ctx, plan, o.dry_run);
}

absl::Status PolicyExport(Context& ctx, const PolicyOptions& o) {
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PolicyClient client(*session);
  PIM_ASSIGN_OR_RETURN(boost::json::object file, client.Export(o.groups, o.scopes));
  std::string text;
  Pretty(file, text, 0);
  ctx.out() << text << "\n";
  return absl::OkStatus();
}

absl::Status PolicyImport(Context& ctx, const PolicyOptions& o) {
  std::ifstream in(o.file, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read ", o.file));
  const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  boost::system::error_code ec;
  const boost::json::value file = boost::json::parse(content, ec);
  if (ec) return absl::InvalidArgumentError(absl::StrCat(o.file, " is not JSON: ", ec.message()));
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PolicyClient client(*session);
  PIM_ASSIGN_OR_RETURN(std::vector<RulePlan> plan, client.Plan(file));
  if (!o.dry_run) PIM_RETURN_IF_ERROR(client.Apply(plan));
  return PrintPlan(ctx, plan, o.dry_run);
}

}  // namespace

void RegisterPolicyCommands(CLI::App& app, Context& ctx, Actions& actions) {
  CLI::App* policy = app.add_subcommand(
      "policy", "Role settings (policies) of directory roles, groups and Azure resource roles");
  policy->require_subcommand(1);
  auto target_of = [](CLI::App* cmd, PolicyOptions& p) {
    cmd->add_option("role", p.role,
                    "Directory role, (with --group) group, or (with an Azure --scope) Azure "
                    "resource role: name or id")
        ->required();
    cmd->add_option("--scope", p.scope,
                    "An Azure scope (/subscriptions/…): the policy of the resource role there")
        ->transform(ScopeOption());
    cmd->add_flag("--group", p.group, "The name is a group");
    cmd->add_option("--access", p.access, "Group policy: member (default) or owner")
        ->check(CLI::IsMember({"member", "owner"}));
  };
  auto show_options = std::make_shared<PolicyOptions>();
  CLI::App* show = policy->add_subcommand("show", "Show the rules of a role's or group's policy");
  target_of(show, *show_options);
  actions[show] = [&ctx, show_options] { return PolicyShow(ctx, *show_options); };

  auto set_options = std::make_shared<PolicyOptions>();
  CLI::App* set = policy->add_subcommand("set", "Change activation settings of a policy");
  target_of(set, *set_options);
  set->add_option("--max-duration", set_options->max_duration,
                  "Longest activation (ISO 8601 or 2h, 30m)");
  set->add_option("--require", set_options->require,
                  "On activation require: comma list of mfa, justification, ticket; or none");
  set->add_option("--approval", set_options->approval, "Require approval: on or off")
      ->check(CLI::IsMember({"on", "off"}));
  set->add_option("--approver", set_options->approvers, "Approver user id (repeat for several)");
  set->add_flag("--dry-run", set_options->dry_run, "Print what would change; change nothing");
  actions[set] = [&ctx, set_options] { return PolicySet(ctx, *set_options); };

  auto export_options = std::make_shared<PolicyOptions>();
  CLI::App* exp = policy->add_subcommand(
      "export",
      "Print every directory role's policy (and groups', resource roles') as a policy file");
  exp->add_flag("--groups", export_options->groups, "Include every group's member/owner policies");
  exp->add_option("--scope", export_options->scopes,
                  "Include every Azure resource role's policy at this scope (repeat for several)")
      ->transform(ScopeOption());
  actions[exp] = [&ctx, export_options] { return PolicyExport(ctx, *export_options); };

  auto import_options = std::make_shared<PolicyOptions>();
  CLI::App* imp = policy->add_subcommand(
      "import", "Apply a policy file rule by rule (see docs/pimctl.md for the format)");
  imp->add_option("file", import_options->file, "Policy file (JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  imp->add_flag("--dry-run", import_options->dry_run,
                "Print exactly what would change, rule by rule; change nothing");
  actions[imp] = [&ctx, import_options] { return PolicyImport(ctx, *import_options); };
}

}  // namespace pim::cli
