// The PIM engine: every write is one command, validated against the policy that governs its
// target and committed to the Store together with its change records. The scheduler fires
// scheduled starts, expiries, expiry notices, approval timeouts and purges at their exact time.
//
// Thread-safe. Commands are planned one at a time under a writer lock; each plans against the
// effects of every command planned before it. Its changes are then *staged* -- applied to the
// in-memory state, index and timers -- and queued for the store, and the writer lock is released
// before the commit, so the next command can be planned while the disk syncs. Whoever waits
// first commits everything queued in one Store::Commit (group commit: one fsync for all).
// A command returns only once its records are durable.
//
// What readers see: access decisions (Check, GrantsOf, HoldersOf, and every read authorisation
// such as MayReadAll, CanManage and ReadAs's Visibility) see exactly the committed revision --
// a grant staged but not yet durable is invisible to them, a removal staged but not yet durable
// still grants. Entity reads (GetRequest, SchedulesOf, Read...) may show a staged command up to
// one commit before it is durable. If a commit fails, everything staged since the last durable
// revision is undone in memory and each of those commands returns the store's error.
// Queries take a reader lock that writers hold only while staging or publishing (microseconds).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
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
#include "pim/engine/visibility.h"

namespace pim {

struct EngineOptions {
  std::string tenant_id = "00000000-0000-4000-8000-000000000000";
  // How long a multi-factor authentication counts where a policy requires MFA: activating
  // (and admin assignments whose policy says so) and approving a request for such a target.
  // A caller whose `mfa_at` is older than this, or in the future, fails the MfaRule.
  absl::Duration mfa_max_age = absl::Hours(1);
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

// One question of a batch: may `principal` use `*target`? The pointer is borrowed for the call.
struct CheckQuery {
  std::string_view principal;
  const Target* target = nullptr;
};

struct CheckAnswer {
  bool allowed = false;
  PackedIdText granted_by;  // schedule id or "membership:{key}"
  PrincipalId via_group;    // empty when direct
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

  // An approver's decision on a stage in progress of a pending request: stage `stage` (an
  // index), or by default the first in progress that the caller may decide and has not. A
  // denial ends the request; the approval that completes the last stage provisions it at its
  // start time; if it no longer applies (its eligibility ended meanwhile) the request ends
  // Failed, which is returned as a value, not an error. When the policy of the request's target
  // requires MFA on activation, so does deciding: the approver's MFA must be at most
  // options.mfa_max_age old. Errors: NotFound (ApprovalNotFound: no such request or stage),
  // PermissionDenied (NotAnApprover: not an approver, or the requester;
  // RoleAssignmentRequestPolicyValidationFailed naming "MfaRule": no fresh MFA),
  // FailedPrecondition (ApprovalStageAlreadyDecided: not pending, stage not in progress, or
  // already decided by the caller), InvalidArgument (justification required).
  [[nodiscard]] absl::StatusOr<ScheduleRequest> Decide(
      const Caller& caller, const RequestId& id, bool approve, const std::string& justification,
      std::optional<std::size_t> stage = std::nullopt);

  // The requester cancels a request that is pending approval or granted with a future start.
  // Errors: NotFound, PermissionDenied, FailedPrecondition (RoleAssignmentRequestNotCancelable).
  [[nodiscard]] absl::StatusOr<ScheduleRequest> Cancel(const Caller& caller, const RequestId& id);

  // Replaces the policy governing `policy.target` (id must be PolicyIdFor(target)). Needs the
  // right to manage the target. Errors: InvalidArgument (InvalidRoleManagementPolicy),
  // PermissionDenied, NotFound (unknown target).
  [[nodiscard]] absl::StatusOr<Policy> UpdatePolicy(const Caller& caller, const Policy& policy);
  // Drops the policy stored for `target` itself, so that what governs it again is the default
  // (for a resource role: the nearest policy stored above it). Returns whether one was stored.
  // Needs the right to manage the target. Errors: PermissionDenied, NotFound (unknown target).
  [[nodiscard]] absl::StatusOr<bool> ResetPolicy(const Caller& caller, const Target& target);

