// The PIM engine: every write is one command, validated against the policy that governs its
// target, committed to the Store in one transaction together with its change records, and only
// then applied to the in-memory state and access index. The scheduler fires scheduled starts,
// expiries, expiry notices, approval timeouts and purges at their exact time.
//
// Thread-safe. Commands are serialised by one writer lock; queries take a reader lock that a
// writer holds only while applying an already-committed change (microseconds).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "pim/domain/change.h"
#include "pim/engine/access_index.h"
#include "pim/engine/caller.h"
#include "pim/engine/change_set.h"
#include "pim/engine/clock.h"
#include "pim/engine/id_generator.h"
#include "pim/engine/state.h"
#include "pim/engine/store.h"
#include "pim/engine/timer_queue.h"

namespace pim {

struct EngineOptions {
  std::string tenant_id = "00000000-0000-4000-8000-000000000000";
};

// One schedule request as a client submits it (Graph POST / ARM PUT body, already parsed).
struct RequestInput {
  std::optional<RequestId> id;  // client-chosen (ARM request name); generated when absent
  ScheduleKind kind = ScheduleKind::kAssignment;
  RequestAction action = RequestAction::kAdminAssign;
  PrincipalId principal;
  Target target;
  ScheduleInfo schedule_info;
  std::string justification;
  TicketInfo ticket;
  std::string custom_data;
  std::optional<ScheduleId> linked_eligibility;  // selfActivate: which eligibility to use
  bool is_validation_only = false;               // evaluate every rule, change nothing
};

struct CheckAnswer {
  bool allowed = false;
  std::string granted_by;  // schedule id or "membership:{key}"
  std::string via_group;
  std::optional<absl::Time> until;
  Revision revision = 0;  // the state this answer reflects
};

class Engine {
 public:
  // Loads the store, seeds what an empty store needs (the tenant root scope and the built-in
  // role definitions), and fires every timer that fell due while the process was down.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Engine>> Open(Store& store, Clock& clock,
                                                                    IdGenerator& ids,
                                                                    EngineOptions options = {});
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  ~Engine();

  // ---- Commands. Each is one transaction; on any error nothing changes. ----

  // Creates a schedule request and carries it as far as it can go now: Provisioned, Granted
  // (future start), PendingApproval, or Revoked (remove/deactivate). With is_validation_only
  // every rule is evaluated and the would-be request returned, but nothing changes. Errors:
  // InvalidArgument (BadRequest, RoleAssignmentRequestPolicyValidationFailed,
  // ActiveDurationTooShort), NotFound (SubjectNotFound, RoleNotFound, ScopeNotFound,
  // RoleAssignmentDoesNotExist), PermissionDenied (AuthorizationFailed), AlreadyExists
  // (RoleAssignmentExists, PendingRoleAssignmentRequest, RoleAssignmentRequestExists),
  // FailedPrecondition (extension/renewal window, last administrator, no approvers).
  [[nodiscard]] absl::StatusOr<ScheduleRequest> Submit(const Caller& caller,
                                                       const RequestInput& input);

  // An approver's decision on the current stage of a pending request. The last approval
  // provisions it at its start time; if it no longer applies (its eligibility ended meanwhile)
  // the request ends Failed, which is returned as a value, not an error. Errors: NotFound
  // (ApprovalNotFound), PermissionDenied (NotAnApprover: not an approver, or the requester),
  // FailedPrecondition (ApprovalStageAlreadyDecided: not pending, or already decided by the
  // caller), InvalidArgument (justification required).
  [[nodiscard]] absl::StatusOr<ScheduleRequest> Decide(const Caller& caller, const RequestId& id,
                                                       bool approve,
                                                       const std::string& justification);

  // The requester cancels a request that is pending approval or granted with a future start.
  // Errors: NotFound, PermissionDenied, FailedPrecondition (RoleAssignmentRequestNotCancelable).
  [[nodiscard]] absl::StatusOr<ScheduleRequest> Cancel(const Caller& caller, const RequestId& id);

  // Replaces the policy governing `policy.target` (id must be PolicyIdFor(target)). Needs the
  // right to manage the target. Errors: InvalidArgument (InvalidRoleManagementPolicy),
  // PermissionDenied, NotFound (unknown target).
  [[nodiscard]] absl::StatusOr<Policy> UpdatePolicy(const Caller& caller, const Policy& policy);

  // Directory changes. Principals, scopes and role definitions need the system caller or a
  // Global Administrator; memberships need the right to manage the group.
  [[nodiscard]] absl::Status PutPrincipal(const Caller& caller, const Principal& principal);
  [[nodiscard]] absl::Status DeletePrincipal(const Caller& caller, const PrincipalId& id);
  [[nodiscard]] absl::Status AddMembership(const Caller& caller, const DirectMembership& m);
  [[nodiscard]] absl::Status RemoveMembership(const Caller& caller, const DirectMembership& m);
  // Registers a scope; `node.path` is canonicalised, kind and derived parents are checked.
  [[nodiscard]] absl::Status RegisterScope(const Caller& caller, const ScopeNode& node);
  [[nodiscard]] absl::Status PutRoleDefinition(const Caller& caller, const RoleDefinition& role);

