#include "pim/notify/notification_planner.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "pim/domain/role_definition.h"
#include "pim/domain/schedule.h"
#include "pim/domain/schedule_request.h"
#include "pim/domain/target.h"

namespace pim::notify {
namespace {

// Which rule governs an event, and whom the event is for by default.
struct Audience {
  NotificationEvent rule_event = NotificationEvent::kEndUserAssignment;
  bool admins = false;
  bool requestor = false;
  bool approvers = false;
  // The approvers to ask, when not every approver of the stages in progress (ApproverIds).
  const std::vector<std::string>* approver_ids = nullptr;
};

class Planner {
 public:
  Planner(const ChangeRecord& record, const Engine& engine) : record_(record), engine_(engine) {}

  std::vector<Notification> Plan() {
    if (record_.event.starts_with("alert.")) {
      PlanAlert();
      return std::move(out_);
    }
    for (const Mutation& m : record_.mutations) {
      if (!m.after) {
        // An activation that ends is erased rather than kept as expired: its expiry is told
        // from the state before.
        const auto* ended = m.before ? std::get_if<Schedule>(&*m.before) : nullptr;
        if (ended != nullptr && record_.event == "schedule.expired") PlanSchedule(true, *ended);
        continue;
      }
      if (const auto* r = std::get_if<ScheduleRequest>(&*m.after)) {
        const auto* before = m.before ? std::get_if<ScheduleRequest>(&*m.before) : nullptr;
        PlanRequest(before, *r);
      } else if (const auto* s = std::get_if<Schedule>(&*m.after)) {
        PlanSchedule(m.before.has_value(), *s);
      }
    }
    return std::move(out_);
  }

 private:
  void PlanAlert() {
    Notification n = Base(EventType::kAlert, /*critical=*/true);
    n.summary = record_.detail;
    AddPrincipalMails(AdminIds(std::nullopt, false), n.recipients);
    Finish(std::move(n));
  }

  void PlanRequest(const ScheduleRequest* before, const ScheduleRequest& r) {
    const bool was_pending = before != nullptr && before->status == RequestStatus::kPendingApproval;
    if (r.status == RequestStatus::kPendingApproval) {
      // A new request asks every approver of its stages in progress; later, a stage that starts
      // asks its approvers, and one that escalates its escalation approvers. A vote, or a
      // parallel stage completing, asks no one.
      const std::vector<std::string> asked = was_pending ? NewlyAsked(*before, r) : ApproverIds(r);
      if (was_pending && asked.empty()) return;
      EventType type = EventType::kApprovalRequested;
      if (r.action == RequestAction::kSelfExtend) type = EventType::kExtensionRequested;
      if (r.action == RequestAction::kSelfRenew) type = EventType::kRenewalRequested;
      Emit(type, /*critical=*/true, r, {.approvers = true, .approver_ids = &asked}, &r);
      return;
    }
    if (before != nullptr && before->status == r.status) return;
    switch (r.status) {
      // The first decision wins, and every approver of the decided stage is told of it.
      case RequestStatus::kProvisioned:
      case RequestStatus::kGranted:
        if (was_pending) {
          Emit(EventType::kApproved, false, r, {.requestor = true, .approvers = true}, before);
        }
        break;
      case RequestStatus::kDenied:
        Emit(EventType::kDenied, false, r, {.requestor = true, .approvers = was_pending}, before);
        break;
      case RequestStatus::kTimedOut:
        Emit(EventType::kApprovalTimedOut, false, r, {.requestor = true}, nullptr);
        break;
      case RequestStatus::kCanceled:
        // The approvers of a request they no longer need to decide.
        if (was_pending) Emit(EventType::kCanceled, false, r, {.approvers = true}, before);
        break;
      default:
        break;
    }
  }