  // Directory changes. Who may change which principal or membership follows Entra's
  // delegation (directory_commands.cpp states each rule): the system caller and active Global
  // Administrators anything; User Administrators users (except those holding a privileged
  // directory role or belonging to a role-assignable group) and groups that are not
  // role-assignable; Groups Administrators such groups; Privileged Role Administrators
  // role-assignable groups; Application and Cloud Application Administrators service
  // principals; a group's owner the members of a group that is not role-assignable. Scopes and
  // role definitions need the system caller or a Global Administrator. A refusal is
  // PermissionDenied (AuthorizationFailed). No change may leave the tenant without an active
  // Global or Privileged Role Administrator (FailedPrecondition,
  // LastGlobalOrPrivilegedRoleAdministrator) -- disabling or deleting one included. A user's
  // non-empty `mail` (its userPrincipalName) is unique among users, ignoring case
  // (AlreadyExists, ObjectAlreadyExists).
  //
  // PutPrincipal creates or replaces `principal`. Errors: InvalidArgument (BadRequest: id not a
  // lowercase GUID, text too long, kind or isAssignableToRole changed), plus the above.
  [[nodiscard]] absl::Status PutPrincipal(const Caller& caller, const Principal& principal);
  // Deletes a principal with everything it holds (and, for a group, everything held in it).
  // Errors: NotFound (SubjectNotFound), plus the above.
  [[nodiscard]] absl::Status DeletePrincipal(const Caller& caller, const PrincipalId& id);
  // Adds a standing membership or ownership. Errors: NotFound (ObjectNotFound: no such group;
  // SubjectNotFound: no such member), InvalidArgument (BadRequest: a group in itself, a group in
  // a role-assignable group), AlreadyExists (ObjectAlreadyExists), plus the above.
  [[nodiscard]] absl::Status AddMembership(const Caller& caller, const DirectMembership& m);
  // Removes one, ending the activations that rested on it. Errors: NotFound (ObjectNotFound),
  // plus the above.
  [[nodiscard]] absl::Status RemoveMembership(const Caller& caller, const DirectMembership& m);
  // Ends `m` as the Graph Groups API does, which overrides PIM: the standing membership if there
  // is one, and an active PIM assignment of the same access if there is one (as an adminRemove
  // request in the caller's name, under that request's rules), in one command: both or
  // neither. Errors: NotFound (ObjectNotFound) when neither exists, plus those of
  // RemoveMembership and of the adminRemove request.
  [[nodiscard]] absl::Status EndMembership(const Caller& caller, const DirectMembership& m);

  // One directory object as the Graph directory API and bulk import write it.
  struct DirectoryWrite {
    // The principal as it should be. `pim_managed` is not the writer's to set: it keeps its
    // stored value (false for a new principal).
    Principal principal;
    // The principal as the writer last read it, guarding against lost updates: nullopt creates
    // (AlreadyExists, ObjectAlreadyExists, when the id is taken); otherwise the stored principal
    // must equal it (NotFound, ObjectNotFound, when it is gone; Aborted when it changed
    // meanwhile -- read again and retry).
    std::optional<Principal> expected;
    // Memberships to add with it, each naming `principal` as its group or its member (it may
    // be created by this very write). One that already exists is left alone. Memberships not
    // listed are not removed.
    std::vector<DirectMembership> memberships;
  };
  enum class DirectoryOutcome { kCreated, kUpdated, kUnchanged };
  // Applies `write` as one command, all or nothing, under the rules above (PutPrincipal's for
  // the principal, AddMembership's for each membership). The caller is authorised even when
  // nothing changes (kUnchanged). Errors: those of PutPrincipal and AddMembership, and the
  // `expected` ones.
  [[nodiscard]] absl::StatusOr<DirectoryOutcome> WriteDirectoryObject(const Caller& caller,
                                                                      const DirectoryWrite& write);
  // A new lowercase GUID for a principal about to be created.
  [[nodiscard]] PrincipalId NewPrincipalId();
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
  // Answers every query at one revision and one instant (a consistent snapshot), in order.
  [[nodiscard]] std::vector<CheckAnswer> CheckAll(std::span<const CheckQuery> queries) const;
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

  // ---- Read authorisation (the rule is described in visibility.h) ----

  // Whether `caller` may read every request, schedule and approval: the system caller, or an
  // active Global Administrator, Privileged Role Administrator, Security Administrator,
  // Security Reader or Global Reader at "/". Also governs reading others' access (check) and
  // the change feed.
  [[nodiscard]] bool MayReadAll(const Caller& caller) const;
  // Whether `caller` may read the audit history (GET /pim/v1/audit/entries): Entra lets the
  // same roles read audit logs (Global Administrator, Privileged Role Administrator, Security
  // Administrator, Security Reader, Global Reader), so today this is MayReadAll; it is its own
  // rule so that the two can diverge.
  [[nodiscard]] bool MayReadAudit(const Caller& caller) const;
  // Whether `caller` may read `request` / `schedule` (or its instance) / the approval of
  // `request`, judged on the current state.
  [[nodiscard]] bool MaySee(const Caller& caller, const ScheduleRequest& request) const;
  [[nodiscard]] bool MaySee(const Caller& caller, const Schedule& schedule) const;
  [[nodiscard]] bool MaySeeApproval(const Caller& caller, const ScheduleRequest& request) const;
  // Those of `targets` whose policy `caller` may read (Visibility::MayReadPolicy), in their
  // order, all decided at one revision.
  [[nodiscard]] std::vector<Target> PoliciesReadableBy(const Caller& caller,
                                                       std::vector<Target> targets) const;
  [[nodiscard]] bool MayReadPolicy(const Caller& caller, const Target& target) const;

  // Runs `fn` with a consistent read-only view of the whole state.
  void Read(const std::function<void(const State&)>& fn) const;
  // Runs `fn` with a consistent read-only view of the whole state and `caller`'s visibility of
  // it. `fn` must not call back into the engine (it holds the reader lock); the Visibility is
  // valid only during the call.
  void ReadAs(const Caller& caller,
              const std::function<void(const State&, const Visibility&)>& fn) const;

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

