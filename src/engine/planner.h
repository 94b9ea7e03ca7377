// Engine internals: the pure decision logic of each command. A planner reads committed state
// and the index through a Context, stages its effects in a ChangeSet and returns the outcome;
// it never commits. Not part of the public API.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "pim/domain/status.h"
#include "pim/engine/access_index.h"
#include "pim/engine/caller.h"
#include "pim/engine/change_set.h"
#include "pim/engine/engine.h"
#include "pim/engine/id_generator.h"
#include "pim/engine/state.h"

namespace pim::internal {

inline constexpr absl::Duration kMinimumAssignment = absl::Minutes(5);
inline constexpr absl::Duration kExtendWindow = absl::Hours(24 * 14);
inline constexpr std::size_t kMaxTextLength = 1024;
// Owners of a group are users or service principals, as in Entra: ownership never flows
// through a group's members.
inline constexpr std::string_view kGroupsCannotOwnGroups =
    "A group cannot own a group: owners are users or service principals.";

// InvalidArgument with machine code BadRequest and `message`, for a request the planners and
// the directory commands refuse as malformed.
[[nodiscard]] inline absl::Status BadRequest(std::string_view message) {
  return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest, message);
}

struct Context {
  const State& state;
  AccessIndex::View index;  // the planner's view: everything staged (AccessIndex::kLatest)
  const EngineOptions& options;
  IdGenerator& ids;
  absl::Time now;
};

// ---- Policies (policy_resolution.cpp) ----
[[nodiscard]] PolicyId PolicyIdFor(const EngineOptions& options, const Target& target);
// The stored policy for the target (resource roles: the nearest scope at or above with one),
// or the defaults under the target's own policy id.
[[nodiscard]] Policy EffectivePolicy(const State& state, const EngineOptions& options,
                                     const Target& target);

// ---- Access rules (access_rules.cpp) ----
[[nodiscard]] bool HoldsDirectoryRole(const Context& ctx, const PrincipalId& who,
                                      std::string_view role);
// Whether `who` owns `group` now, itself: an ownership reported through a group (which only
// data stored before groups were refused as owners can hold) does not count.
[[nodiscard]] bool OwnsGroup(const Context& ctx, const PrincipalId& who, const PrincipalId& group);
// Who may manage assignments and the policy of `target` (see the assignment page).
[[nodiscard]] bool CanManage(const Context& ctx, const Caller& caller, const Target& target);
// Tenant-wide read rights: the system caller, or an active Global Administrator, Privileged
// Role Administrator, Security Administrator, Security Reader or Global Reader at "/".
[[nodiscard]] bool MayReadAll(const Context& ctx, const Caller& caller);
// Whether `caller` performed MFA no later than ctx.now and at most options.mfa_max_age ago.
[[nodiscard]] bool HasFreshMfa(const Context& ctx, const Caller& caller);
// Per stage of `request`'s approval: whether `who` may decide it at ctx.now (in progress, and
// `who` an approver of it; false throughout when the request is not pending or `who` is its
// requester). IsCurrentApprover: whether any is true.
[[nodiscard]] std::vector<bool> StagesDecidableBy(const Context& ctx,
                                                  const ScheduleRequest& request,
                                                  const PrincipalId& who);
[[nodiscard]] bool IsCurrentApprover(const Context& ctx, const ScheduleRequest& request,
                                     const PrincipalId& who);
// Whether `who` may decide `stage` of `request`: one of its approvers, or of its escalation
// approvers once it has escalated. The requester never may.
[[nodiscard]] bool IsApprover(const Context& ctx, const ApprovalStage& stage,
                              const ScheduleRequest& request, const PrincipalId& who);
// How many distinct enabled users other than the requester could decide `stage` now (its
// escalation approvers not counted).
[[nodiscard]] int CountApprovers(const Context& ctx, const ApprovalStage& stage,
                                 const ScheduleRequest& request);
// Approvers for selfExtend / selfRenew: Global and Privileged Role Administrators, plus the
// group's owners for a group; Owners and User Access Administrators at or above the scope for
// a resource role.
[[nodiscard]] std::vector<ApproverRef> ExtensionApprovers(const Target& target);