  void PlanSchedule(bool existed, const Schedule& s) {
    const NotificationEvent admin_event = s.kind == ScheduleKind::kEligibility
                                              ? NotificationEvent::kAdminEligibility
                                              : NotificationEvent::kAdminAssignment;
    const bool activation = s.activated_using.has_value();
    const NotificationEvent rule = activation ? NotificationEvent::kEndUserAssignment : admin_event;
    if (record_.event == "schedule.expiryNotice") {
      Notification n = ForSchedule(EventType::kExpiringSoon, false, s);
      n.summary = record_.detail;
      Address(n, s.target, {.rule_event = rule, .admins = true, .requestor = true}, nullptr);
      Finish(std::move(n));
      return;
    }
    if (record_.event == "schedule.expired") {
      // Resource administrators are told of expiries too; other targets' are not.
      Notification n = ForSchedule(EventType::kExpired, false, s);
      Address(n, s.target,
              {.rule_event = rule,
               .admins = s.target.kind == TargetKind::kResourceRole,
               .requestor = true},
              nullptr);
      Finish(std::move(n));
      return;
    }
    if (existed) return;  // updates (extensions, renewals) are told by their requests
    EventType type = EventType::kActiveAssigned;
    if (s.kind == ScheduleKind::kEligibility) type = EventType::kEligibleAssigned;
    if (activation) type = EventType::kActivated;
    Notification n = ForSchedule(type, false, s);
    Address(n, s.target, {.rule_event = rule, .admins = true, .requestor = true}, nullptr);
    Finish(std::move(n));
  }

  void Emit(EventType type, bool critical, const ScheduleRequest& r, Audience audience,
            const ScheduleRequest* approvers_of) {
    audience.rule_event = r.kind == ScheduleKind::kEligibility
                              ? NotificationEvent::kAdminEligibility
                              : (r.action == RequestAction::kSelfActivate ||
                                         r.action == RequestAction::kSelfDeactivate
                                     ? NotificationEvent::kEndUserAssignment
                                     : NotificationEvent::kAdminAssignment);
    Notification n = Base(type, critical);
    Describe(n, r.principal, r.target);
    n.request_id = r.id.str();
    n.justification = r.justification;
    if (!r.ticket.number.empty() || !r.ticket.system.empty()) {
      n.ticket = absl::StrCat(r.ticket.system, ": ", r.ticket.number);
    }
    n.start = r.schedule_info.start;
    n.end = r.schedule_info.expiration.end;
    if (!n.end && n.start && r.schedule_info.expiration.duration) {
      n.end = *n.start + *r.schedule_info.expiration.duration;
    }
    n.summary = record_.detail;
    Address(n, r.target, audience, approvers_of);
    Finish(std::move(n));
  }

  Notification ForSchedule(EventType type, bool critical, const Schedule& s) {
    Notification n = Base(type, critical);
    Describe(n, s.principal, s.target);
    n.schedule_id = s.id.str();
    n.request_id = s.created_using.str();
    if (const std::optional<ScheduleRequest> r = RequestOf(s)) {
      n.justification = r->justification;
      if (!r->ticket.number.empty() || !r->ticket.system.empty()) {
        n.ticket = absl::StrCat(r->ticket.system, ": ", r->ticket.number);
      }
    }
    n.start = s.start;
    n.end = s.End();
    n.summary = record_.detail;
    return n;
  }

  // The request that created `s`: in this record, or still in the engine's state.
  std::optional<ScheduleRequest> RequestOf(const Schedule& s) const {
    for (const Mutation& m : record_.mutations) {
      if (!m.after) continue;
      const auto* r = std::get_if<ScheduleRequest>(&*m.after);
      if (r != nullptr && r->id == s.created_using) return *r;
    }
    return engine_.GetRequest(s.created_using);
  }

  Notification Base(EventType type, bool critical) const {
    Notification n;
    n.revision = record_.revision;
    n.type = type;
    n.critical = critical;
    n.at = record_.at;
    n.actor = record_.actor.str();
    return n;
  }

  void Describe(Notification& n, const PrincipalId& principal, const Target& target) const {
    n.principal = principal.str();
    n.target = target.Key();
    n.scope = target.kind == TargetKind::kGroup ? "" : target.scope;
    engine_.Read([&](const State& state) {
      if (const Principal* p = state.FindPrincipal(principal.str())) {
        n.principal_name = p->display_name;
      }
      if (target.kind == TargetKind::kGroup) {
        if (const Principal* g = state.FindPrincipal(target.object_id)) {
          n.target_name = absl::StrCat(g->display_name, " (",
                                       std::string(kGroupAccessNames.Name(target.access)), ")");
        }
      } else if (const RoleDefinition* role = state.FindRole(target.object_id)) {
        n.target_name = role->display_name;
      }
    });
  }

