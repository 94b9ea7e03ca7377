// Schedule requests: validation against the target's policy and the product rules, and the
// schedule changes each action makes once it may proceed.
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "pim/domain/iso8601.h"
#include "pim/domain/role_definition.h"
#include "pim/domain/scope.h"
#include "pim/domain/status.h"
#include "pim/engine/timer_queue.h"
#include "planner.h"

namespace pim::internal {
namespace {

// ---- Errors with the API's codes and messages ----

absl::Status TooShort() {
  // The service's own spelling, which clients may match on.
  return Error(absl::StatusCode::kInvalidArgument, code::kActiveDurationTooShort,
               "The Active duration is too short. Miniumum Required is 5 minutes.");
}
absl::Status Exists() {
  return Error(absl::StatusCode::kAlreadyExists, code::kRoleAssignmentExists,
               "The Role assignment already exists.");
}
absl::Status DoesNotExist() {
  return Error(absl::StatusCode::kNotFound, code::kRoleAssignmentDoesNotExist,
               "The Role assignment does not exist.");
}
absl::Status PolicyFailure(const std::vector<std::string>& rules) {
  return PolicyRulesFailed(absl::StatusCode::kInvalidArgument, rules);
}

void AddFailure(std::vector<std::string>& failures, std::string rule) {
  if (std::find(failures.begin(), failures.end(), rule) == failures.end()) {
    failures.push_back(std::move(rule));
  }
}

bool Blank(const std::string& text) { return absl::StripAsciiWhitespace(text).empty(); }

// ---- Input validation ----

absl::Status ValidateText(const char* field, const std::string& value) {
  if (value.size() > kMaxTextLength) {
    return BadRequest(absl::StrCat(field, " is longer than ", kMaxTextLength, " characters."));
  }
  return absl::OkStatus();
}

absl::Status ValidateRequestId(const Context& ctx, const RequestId& id) {
  const std::string& s = id.str();
  const bool well_formed =
      !s.empty() && s.size() <= 128 && std::all_of(s.begin(), s.end(), [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
               c == '.';
      });
  if (!well_formed)
    return BadRequest("The request id must be 1-128 letters, digits, '-', '_' or '.'.");
  if (ctx.state.FindRequest(s) != nullptr) {
    return Error(absl::StatusCode::kAlreadyExists, code::kRequestExists,
                 absl::StrCat("A role assignment request with Id: ", s, " already exists"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status PolicyRulesFailed(absl::StatusCode canonical, const std::vector<std::string>& rules) {
  return Error(
      canonical, code::kPolicyValidationFailed,
      absl::StrCat("The following policy rules failed: [\"", absl::StrJoin(rules, "\",\""), "\"]"));
}

absl::Status ValidateTarget(const Context& ctx, const Target& target) {
  switch (target.kind) {
    case TargetKind::kGroup: {
      const Principal* g = ctx.state.FindPrincipal(target.object_id);
      if (g == nullptr || g->kind != PrincipalKind::kGroup) {
        return Error(absl::StatusCode::kNotFound, code::kObjectNotFound,
                     absl::StrCat("Group ", target.object_id, " does not exist."));
      }
      return absl::OkStatus();
    }
    case TargetKind::kDirectoryRole:
    case TargetKind::kResourceRole: {
      const RoleDefinition* role = ctx.state.FindRole(target.object_id);
      const RoleKind want =
          target.kind == TargetKind::kDirectoryRole ? RoleKind::kDirectory : RoleKind::kResource;
      if (role == nullptr || role->kind != want) {
        return Error(absl::StatusCode::kNotFound, code::kRoleNotFound,
                     absl::StrCat("Role definition ", target.object_id, " does not exist."));
      }
      const ScopeNode* scope = ctx.state.FindScope(target.scope);
      const bool directory_scope = scope != nullptr && IsDirectoryScopeKind(scope->kind);
      const bool resource_scope = scope != nullptr && (scope->kind == ScopeKind::kTenant ||
                                                       !IsDirectoryScopeKind(scope->kind));
      if (target.kind == TargetKind::kDirectoryRole ? !directory_scope : !resource_scope) {
        return Error(absl::StatusCode::kNotFound, code::kScopeNotFound,
                     absl::StrCat("Scope '", target.scope, "' is not registered for this role."));
      }
      return absl::OkStatus();
    }
  }
  return BadRequest("Unknown target kind.");
}

namespace {

// Directory rules about which principal may hold which kind of target.
absl::Status ValidatePrincipalForTarget(const Principal& principal, const RequestInput& input,
                                        const Context& ctx) {
  const Target& t = input.target;
  if (t.kind == TargetKind::kDirectoryRole) {
    if (principal.kind == PrincipalKind::kGroup && !principal.is_assignable_to_role) {
      return BadRequest("Only role-assignable groups can be assigned directory roles.");
    }
    if (principal.kind == PrincipalKind::kServicePrincipal &&
        input.kind == ScheduleKind::kEligibility) {
      return BadRequest("Service principals can only be given active assignments.");
    }
  }
  if (t.kind == TargetKind::kGroup) {
    if (principal.id.str() == t.object_id)
      return BadRequest("A group cannot be assigned to itself.");
    if (principal.kind == PrincipalKind::kGroup && t.access == GroupAccess::kOwner) {
      return BadRequest(kGroupsCannotOwnGroups);
    }
    const Principal* group = ctx.state.FindPrincipal(t.object_id);
    if (principal.kind == PrincipalKind::kGroup && input.kind == ScheduleKind::kAssignment &&
        t.access == GroupAccess::kMember && group != nullptr && group->is_assignable_to_role) {
      return BadRequest("No group can be an active member of a role-assignable group.");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateInput(const Context& ctx, const RequestInput& input, const Principal** out) {
  if (input.id) PIM_RETURN_IF_ERROR(ValidateRequestId(ctx, *input.id));
  PIM_RETURN_IF_ERROR(ValidateText("justification", input.justification));
  PIM_RETURN_IF_ERROR(ValidateText("customData", input.custom_data));
  PIM_RETURN_IF_ERROR(ValidateText("ticketNumber", input.ticket.number));
  PIM_RETURN_IF_ERROR(ValidateText("ticketSystem", input.ticket.system));
  if (input.kind == ScheduleKind::kEligibility && input.action == RequestAction::kSelfActivate) {
    return BadRequest("selfActivate applies to assignment requests, not eligibility requests.");
  }
  const Principal* principal = ctx.state.FindPrincipal(input.principal.str());
  if (principal == nullptr) {
    return Error(absl::StatusCode::kNotFound, code::kSubjectNotFound,
                 absl::StrCat("Principal ", input.principal.str(), " does not exist."));
  }
  PIM_RETURN_IF_ERROR(ValidateTarget(ctx, input.target));
  PIM_RETURN_IF_ERROR(ValidatePrincipalForTarget(*principal, input, ctx));
  *out = principal;
  return absl::OkStatus();
}

// ---- Schedule windows ----

struct Window {
  absl::Time start;
  Expiration expiration;
  [[nodiscard]] std::optional<absl::Time> End() const {
    if (expiration.type == ExpirationType::kAfterDateTime) return expiration.end;
    if (expiration.type == ExpirationType::kAfterDuration) return start + *expiration.duration;
    return std::nullopt;
  }
};

// Resolves a requested schedule against an expiration rule. A start in the past (or none)
// means now. Not specified means the rule's maximum when expiration is required, else
// permanent. Structural errors return; rule violations are added to `failures`.
absl::StatusOr<Window> ResolveWindow(absl::Time now, absl::Time start, const Expiration& requested,
                                     const ExpirationRule& rule,
                                     std::vector<std::string>& failures) {
  Window w{start, requested};
  switch (requested.type) {
    case ExpirationType::kNotSpecified:
      if (rule.is_expiration_required) {
        w.expiration =
            Expiration{ExpirationType::kAfterDuration, std::nullopt, rule.maximum_duration};
      } else {
        w.expiration = Expiration{ExpirationType::kNoExpiration, std::nullopt, std::nullopt};
      }
      break;
    case ExpirationType::kNoExpiration:
      w.expiration = Expiration{ExpirationType::kNoExpiration, std::nullopt, std::nullopt};
      if (rule.is_expiration_required) AddFailure(failures, "ExpirationRule");
      break;
    case ExpirationType::kAfterDuration:
      if (!requested.duration || *requested.duration <= absl::ZeroDuration()) {
        return BadRequest("expiration.duration is required with afterDuration.");
      }
      w.expiration.end.reset();
      break;
    case ExpirationType::kAfterDateTime:
      if (!requested.end)
        return BadRequest("expiration.endDateTime is required with afterDateTime.");
      w.expiration.duration.reset();
      break;
  }
  if (const auto end = w.End()) {
    if (*end - w.start < kMinimumAssignment || *end - now < kMinimumAssignment) return TooShort();
    if (rule.is_expiration_required && *end - w.start > rule.maximum_duration) {
      AddFailure(failures, "ExpirationRule");
    }
  }
  return w;
}

absl::Time RequestedStart(const Context& ctx, const ScheduleInfo& info) {
  return info.start && *info.start > ctx.now ? *info.start : ctx.now;
}

void CheckEnablement(const Context& ctx, const EnablementRule& rule, const Caller& caller,
                     const RequestInput& input, std::vector<std::string>& failures) {
  if (rule.multi_factor_authentication && !HasFreshMfa(ctx, caller)) {
    AddFailure(failures, "MfaRule");
  }
  if (rule.justification && Blank(input.justification)) AddFailure(failures, "JustificationRule");
  if (rule.ticketing && Blank(input.ticket.number)) AddFailure(failures, "TicketingRule");
}

// ---- Finding schedules ----

bool SameTarget(const Schedule& s, ScheduleKind kind, const PrincipalId& principal,
                const Target& target) {
  return s.kind == kind && s.principal == principal && s.target == target;
}

// The principal's own schedule of `kind` for exactly `target` that has not expired.
const Schedule* FindLive(const ChangeSet& view, ScheduleKind kind, const PrincipalId& principal,
                         const Target& target) {
  for (const Schedule* s : view.SchedulesOfPrincipal(principal.str())) {
    if (SameTarget(*s, kind, principal, target) && s->state != ScheduleState::kExpired) return s;
  }
  return nullptr;
}

const Schedule* FindExpired(const ChangeSet& view, ScheduleKind kind, const PrincipalId& principal,
                            const Target& target) {
  for (const Schedule* s : view.SchedulesOfPrincipal(principal.str())) {
    if (SameTarget(*s, kind, principal, target) && s->state == ScheduleState::kExpired) return s;
  }
  return nullptr;
}

bool HasPendingRequest(const Context& ctx, const RequestInput& input) {
  for (const auto& id : ctx.state.PendingRequestsOfPrincipal(input.principal.str())) {
    const ScheduleRequest* r = ctx.state.FindRequest(id);
    if (r->status == RequestStatus::kPendingApproval && r->kind == input.kind &&
        r->action == input.action && r->target == input.target) {
      return true;
    }
  }
  return false;
}

// An eligibility that lets `principal` activate `target` at `at`, directly or through a group
// it is an active member of, and until when that basis lasts.
struct Basis {
  const Schedule* eligibility = nullptr;
  std::optional<absl::Time> until;
};

bool Enables(const Context& ctx, const Schedule& s, const Target& target, absl::Time at) {
  return s.kind == ScheduleKind::kEligibility && s.state != ScheduleState::kExpired &&
         s.CoversTime(at) && TargetObject(s.target) == TargetObject(target) &&
         (target.kind == TargetKind::kGroup || ctx.state.ScopeWithin(target.scope, s.target.scope));
}

std::optional<absl::Time> EarlierEnd(std::optional<absl::Time> a, std::optional<absl::Time> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

std::vector<Basis> EligibilityBases(const Context& ctx, const PrincipalId& principal,
                                    const Target& target, absl::Time at) {
  std::vector<Basis> bases;
  for (const Schedule* s : ctx.state.SchedulesOfPrincipal(principal.str())) {
    if (Enables(ctx, *s, target, at)) bases.push_back(Basis{s, s->End()});
  }
  // A group owns nothing (owners are users or service principals): an owner eligibility held
  // by a group, stored before that was refused, gives its members nothing.
  if (target.kind == TargetKind::kGroup && target.access == GroupAccess::kOwner) return bases;
  for (const auto& grant : ctx.index.GrantsOf(principal.str(), ctx.now)) {
    if (grant.target.kind != TargetKind::kGroup || grant.target.access != GroupAccess::kMember) {
      continue;
    }
    for (const Schedule* s : ctx.state.SchedulesOfPrincipal(grant.target.object_id)) {
      if (Enables(ctx, *s, target, at))
        bases.push_back(Basis{s, EarlierEnd(s->End(), grant.until)});
    }
  }
  return bases;
}

// ---- Schedule changes ----

Schedule NewSchedule(const Context& ctx, const ScheduleRequest& r, const Window& w) {
  Schedule s;
  s.id = ScheduleId(ctx.ids.NewGuid());
  s.kind = r.kind;
  s.principal = r.principal;
  s.target = r.target;
  s.assignment_type = r.action == RequestAction::kSelfActivate ? AssignmentType::kActivated
                                                               : AssignmentType::kAssigned;
  s.start = w.start;
  s.expiration = w.expiration;
  s.state = w.start > ctx.now ? ScheduleState::kScheduled : ScheduleState::kActive;
  s.created_using = r.id;
  s.activated_using = r.linked_eligibility;
  s.created = ctx.now;
  s.modified = ctx.now;
  s.expiry_notices_sent = ExpiryNoticesAlreadyDue(s, ctx.now);
  return s;
}

void Retime(const Context& ctx, Schedule& s, const Window& w) {
  s.start = w.start;
  s.expiration = w.expiration;
  s.state = w.start > ctx.now ? ScheduleState::kScheduled : ScheduleState::kActive;
  s.modified = ctx.now;
  s.expiry_notices_sent = ExpiryNoticesAlreadyDue(s, ctx.now);
}

// Activations that rest on `s`: those linked to it when it is an eligibility; those linked to
// its group's eligibilities when it is the principal's membership of that group.
std::vector<const Schedule*> DependentActivations(const ChangeSet& view, const Schedule& s) {
  std::vector<const Schedule*> out;
  auto is_activation = [](const Schedule& a) {
    return a.kind == ScheduleKind::kAssignment && a.assignment_type == AssignmentType::kActivated &&
           a.activated_using.has_value();
  };
  if (s.kind == ScheduleKind::kEligibility) {
    for (const Schedule* a : view.ActivationsOf(s.id.str())) {
      if (is_activation(*a)) out.push_back(a);
    }
  } else if (s.target.kind == TargetKind::kGroup && s.target.access == GroupAccess::kMember) {
    out = ActivationsThroughGroup(view, s.principal, s.target.object_id);
  }
  return out;
}

// After `s` ends or shrinks to `new_end` (nullopt = removed), activations resting on it end
// no later: they are revoked, or their end is pulled in.
void CascadeEnd(const Context& ctx, ChangeSet& changes, const Schedule& s,
                std::optional<absl::Time> new_end, bool removed) {
  for (const Schedule* a : DependentActivations(changes, s)) {
    const auto end = a->End();
    if (removed || (new_end && *new_end <= ctx.now + kMinimumAssignment)) {
      changes.Erase(EntityKind::kSchedule, a->id.str());
    } else if (new_end && (!end || *end > *new_end)) {
      Schedule clamped = *a;
      clamped.expiration = Expiration{ExpirationType::kAfterDateTime, *new_end, std::nullopt};
      clamped.modified = ctx.now;
      changes.Put(std::move(clamped));
    }
  }
}

void RemoveSchedule(const Context& ctx, ChangeSet& changes, const Schedule& s) {
  const Schedule copy = s;  // `s` may point into the view we are about to change
  changes.Erase(EntityKind::kSchedule, copy.id.str());
  CascadeEnd(ctx, changes, copy, std::nullopt, /*removed=*/true);
}

// ---- Per-action planning ----

struct Plan {
  const Context& ctx;
  const Caller& caller;
  const RequestInput& input;
  ChangeSet& changes;
  ScheduleRequest request;
  Policy policy;
  std::vector<std::string> failures;

  [[nodiscard]] const ExpirationRule& AdminExpirationRule() const {
    return input.kind == ScheduleKind::kEligibility ? policy.eligibility_expiration
                                                    : policy.assignment_expiration;
  }
  [[nodiscard]] const EnablementRule& AdminEnablementRule() const {
    return input.kind == ScheduleKind::kEligibility ? policy.eligibility_enablement
                                                    : policy.assignment_enablement;
  }
  [[nodiscard]] const Schedule* Live() const {
    return FindLive(changes, input.kind, input.principal, input.target);
  }
};

absl::Status PlanAdminAssign(Plan& p) {
  if (p.Live() != nullptr) return Exists();
  CheckEnablement(p.ctx, p.AdminEnablementRule(), p.caller, p.input, p.failures);
  PIM_ASSIGN_OR_RETURN(
      Window w,
      ResolveWindow(p.ctx.now, RequestedStart(p.ctx, p.input.schedule_info),
                    p.input.schedule_info.expiration, p.AdminExpirationRule(), p.failures));
  p.request.schedule_info = ScheduleInfo{w.start, w.expiration};
  return absl::OkStatus();
}

absl::Status PlanAdminUpdate(Plan& p) {
  const Schedule* s = p.Live();
  if (s == nullptr) return DoesNotExist();
  if (s->kind == ScheduleKind::kAssignment && s->assignment_type == AssignmentType::kActivated) {
    return BadRequest("An activation cannot be updated; deactivate it and activate again.");
  }
  CheckEnablement(p.ctx, p.AdminEnablementRule(), p.caller, p.input, p.failures);
  const absl::Time start = p.input.schedule_info.start.value_or(s->start);
  PIM_ASSIGN_OR_RETURN(
      Window w,
      ResolveWindow(p.ctx.now, std::max(start, std::min(s->start, p.ctx.now)),
                    p.input.schedule_info.expiration, p.AdminExpirationRule(), p.failures));
  p.request.schedule_info = ScheduleInfo{w.start, w.expiration};
  return absl::OkStatus();
}

absl::Status PlanRemove(Plan& p, bool self) {
  const Schedule* s = p.Live();
  if (s == nullptr) return DoesNotExist();
  if (self && s->kind == ScheduleKind::kAssignment &&
      s->assignment_type != AssignmentType::kActivated) {
    return BadRequest(
        "Only an activation can be deactivated; an administrator removes assignments.");
  }
  if (self && s->kind == ScheduleKind::kAssignment) {
    if (s->state == ScheduleState::kScheduled) {
      return BadRequest("This activation has not started; cancel its request instead.");
    }
    if (p.ctx.now - s->start < kMinimumAssignment) return TooShort();
  } else if (p.ctx.now - s->created < kMinimumAssignment) {
    return TooShort();
  }
  if (s->kind == ScheduleKind::kEligibility &&
      p.input.target == DirectoryRoleTarget(role::kGlobalAdministrator, "/")) {
    // Entra: an eligible Global Administrator assignment can't be removed when no other
    // Global Administrator assignment exists.
    const auto all = p.changes.SchedulesOfObject(p.input.target);
    const bool other = std::any_of(all.begin(), all.end(), [&](const Schedule* o) {
      return o->id != s->id && o->state != ScheduleState::kExpired && o->target.scope == "/";
    });
    if (!other) {
      return Error(absl::StatusCode::kFailedPrecondition, code::kLastAdministrator,
                   "This is the last Global Administrator assignment; assign another one first.");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckExtendable(const Plan& p, const Schedule* s) {
  if (s == nullptr) return DoesNotExist();
  if (s->kind == ScheduleKind::kAssignment && s->assignment_type == AssignmentType::kActivated) {
    return BadRequest("An activation cannot be extended; activate again when it ends.");
  }
  const auto end = s->End();
  if (!end) return BadRequest("A permanent assignment does not expire and cannot be extended.");
  // Administrators may extend at any time; end users only near the end.
  if (p.input.action == RequestAction::kSelfExtend && *end - p.ctx.now > kExtendWindow) {
    return Error(absl::StatusCode::kFailedPrecondition, code::kExtendWindow,
                 "An assignment can be extended only within 14 days of its end.");
  }
  return absl::OkStatus();
}

// The new end of an extension: afterDateTime as given, afterDuration counted from now.
absl::StatusOr<Window> ExtensionWindow(Plan& p, const Schedule& s) {
  Expiration e = p.input.schedule_info.expiration;
  if (e.type == ExpirationType::kAfterDuration && e.duration) {
    e = Expiration{ExpirationType::kAfterDateTime, p.ctx.now + *e.duration, std::nullopt};
  }
  PIM_ASSIGN_OR_RETURN(Window w,
                       ResolveWindow(p.ctx.now, p.ctx.now, e, p.AdminExpirationRule(), p.failures));
  const auto old_end = s.End();
  const auto new_end = w.End();
  if (new_end && old_end && *new_end <= *old_end) {
    return BadRequest("An extension must end later than the current assignment.");
  }
  w.start = s.start;
  return w;
}

absl::Status PlanExtend(Plan& p) {
  const Schedule* s = p.Live();
  PIM_RETURN_IF_ERROR(CheckExtendable(p, s));
  PIM_ASSIGN_OR_RETURN(Window w, ExtensionWindow(p, *s));
  p.request.schedule_info = ScheduleInfo{w.start, w.expiration};
  p.request.target_schedule = s->id;
  return absl::OkStatus();
}

absl::Status PlanRenew(Plan& p) {
  if (p.Live() != nullptr) return Exists();
  const Schedule* s = FindExpired(p.changes, p.input.kind, p.input.principal, p.input.target);
  if (s == nullptr) return DoesNotExist();
  if (s->kind == ScheduleKind::kAssignment && s->assignment_type == AssignmentType::kActivated) {
    return BadRequest("An activation cannot be renewed; activate again.");
  }
  // [end, end + 30 days): the purge timer removes the schedule at the window's end; this
  // check covers a purge that has not committed yet.
  if (p.ctx.now >= *s->End() + kRenewalWindow) {
    return Error(absl::StatusCode::kFailedPrecondition, code::kRenewWindow,
                 "An assignment can be renewed only within 30 days after it ended.");
  }
  PIM_ASSIGN_OR_RETURN(
      Window w,
      ResolveWindow(p.ctx.now, RequestedStart(p.ctx, p.input.schedule_info),
                    p.input.schedule_info.expiration, p.AdminExpirationRule(), p.failures));
  p.request.schedule_info = ScheduleInfo{w.start, w.expiration};
  p.request.target_schedule = s->id;
  return absl::OkStatus();
}

absl::Status PlanActivate(Plan& p) {
  const ScheduleInfo& info = p.input.schedule_info;
  const absl::Time start = RequestedStart(p.ctx, info);
  if (FindLive(p.changes, ScheduleKind::kAssignment, p.input.principal, p.input.target) !=
      nullptr) {
    return Exists();
  }
  if (HasPendingRequest(p.ctx, p.input)) {
    return Error(absl::StatusCode::kAlreadyExists, code::kPendingRequestExists,
                 "A request for this role is already pending approval.");
  }
  const Policy& policy = p.policy;
  if (policy.authentication_context.is_enabled) {
    const auto& have = p.caller.authentication_contexts;
    if (std::find(have.begin(), have.end(), policy.authentication_context.claim_value) ==
        have.end()) {
      return Error(absl::StatusCode::kInvalidArgument, code::kAcrsValidationFailed,
                   absl::StrCat("&claims=%7B%22access_token%22%3A%7B%22acrs%22%3A%7B%22essential%22"
                                "%3Atrue%2C%20%22value%22%3A%22",
                                policy.authentication_context.claim_value, "%22%7D%7D%7D"));
    }
  }
  CheckEnablement(p.ctx, policy.activation_enablement, p.caller, p.input, p.failures);
  if (policy.approval.is_approval_required && policy.approval.is_requestor_justification_required &&
      Blank(p.input.justification)) {
    AddFailure(p.failures, "JustificationRule");
  }
  PIM_ASSIGN_OR_RETURN(Window w, ResolveWindow(p.ctx.now, start, info.expiration,
                                               policy.activation_expiration, p.failures));

  std::vector<Basis> bases = EligibilityBases(p.ctx, p.input.principal, p.input.target, start);
  if (p.input.linked_eligibility) {
    std::erase_if(bases,
                  [&](const Basis& b) { return b.eligibility->id != *p.input.linked_eligibility; });
  }
  if (bases.empty()) {
    AddFailure(p.failures, "EligibilityRule");
    return absl::OkStatus();
  }
  // The basis that lasts longest; the activation cannot outlive it.
  const Basis best =
      *std::max_element(bases.begin(), bases.end(), [](const Basis& a, const Basis& b) {
        if (!a.until) return false;
        if (!b.until) return true;
        return *a.until < *b.until;
      });
  p.request.linked_eligibility = best.eligibility->id;
  const auto end = w.End();
  if (best.until && (!end || *end > *best.until)) {
    w.expiration = Expiration{ExpirationType::kAfterDateTime, *best.until, std::nullopt};
    if (*best.until - w.start < kMinimumAssignment) return TooShort();
  }
  p.request.schedule_info = ScheduleInfo{w.start, w.expiration};
  return absl::OkStatus();
}

// Builds the approval a request waits on: the policy's stages for activations (directory
// roles default to Privileged Role and Global Administrators), with their escalation, or the
// built-in extension approvers for selfExtend/selfRenew. The first stage starts now; in
// Parallel mode every stage does.
absl::StatusOr<Approval> BuildApproval(const Plan& p) {
  Approval approval;
  if (p.input.action == RequestAction::kSelfActivate) {
    for (const auto& settings : p.policy.approval.stages) {
      ApprovalStage stage;
      stage.approvers = settings.primary_approvers;
      if (stage.approvers.empty() && p.input.target.kind == TargetKind::kDirectoryRole) {
        stage.approvers = {
            {ApproverKind::kDirectoryRoleHolders, std::string(role::kPrivilegedRoleAdministrator),
             ""},
            {ApproverKind::kDirectoryRoleHolders, std::string(role::kGlobalAdministrator), ""}};
      }
      stage.approvals_required = settings.approvals_required;
      stage.is_approver_justification_required = settings.is_approver_justification_required;
      stage.timeout = absl::Hours(24) * settings.timeout_days;
      if (settings.is_escalation_enabled) {
        stage.escalation = StageEscalation{absl::Minutes(settings.escalation_time_minutes),
                                           settings.escalation_approvers};
      }
      approval.stages.push_back(std::move(stage));
    }
  } else {
    ApprovalStage stage;
    stage.approvers = ExtensionApprovers(p.input.target);
    approval.stages.push_back(std::move(stage));
  }
  for (std::size_t i = 0; i < approval.stages.size(); ++i) {
    const int available = CountApprovers(p.ctx, approval.stages[i], p.request);
    if (available < approval.stages[i].approvals_required) {
      return Error(
          absl::StatusCode::kFailedPrecondition, code::kNoApprovers,
          absl::StrCat("Approval stage ", i + 1, " needs ", approval.stages[i].approvals_required,
                       " approver(s) other than the requester, but ", available, " can approve."));
    }
  }
  const bool parallel = p.input.action == RequestAction::kSelfActivate &&
                        p.policy.approval.mode == ApprovalMode::kParallel;
  for (ApprovalStage& stage : approval.stages) {
    stage.status = StageStatus::kInProgress;
    stage.started = p.ctx.now;
    if (!parallel) break;
  }
  return approval;
}

}  // namespace

bool IsEligibleFor(const Context& ctx, const PrincipalId& principal, const Target& target,
                   absl::Time at) {
  return !EligibilityBases(ctx, principal, target, at).empty();
}

std::vector<const Schedule*> ActivationsThroughGroup(const ChangeSet& view,
                                                     const PrincipalId& member,
                                                     const std::string& group) {
  std::vector<const Schedule*> out;
  for (const Schedule* a : view.SchedulesOfPrincipal(member.str())) {
    if (a->kind != ScheduleKind::kAssignment || a->assignment_type != AssignmentType::kActivated ||
        !a->activated_using) {
      continue;
    }
    const Schedule* basis = view.FindSchedule(a->activated_using->str());
    if (basis != nullptr && basis->principal.str() == group) out.push_back(a);
  }
  return out;
}

void OnboardGroup(const Context& ctx, ChangeSet& changes, const Target& target) {
  if (target.kind != TargetKind::kGroup) return;
  const Principal* group = ctx.state.FindPrincipal(target.object_id);
  if (group == nullptr || group->pim_managed) return;
  Principal onboarded = *group;
  onboarded.pim_managed = true;
  changes.Put(std::move(onboarded));
}

absl::StatusOr<ScheduleRequest> PlanRequest(const Context& ctx, const Caller& caller,
                                            const RequestInput& input, ChangeSet& changes) {
  const Principal* principal = nullptr;
  PIM_RETURN_IF_ERROR(ValidateInput(ctx, input, &principal));

  const bool self = IsSelfAction(input.action);
  if (self ? (caller.is_system || caller.id != input.principal)
           : !CanManage(ctx, caller, input.target)) {
    return Error(absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed,
                 self ? "A principal may only activate, deactivate, extend or renew its own "
                        "assignments."
                      : "The caller is not allowed to manage assignments of this target.");
  }

  Plan p{ctx,
         caller,
         input,
         changes,
         ScheduleRequest{},
         EffectivePolicy(ctx.state, ctx.options, input.target),
         {}};
  ScheduleRequest& r = p.request;
  r.id = input.id.value_or(RequestId(ctx.ids.NewGuid()));
  r.kind = input.kind;
  r.action = input.action;
  r.principal = input.principal;
  r.target = input.target;
  r.schedule_info = input.schedule_info;
  r.justification = input.justification;
  r.ticket = input.ticket;
  r.custom_data = input.custom_data;
  r.status = RequestStatus::kAccepted;
  r.created = ctx.now;
  r.created_by = caller.id;

  switch (input.action) {
    case RequestAction::kAdminAssign:
      PIM_RETURN_IF_ERROR(PlanAdminAssign(p));
      break;
    case RequestAction::kAdminUpdate:
      PIM_RETURN_IF_ERROR(PlanAdminUpdate(p));
      break;
    case RequestAction::kAdminRemove:
    case RequestAction::kSelfDeactivate:
      PIM_RETURN_IF_ERROR(PlanRemove(p, self));
      r.schedule_info = ScheduleInfo{};
      break;
    case RequestAction::kAdminExtend:
    case RequestAction::kSelfExtend:
      PIM_RETURN_IF_ERROR(PlanExtend(p));
      break;
    case RequestAction::kAdminRenew:
    case RequestAction::kSelfRenew:
      PIM_RETURN_IF_ERROR(PlanRenew(p));
      break;
    case RequestAction::kSelfActivate:
      PIM_RETURN_IF_ERROR(PlanActivate(p));
      break;
  }
  if (!p.failures.empty()) return PolicyFailure(p.failures);

  const bool needs_approval =
      (input.action == RequestAction::kSelfActivate && p.policy.approval.is_approval_required) ||
      input.action == RequestAction::kSelfExtend || input.action == RequestAction::kSelfRenew;
  if (needs_approval) {
    if (input.action != RequestAction::kSelfActivate && HasPendingRequest(ctx, input)) {
      return Error(absl::StatusCode::kAlreadyExists, code::kPendingRequestExists,
                   "A request for this assignment is already pending approval.");
    }
    PIM_ASSIGN_OR_RETURN(Approval approval, BuildApproval(p));
    if (input.is_validation_only) return r;
    r.approval = std::move(approval);
    r.status = RequestStatus::kPendingApproval;
    changes.BeginRecord("request.pendingApproval",
                        absl::StrCat(std::string(kRequestActionNames.Name(r.action)), " by ",
                                     caller.id.str(), " for ", r.target.Key(), " awaits approval"));
    changes.Put(r);
    OnboardGroup(ctx, changes, r.target);
    return r;
  }
  if (input.is_validation_only) return r;
  PIM_RETURN_IF_ERROR(ProvisionRequest(ctx, changes, r));
  OnboardGroup(ctx, changes, r.target);
  if (input.action == RequestAction::kAdminUpdate) {
    // Never put an end date on the last permanent active Global Administrator.
    const ChangeSet before(ctx.state, ctx.now, caller.id);
    if (ActiveAdminHolders(before, role::kGlobalAdministrator).any_permanent &&
        !ActiveAdminHolders(changes, role::kGlobalAdministrator).any_permanent) {
      return Error(absl::StatusCode::kFailedPrecondition, code::kLastAdministrator,
                   "This is the last permanent active Global Administrator; it cannot be given "
                   "an end date.");
    }
  }
  return r;
}

absl::Status ProvisionRequest(const Context& ctx, ChangeSet& changes, ScheduleRequest& r) {
  // Every check comes before the first staged change, so a failure stages nothing.
  auto begin = [&] {
    const std::string verb(std::string(kRequestActionNames.Name(r.action)));
    changes.BeginRecord(absl::StrCat("request.", verb),
                        absl::StrCat(verb, " of ", r.target.Key(), " for ", r.principal.str(),
                                     " by ", r.created_by.str()));
  };
  const Schedule* live = FindLive(changes, r.kind, r.principal, r.target);
  // A request provisioned later (after approval) starts no earlier than now.
  Window w{std::max(r.schedule_info.start.value_or(ctx.now), ctx.now), r.schedule_info.expiration};
  auto check_window = [&]() -> absl::Status {
    const auto end = w.End();
    if (end && *end - std::max(w.start, ctx.now) < kMinimumAssignment) return TooShort();
    return absl::OkStatus();
  };
  r.completed = ctx.now;
  r.status = RequestStatus::kProvisioned;

  switch (r.action) {
    case RequestAction::kSelfActivate: {
      if (live != nullptr) return Exists();
      // The basis is judged again now: it may have ended or shrunk while approval was pending,
      // and the activation cannot outlive it.
      std::vector<Basis> bases = EligibilityBases(ctx, r.principal, r.target, w.start);
      std::erase_if(bases, [&](const Basis& b) {
        return !r.linked_eligibility || b.eligibility->id != *r.linked_eligibility;
      });
      if (bases.empty()) return PolicyFailure({"EligibilityRule"});
      const auto until = bases.front().until;
      if (const auto end = w.End(); until && (!end || *end > *until)) {
        w.expiration = Expiration{ExpirationType::kAfterDateTime, *until, std::nullopt};
      }
      PIM_RETURN_IF_ERROR(check_window());
      Schedule s = NewSchedule(ctx, r, w);
      r.target_schedule = s.id;
      if (s.state == ScheduleState::kScheduled) {
        r.status = RequestStatus::kGranted;
        r.completed = s.start;
      }
      r.schedule_info = ScheduleInfo{w.start, w.expiration};
      begin();
      changes.Put(std::move(s));
      break;
    }
    case RequestAction::kAdminAssign: {
      if (live != nullptr) return Exists();
      PIM_RETURN_IF_ERROR(check_window());
      Schedule s = NewSchedule(ctx, r, w);
      r.target_schedule = s.id;
      if (s.state == ScheduleState::kScheduled) r.status = RequestStatus::kGranted;
      begin();
      changes.Put(std::move(s));
      break;
    }
    case RequestAction::kAdminUpdate: {
      if (live == nullptr) return DoesNotExist();
      PIM_RETURN_IF_ERROR(check_window());
      Schedule s = *live;
      Retime(ctx, s, w);
      r.target_schedule = s.id;
      const auto new_end = s.End();
      begin();
      changes.Put(s);
      if (new_end) CascadeEnd(ctx, changes, s, new_end, /*removed=*/false);
      break;
    }
    case RequestAction::kAdminRemove:
    case RequestAction::kSelfDeactivate:
      if (live == nullptr) return DoesNotExist();
      r.target_schedule = live->id;
      r.status = RequestStatus::kRevoked;
      begin();
      RemoveSchedule(ctx, changes, *live);
      break;
    case RequestAction::kAdminExtend:
    case RequestAction::kSelfExtend: {
      if (live == nullptr) return DoesNotExist();
      Schedule s = *live;
      s.expiration = r.schedule_info.expiration;
      s.modified = ctx.now;
      s.expiry_notices_sent = ExpiryNoticesAlreadyDue(s, ctx.now);
      r.target_schedule = s.id;
      begin();
      changes.Put(std::move(s));
      break;
    }
    case RequestAction::kAdminRenew:
    case RequestAction::kSelfRenew: {
      if (live != nullptr) return Exists();
      const Schedule* expired = FindExpired(changes, r.kind, r.principal, r.target);
      if (expired == nullptr) return DoesNotExist();
      PIM_RETURN_IF_ERROR(check_window());
      Schedule s = *expired;
      Retime(ctx, s, w);
      // A renewal assigns anew: the five-minute rule against removal runs from now.
      s.created = ctx.now;
      r.target_schedule = s.id;
      r.schedule_info = ScheduleInfo{w.start, w.expiration};
      if (s.state == ScheduleState::kScheduled) r.status = RequestStatus::kGranted;
      begin();
      changes.Put(std::move(s));
      break;
    }
  }
  changes.Put(r);
  return absl::OkStatus();
}

}  // namespace pim::internal