  // ---- Time ----

  // Fires, in time order, every timer due at or before the clock's now; each in its own
  // transaction stamped with its due time. Returns the first store error, if any (the timer
  // stays due and is retried on the next call).
  absl::Status RunDue();
  // When the next timer is due, if any.
  [[nodiscard]] std::optional<absl::Time> NextDue() const;
  // `listener` is called after every commit that changes the earliest timer; nullptr removes
  // it. It runs on the committing thread while the engine's writer lock is held, so it must
  // only signal (SchedulerThread::Wake), never call back into the engine.
  void SetTimerListener(std::function<void()> listener);

  // ---- Queries (never touch the store) ----

  [[nodiscard]] CheckAnswer Check(std::string_view principal, const Target& target) const;
  [[nodiscard]] std::vector<AccessIndex::EffectiveGrant> GrantsOf(std::string_view principal) const;
  [[nodiscard]] std::vector<std::string> HoldersOf(const Target& target) const;
  [[nodiscard]] Revision revision() const;
  // Blocks until the engine has applied `revision` or `timeout` passes; returns the revision
  // reached.
  Revision AwaitRevision(Revision revision, absl::Duration timeout) const;

  [[nodiscard]] std::optional<ScheduleRequest> GetRequest(const RequestId& id) const;
  [[nodiscard]] std::optional<Schedule> GetSchedule(const ScheduleId& id) const;
  [[nodiscard]] std::vector<Schedule> SchedulesOf(const PrincipalId& principal) const;
  [[nodiscard]] std::vector<ScheduleRequest> RequestsOf(const PrincipalId& principal) const;
  // The policy in force for `target` (stored, or the defaults).
  [[nodiscard]] Policy EffectivePolicy(const Target& target) const;
  [[nodiscard]] PolicyId PolicyIdFor(const Target& target) const;
  // Whether `who` may decide the stage of request `id` that is in progress now (false when the
  // request is unknown, not pending, or `who` is its requester).
  [[nodiscard]] bool IsCurrentApprover(const PrincipalId& who, const RequestId& id) const;
  // Whether `caller` may manage assignments and the policy of `target`.
  [[nodiscard]] bool CanManage(const Caller& caller, const Target& target) const;
  // Runs `fn` with a consistent read-only view of the whole state.
  void Read(const std::function<void(const State&)>& fn) const;

 private:
  Engine(Store& store, Clock& clock, IdGenerator& ids, EngineOptions options);

  // The state and index as the command holding write_mu_ sees them. Only that holder ever
  // mutates them (taking read_mu_ just to apply a commit), so it may read without read_mu_;
  // the analysis cannot express "either lock", hence the opt-out confined to these two.
  const State& WriterState() const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return state_;
  }
  const AccessIndex& WriterIndex() const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return index_;
  }

  // Checks the lock-out invariants, commits `changes` to the store, then applies them to
  // state, index and timers. The write_mu_ holder may read state_ without read_mu_: only it
  // ever mutates it.
  absl::Status CommitLocked(ChangeSet& changes, bool enforce_last_admin)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // The last active Global / Privileged Role Administrator: refuses the change when enforcing,
  // otherwise (timers) appends alert records. Skipped when the change cannot touch them.
  absl::Status CheckLockOut(ChangeSet& changes, bool enforce_last_admin)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  absl::Status RunDueLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  absl::Status FireTimer(const Timer& timer) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Runs one command: fires due timers, lets `plan` stage changes, commits.
  template <typename Result, typename Plan>
  absl::StatusOr<Result> RunCommand(const Caller& caller, Plan plan);

  Store& store_;
  Clock& clock_;
  IdGenerator& ids_;
  const EngineOptions options_;

  // Serialises commands and timer firing.
  mutable absl::Mutex write_mu_ ABSL_ACQUIRED_BEFORE(read_mu_);
  // Guards what queries read. Written only by the command holding write_mu_.
  mutable absl::Mutex read_mu_;
  State state_ ABSL_GUARDED_BY(read_mu_);
  AccessIndex index_ ABSL_GUARDED_BY(read_mu_);
  TimerQueue timers_ ABSL_GUARDED_BY(read_mu_);
  Revision revision_ ABSL_GUARDED_BY(read_mu_) = 0;

  mutable absl::Mutex listener_mu_;
  std::function<void()> timer_listener_ ABSL_GUARDED_BY(listener_mu_);
};

}  // namespace pim