struct AdminHolders {
  absl::flat_hash_set<std::string> holders;  // enabled users/service principals holding it
  bool any_permanent = false;                // some holder holds it through a permanent assignment
};
// Whether `changes` could change who holds Global or Privileged Role Administrator: it touches
// a schedule of those roles, a principal, or the membership of a group that has such a
// schedule. When false the lock-out checks can be skipped.
[[nodiscard]] bool TouchesAdministratorRoles(const State& state, const ChangeSet& changes);
// Effective active holders of directory role `role` at "/" in the view at view.at().
[[nodiscard]] AdminHolders ActiveAdminHolders(const ChangeSet& view, std::string_view role);
struct OwnersTouched {
  std::vector<std::string> groups;              // whose owners the change touches, sorted
  absl::flat_hash_set<std::string> offboarded;  // principals it deletes or disables
};
// The groups whose owners `changes` touches (standing ownerships, owner assignments), and the
// principals it deletes or disables (offboarding, which the owner rule never holds up).
[[nodiscard]] OwnersTouched GroupsWithOwnersTouched(const ChangeSet& changes);
// The enabled principals that own `group` at view.at(): standing owners, and active owner
// assignments.
[[nodiscard]] absl::flat_hash_set<std::string> ActiveGroupOwners(const ChangeSet& view,
                                                                 const std::string& group);

// ---- Shared validation and cascades (request_planner.cpp) ----
// `canonical` with machine code RoleAssignmentRequestPolicyValidationFailed and the message
// naming `rules`: "The following policy rules failed: [\"MfaRule\"]".
[[nodiscard]] absl::Status PolicyRulesFailed(absl::StatusCode canonical,
                                             const std::vector<std::string>& rules);
// The target's group or role exists, and its scope is registered in the right scope space.
[[nodiscard]] absl::Status ValidateTarget(const Context& ctx, const Target& target);
// `member`'s activations that rest on an eligibility held by `group` (they end when the
// membership does).
[[nodiscard]] std::vector<const Schedule*> ActivationsThroughGroup(const ChangeSet& view,
                                                                   const PrincipalId& member,
                                                                   const std::string& group);

// Whether `principal` holds an eligibility that would let it activate `target` at `at`:
// directly or through a group it is an active member of, for that object at or above the scope.
[[nodiscard]] bool IsEligibleFor(const Context& ctx, const PrincipalId& principal,
                                 const Target& target, absl::Time at);

// Marks a group target's group as managed by PIM (implicit onboarding), once.
void OnboardGroup(const Context& ctx, ChangeSet& changes, const Target& target);

// ---- Commands (request_planner.cpp, approval_planner.cpp) ----
[[nodiscard]] absl::StatusOr<ScheduleRequest> PlanRequest(const Context& ctx, const Caller& caller,
                                                          const RequestInput& input,
                                                          ChangeSet& changes);
// Applies a request whose approvals are complete (or that needs none): stages the schedule
// changes and sets its final status. FailedPrecondition when it no longer applies.
[[nodiscard]] absl::Status ProvisionRequest(const Context& ctx, ChangeSet& changes,
                                            ScheduleRequest& request);
// `stage`: the index of the stage decided; nullopt: the first stage in progress that the caller
// may decide and has not.
[[nodiscard]] absl::StatusOr<ScheduleRequest> PlanDecision(const Context& ctx, const Caller& caller,
                                                           const RequestId& id, bool approve,
                                                           const std::string& justification,
                                                           std::optional<std::size_t> stage,
                                                           ChangeSet& changes);
[[nodiscard]] absl::StatusOr<ScheduleRequest> PlanCancel(const Context& ctx, const Caller& caller,
                                                         const RequestId& id, ChangeSet& changes);

}  // namespace pim::internal

namespace pim {

// Defined here so that every file implementing commands can use it.
template <typename Result, typename Plan>
absl::StatusOr<Result> Engine::RunCommand(const Caller& caller, Plan plan) {
  // Plans and stages under the writer lock, then waits (without it) until durable. Whatever was
  // staged -- due timers, and the command unless it failed -- is waited for, so it is committed
  // even when the command itself is refused.
  Waiter waiter;
  absl::StatusOr<Result> result;
  {
    absl::MutexLock lock(&write_mu_);
    const std::uint64_t before = last_staged_ticket_;
    const absl::Time now = clock_.Now();
    absl::Status staged = RunDueLocked(now);
    if (staged.ok()) {
      internal::Context ctx{WriterState(), WriterIndex().AsOf(AccessIndex::kLatest), options_, ids_,
                            now};
      ChangeSet changes(WriterState(), now, caller.id);
      changes.SetOrigin(caller.correlation_id, caller.client_address);
      result = plan(ctx, changes);
      if (result.ok()) staged = StageLocked(changes, /*enforce_last_admin=*/true);
    }
    if (!staged.ok()) result = staged;
    Watch(waiter, last_staged_ticket_ != before ? last_staged_ticket_ : 0);
  }
  const absl::Status durable = AwaitDurable(waiter);
  if (!durable.ok()) return durable;
  return result;
}

}  // namespace pim