  // Applies the target's policy rules for `audience` to `n`.
  void Address(Notification& n, const Target& target, const Audience& audience,
               const ScheduleRequest* approvers_of) const {
    const Policy policy = engine_.EffectivePolicy(target);
    auto apply = [&](NotificationRecipient who, const std::vector<std::string>& defaults) {
      for (const NotificationRule& rule : policy.notifications) {
        if (rule.event != audience.rule_event || rule.recipient != who) continue;
        if (rule.level == NotificationLevel::kNone) return;
        if (rule.level == NotificationLevel::kCritical && !n.critical) return;
        if (rule.is_default_recipients_enabled) AddPrincipalMails(defaults, n.recipients);
        for (const std::string& extra : rule.recipients) n.recipients.push_back(extra);
        return;
      }
    };
    if (audience.admins) {
      apply(NotificationRecipient::kAdmin, AdminIds(target, n.type == EventType::kActivated));
    }
    if (audience.requestor) apply(NotificationRecipient::kRequestor, {n.principal});
    if (audience.approvers && approvers_of != nullptr) {
      apply(NotificationRecipient::kApprover,
            audience.approver_ids != nullptr ? *audience.approver_ids : ApproverIds(*approvers_of));
    }
  }

  // Who gets the admin-side mail about `target`:
  // - a directory role, or an alert (no target): Global and Privileged Role Administrators, and
  //   for an activation also Security Administrators;
  // - a resource role: Owners (active or eligible) and User Access Administrators at or above
  //   its scope;
  // - a group: its permanent owners only (standing, or active with no end).
  std::vector<std::string> AdminIds(const std::optional<Target>& target, bool activation) const {
    std::vector<std::string> ids;
    auto add = [&](std::vector<std::string> more) {
      for (std::string& id : more) ids.push_back(std::move(id));
    };
    if (target && target->kind == TargetKind::kGroup) {
      engine_.Read([&](const State& state) {
        for (const DirectMembership* m : state.MembershipsOfGroup(target->object_id)) {
          if (m->access == GroupAccess::kOwner) ids.push_back(m->principal.str());
        }
        for (const Schedule* s : state.SchedulesOfObject(
                 GroupTarget(PrincipalId(target->object_id), GroupAccess::kOwner))) {
          if (s->kind == ScheduleKind::kAssignment && s->state != ScheduleState::kExpired &&
              !s->End().has_value() && s->CoversTime(record_.at)) {
            ids.push_back(s->principal.str());
          }
        }
      });
      return ids;
    }
    if (target && target->kind == TargetKind::kResourceRole) {
      add(engine_.HoldersOf(ResourceRoleTarget(role::kOwner, target->scope)));
      add(engine_.HoldersOf(ResourceRoleTarget(role::kUserAccessAdministrator, target->scope)));
      std::vector<std::string> eligible_groups;
      engine_.Read([&](const State& state) {
        for (const Schedule* s :
             state.SchedulesOfObject(ResourceRoleTarget(role::kOwner, target->scope))) {
          if (s->kind != ScheduleKind::kEligibility || s->state == ScheduleState::kExpired ||
              !s->CoversTime(record_.at) || !state.ScopeWithin(target->scope, s->target.scope)) {
            continue;
          }
          const Principal* p = state.FindPrincipal(s->principal.str());
          if (p != nullptr && p->kind == PrincipalKind::kGroup) {
            eligible_groups.push_back(s->principal.str());
          } else {
            ids.push_back(s->principal.str());
          }
        }
      });
      for (const std::string& group : eligible_groups) {
        add(engine_.HoldersOf(GroupTarget(PrincipalId(group), GroupAccess::kMember)));
      }
      return ids;
    }
    add(engine_.HoldersOf(DirectoryRoleTarget(role::kGlobalAdministrator)));
    add(engine_.HoldersOf(DirectoryRoleTarget(role::kPrivilegedRoleAdministrator)));
    if (activation) add(engine_.HoldersOf(DirectoryRoleTarget(role::kSecurityAdministrator)));
    return ids;
  }