  // One queued ticket's outcome, filled in when the commit holding it settles.
  struct Waiter {
    std::uint64_t ticket = 0;
    bool done = false;
    absl::Status status;
  };

  // Checks the lock-out invariants, stages `changes` (applies them to state, index and timers
  // at the next revisions) and queues its records for the store under a new ticket. Nothing is
  // durable yet: the caller must make sure somebody waits for the ticket (Watch + AwaitDurable,
  // or FlushLocked). The write_mu_ holder may read state_ without read_mu_: only it mutates it.
  absl::Status StageLocked(ChangeSet& changes, bool enforce_last_admin)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Registers `waiter` for `ticket`, the last one the caller staged (0: it staged nothing, and
  // the waiter is done at once). Must be called before write_mu_ is released: a failed commit
  // settles only under write_mu_, so no outcome can be missed.
  void Watch(Waiter& waiter, std::uint64_t ticket) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Blocks until `waiter`'s ticket is durable or abandoned, committing queued records itself
  // when no commit is in flight. Returns the store's error when abandoned.
  absl::Status AwaitDurable(Waiter& waiter) ABSL_LOCKS_EXCLUDED(write_mu_, commit_mu_);
  // Commits everything queued, synchronously, for a caller that holds write_mu_ throughout
  // (Open). No other thread may be committing.
  absl::Status FlushLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Commits `batch` (tickets up to `last`) and publishes it, or, when the store fails, undoes
  // every staged change after the last durable revision (taking write_mu_ unless `locked`).
  absl::Status CommitBatch(std::vector<ChangeRecord> batch, std::uint64_t last, bool locked)
      ABSL_LOCKS_EXCLUDED(commit_mu_);
  // Undoes, newest first, `batch` and whatever was queued after it; settles every outstanding
  // ticket with `error`.
  void AbandonLocked(const std::vector<ChangeRecord>& batch, const absl::Status& error)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // The last active Global / Privileged Role Administrator: refuses the change when enforcing,
  // otherwise (timers) appends alert records. Skipped when the change cannot touch them.
  absl::Status CheckLockOut(ChangeSet& changes, bool enforce_last_admin)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Tells AwaitRevision's waiters that `revision` is now durable (after revision_ moved).
  void PublishRevision(Revision revision) ABSL_LOCKS_EXCLUDED(published_mu_);
  absl::Status RunDueLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  absl::Status FireTimer(const Timer& timer) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Runs one command: fires due timers, lets `plan` stage changes, commits.
  template <typename Result, typename Plan>
  absl::StatusOr<Result> RunCommand(const Caller& caller, Plan plan);

  Store& store_;
  Clock& clock_;
  IdGenerator& ids_;
  const EngineOptions options_;

  // Serialises planning and staging of commands and timer firing.
  mutable absl::Mutex write_mu_ ABSL_ACQUIRED_BEFORE(commit_mu_, read_mu_);
  // Guards what queries read. Written by the command holding write_mu_ (staging, undoing) and
  // by the committer, which only advances revision_.
  mutable absl::Mutex read_mu_;
  State state_ ABSL_GUARDED_BY(read_mu_);
  AccessIndex index_ ABSL_GUARDED_BY(read_mu_);
  TimerQueue timers_ ABSL_GUARDED_BY(read_mu_);
  Revision revision_ ABSL_GUARDED_BY(read_mu_) = 0;          // the last durable revision
  Revision staged_revision_ ABSL_GUARDED_BY(write_mu_) = 0;  // the last revision staged
  std::uint64_t last_staged_ticket_ ABSL_GUARDED_BY(write_mu_) = 0;

  // The commit queue. Tickets number staged commands in order.
  mutable absl::Mutex commit_mu_ ABSL_ACQUIRED_BEFORE(read_mu_);
  std::vector<ChangeRecord> queued_ ABSL_GUARDED_BY(commit_mu_);
  std::uint64_t queued_ticket_ ABSL_GUARDED_BY(commit_mu_) = 0;   // the newest ticket queued
  std::uint64_t settled_ticket_ ABSL_GUARDED_BY(commit_mu_) = 0;  // every ticket <= has an outcome
  bool committing_ ABSL_GUARDED_BY(commit_mu_) = false;
  std::vector<Waiter*> waiters_ ABSL_GUARDED_BY(commit_mu_);

  // revision_ again, for AwaitRevision: its waiters sit on this mutex, so that they never turn
  // read_mu_'s unlocks into slow paths that evaluate their conditions. Set after revision_.
  mutable absl::Mutex published_mu_ ABSL_ACQUIRED_AFTER(read_mu_);
  Revision published_revision_ ABSL_GUARDED_BY(published_mu_) = 0;

  mutable absl::Mutex listener_mu_;
  std::function<void()> timer_listener_ ABSL_GUARDED_BY(listener_mu_);
};

}  // namespace pim