  // Whoever may decide a stage in progress of `r` (its approvers, and its escalation approvers
  // once it has escalated), never its requester.
  std::vector<std::string> ApproverIds(const ScheduleRequest& r) const {
    std::vector<std::string> ids;
    if (!r.approval) return ids;
    for (const ApprovalStage& stage : r.approval->stages) {
      if (stage.status != StageStatus::kInProgress) continue;
      AddDesignated(r, stage.approvers, ids);
      if (stage.escalation && stage.escalation->escalated) {
        AddDesignated(r, stage.escalation->approvers, ids);
      }
    }
    return ids;
  }

  void AddDesignated(const ScheduleRequest& r, const std::vector<ApproverRef>& refs,
                     std::vector<std::string>& ids) const {
    for (const ApproverRef& ref : refs) {
      std::vector<std::string> found;
      switch (ref.kind) {
        case ApproverKind::kUser:
          found.push_back(ref.id);
          break;
        case ApproverKind::kGroupMembers:
          found = engine_.HoldersOf(GroupTarget(PrincipalId(ref.id), GroupAccess::kMember));
          break;
        case ApproverKind::kGroupOwners:
          found = engine_.HoldersOf(GroupTarget(PrincipalId(ref.id), GroupAccess::kOwner));
          break;
        case ApproverKind::kDirectoryRoleHolders:
          found = engine_.HoldersOf(DirectoryRoleTarget(ref.id));
          break;
        case ApproverKind::kResourceRoleHoldersAtTarget:
          found = engine_.HoldersOf(ResourceRoleTarget(ref.id, r.target.scope));
          break;
      }
      for (std::string& id : found) {
        if (id != r.principal.str() && id != r.created_by.str()) ids.push_back(std::move(id));
      }
    }
  }

  // Who `after` asks that `before` did not: the approvers (and escalation approvers, if it has
  // escalated) of each stage that has started since, and the escalation approvers of each that
  // has escalated since. Someone asked again for a new stage is asked again.
  std::vector<std::string> NewlyAsked(const ScheduleRequest& before,
                                      const ScheduleRequest& after) const {
    std::vector<std::string> ids;
    if (!after.approval || !before.approval ||
        before.approval->stages.size() != after.approval->stages.size()) {
      return ids;
    }
    for (std::size_t i = 0; i < after.approval->stages.size(); ++i) {
      const ApprovalStage& now = after.approval->stages[i];
      const ApprovalStage& was = before.approval->stages[i];
      if (now.status != StageStatus::kInProgress) continue;
      const bool escalated = now.escalation && now.escalation->escalated;
      if (was.status != StageStatus::kInProgress) AddDesignated(after, now.approvers, ids);
      const bool was_escalated =
          was.status == StageStatus::kInProgress && was.escalation && was.escalation->escalated;
      if (escalated && !was_escalated) AddDesignated(after, now.escalation->approvers, ids);
    }
    return ids;
  }

  void AddPrincipalMails(const std::vector<std::string>& ids, std::vector<std::string>& out) const {
    engine_.Read([&](const State& state) {
      for (const std::string& id : ids) {
        const Principal* p = state.FindPrincipal(id);
        if (p != nullptr && p->enabled && !p->mail.empty()) out.push_back(p->mail);
      }
    });
  }

  void Finish(Notification n) {
    std::sort(n.recipients.begin(), n.recipients.end());
    n.recipients.erase(std::unique(n.recipients.begin(), n.recipients.end()), n.recipients.end());
    n.id = absl::StrCat(record_.revision, ".", out_.size());
    out_.push_back(std::move(n));
  }

  const ChangeRecord& record_;
  const Engine& engine_;
  std::vector<Notification> out_;
};

}  // namespace

std::vector<Notification> PlanNotifications(const ChangeRecord& record, const Engine& engine) {
  return Planner(record, engine).Plan();
}

}  // namespace pim::notify
