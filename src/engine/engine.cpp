#include "pim/engine/engine.h"

#include <algorithm>
#include <deque>
#include <utility>

#include "absl/strings/str_cat.h"
#include "pim/domain/role_definition.h"
#include "pim/domain/status.h"
#include "planner.h"

namespace pim {
namespace {

const PrincipalId kSystemActor("system");

std::string Describe(const Schedule& s) {
  return absl::StrCat(std::string(kScheduleKindNames.Name(s.kind)), " ", s.id.str(), " of ",
                      s.principal.str(), " for ", s.target.Key());
}

}  // namespace

Engine::Engine(Store& store, Clock& clock, IdGenerator& ids, EngineOptions options)
    : store_(store), clock_(clock), ids_(ids), options_(std::move(options)) {}

Engine::~Engine() = default;

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(Store& store, Clock& clock, IdGenerator& ids,
                                                     EngineOptions options) {
  std::unique_ptr<Engine> engine(new Engine(store, clock, ids, std::move(options)));
  absl::MutexLock write(&engine->write_mu_);
  {
    absl::MutexLock read(&engine->read_mu_);
    // Straight from the store into state, index and timers: nothing is held twice. The index
    // and the timers are fed from Observe, which a store may run on its decoding thread, and
    // the state from Add: the two halves touch disjoint members, so they overlap.
    struct Sink final : EntitySink {
      Engine& e;
      explicit Sink(Engine& engine) : e(engine) {}
      // Open holds both locks while loading (for the decoding thread too: nothing else runs
      // until LoadInto returns); the analysis does not follow them into this local class.
      void Expect(EntityKind kind, std::size_t count) override ABSL_NO_THREAD_SAFETY_ANALYSIS {
        if (kind == EntityKind::kSchedule) e.state_.ReserveSchedules(count);
        if (kind == EntityKind::kPrincipal) e.index_.ReservePrincipals(count);
      }
      void Observe(const Schedule& schedule) override ABSL_NO_THREAD_SAFETY_ANALYSIS {
        e.index_.Add(schedule);
        TimerQueue::ForEachTimerOf(schedule, [this](Timer t) { timers.push_back(std::move(t)); });
      }
      void Observe(const Entity& entity) override ABSL_NO_THREAD_SAFETY_ANALYSIS {
        e.index_.Add(entity);
        TimerQueue::ForEachTimerOf(entity, [this](Timer t) { timers.push_back(std::move(t)); });
      }
      void ObserveEnd() override ABSL_NO_THREAD_SAFETY_ANALYSIS {
        e.timers_.AddAll(std::exchange(timers, {}));
        observed_all = true;
      }
      void WillAdd(const Schedule& schedule) override ABSL_NO_THREAD_SAFETY_ANALYSIS {
        e.state_.Prefetch(schedule);
      }
      void Add(Entity&& entity) override ABSL_NO_THREAD_SAFETY_ANALYSIS {
        e.state_.Put(std::move(entity));
      }
      std::deque<Timer> timers;  // Observe's, until ObserveEnd
      bool observed_all = false;
    } sink(*engine);
    engine->state_.BeginLoad();
    PIM_ASSIGN_OR_RETURN(engine->revision_, store.LoadInto(sink));
    // A store that skipped Observe would leave the index and the timers empty: no access, and
    // nothing would ever expire. Refuse to run on it.
    if (!sink.observed_all) {
      return absl::InternalError("the store did not show every entity to EntitySink::Observe");
    }
    engine->state_.FinishLoad();
    engine->staged_revision_ = engine->revision_;
  }
  engine->PublishRevision(engine->staged_revision_);

  // Seed what every tenant has: the root scope and the built-in roles.
  const absl::Time now = clock.Now();
  ChangeSet seed(engine->WriterState(), now, kSystemActor);
  if (engine->WriterState().FindScope("/") == nullptr) {
    seed.BeginRecord("scope.registered", "tenant root");
    seed.Put(ScopeNode{"/", ScopeKind::kTenant, "", "Tenant root", "/"});
  }
  for (const RoleDefinition& role : BuiltInRoleDefinitions()) {
    if (engine->WriterState().FindRole(role.id.str()) == nullptr) {
      seed.BeginRecord("roleDefinition.created", role.display_name);
      seed.Put(role);
    }
  }
  PIM_RETURN_IF_ERROR(engine->StageLocked(seed, /*enforce_last_admin=*/false));
  PIM_RETURN_IF_ERROR(engine->FlushLocked());
  PIM_RETURN_IF_ERROR(engine->RunDueLocked(now));
  PIM_RETURN_IF_ERROR(engine->FlushLocked());
  return engine;
}

absl::Status Engine::CheckLockOut(ChangeSet& changes, bool enforce_last_admin) {
  // Judged on the state before and after the whole change. "Before" includes the instant just
  // before: a schedule ending now still counted a moment ago.
  const ChangeSet before_now(WriterState(), changes.at(), changes.actor());
  const ChangeSet before_then(WriterState(), changes.at() - absl::Nanoseconds(1), changes.actor());
  // A group's last active owner (Entra refuses to remove one). An ownership that ends on time
  // is never held up, nor is offboarding its owners: the group is left to the administrators,
  // with an alert.
  const internal::OwnersTouched touched = internal::GroupsWithOwnersTouched(changes);
  for (const std::string& group : touched.groups) {
    if (touched.offboarded.contains(group) ||
        !internal::ActiveGroupOwners(changes, group).empty()) {
      continue;
    }
    auto before = internal::ActiveGroupOwners(before_now, group);
    const auto then = internal::ActiveGroupOwners(before_then, group);
    before.insert(then.begin(), then.end());
    if (before.empty()) continue;
    const bool offboarding = std::all_of(before.begin(), before.end(), [&](const std::string& o) {
      return touched.offboarded.contains(o);
    });
    if (enforce_last_admin && !offboarding) {
      return Error(absl::StatusCode::kFailedPrecondition, code::kLastGroupOwner,
                   absl::StrCat("This change would leave group ", group,
                                " without an active owner; add another owner first."));
    }
    changes.BeginRecord("alert.groupWithoutOwner",
                        absl::StrCat("Group ", group, " has no active owner left."));
  }
  if (!internal::TouchesAdministratorRoles(WriterState(), changes)) return absl::OkStatus();
  for (const std::string_view role :
       {role::kGlobalAdministrator, role::kPrivilegedRoleAdministrator}) {
    auto before = internal::ActiveAdminHolders(before_now, role);
    const auto then = internal::ActiveAdminHolders(before_then, role);
    before.holders.insert(then.holders.begin(), then.holders.end());
    before.any_permanent |= then.any_permanent;
    const auto after = internal::ActiveAdminHolders(changes, role);
    const bool is_ga = role == role::kGlobalAdministrator;
    const char* name = is_ga ? "Global Administrator" : "Privileged Role Administrator";
    if (!before.holders.empty() && after.holders.empty()) {
      if (enforce_last_admin) {
        return Error(absl::StatusCode::kFailedPrecondition, code::kLastAdministrator,
                     absl::StrCat("This change would leave no active ", name,
                                  "; assign another one first."));
      }
      changes.BeginRecord(
          is_ga ? "alert.noActiveGlobalAdministrator" : "alert.noActivePrivilegedRoleAdministrator",
          absl::StrCat("No active ", name, " remains."));
    } else if (is_ga && before.any_permanent && !after.any_permanent && !after.holders.empty()) {
      changes.BeginRecord("alert.onlyTimeBoundGlobalAdministrators",
                          "Only time-bound Global Administrators remain; the tenant will be "
                          "without one when the last assignment ends.");
    }
  }
  return absl::OkStatus();
}

absl::Status Engine::StageLocked(ChangeSet& changes, bool enforce_last_admin) {
  if (changes.empty()) return absl::OkStatus();

  PIM_RETURN_IF_ERROR(CheckLockOut(changes, enforce_last_admin));

  std::vector<ChangeRecord> records = changes.TakeRecords(staged_revision_ + 1);
  bool earliest_changed = false;
  {
    absl::MutexLock write(&read_mu_);
    // The committer only advances revision_; forgetting what durable revisions removed happens
    // here, where nobody can be reading the index without read_mu_.
    index_.Publish(revision_);
    const auto earliest = timers_.Earliest();
    for (const ChangeRecord& record : records) {
      for (const Mutation& m : record.mutations) {
        state_.Apply(m);
        index_.Apply(m, record.revision);
        timers_.Apply(m);
      }
    }
    earliest_changed = timers_.Earliest() != earliest;
  }
  staged_revision_ = records.back().revision;
  {
    absl::MutexLock lock(&commit_mu_);
    for (ChangeRecord& record : records) queued_.push_back(std::move(record));
    last_staged_ticket_ = ++queued_ticket_;
  }
  if (earliest_changed) {
    absl::MutexLock lock(&listener_mu_);
    if (timer_listener_) timer_listener_();
  }
  return absl::OkStatus();
}

void Engine::Watch(Waiter& waiter, std::uint64_t ticket) {
  absl::MutexLock lock(&commit_mu_);
  waiter.ticket = ticket;
  if (ticket <= settled_ticket_) {
    waiter.done = true;  // settled while write_mu_ was held, so it succeeded
    return;
  }
  waiters_.push_back(&waiter);
}

absl::Status Engine::AwaitDurable(Waiter& waiter) {
  commit_mu_.Lock();
  while (!waiter.done) {
    if (!committing_ && !queued_.empty()) {
      committing_ = true;
      std::vector<ChangeRecord> batch = std::move(queued_);
      queued_.clear();
      const std::uint64_t last = queued_ticket_;
      commit_mu_.Unlock();
      CommitBatch(std::move(batch), last, /*locked=*/false).IgnoreError();  // settles waiters
      commit_mu_.Lock();
      continue;
    }
    auto can_proceed = [this, &waiter]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(commit_mu_) {
      return waiter.done || (!committing_ && !queued_.empty());
    };
    commit_mu_.Await(absl::Condition(&can_proceed));
  }
  absl::Status status = waiter.status;
  commit_mu_.Unlock();
  return status;
}

absl::Status Engine::FlushLocked() {
  std::vector<ChangeRecord> batch;
  std::uint64_t last = 0;
  {
    absl::MutexLock lock(&commit_mu_);
    if (queued_.empty()) return absl::OkStatus();
    committing_ = true;
    batch = std::move(queued_);
    queued_.clear();
    last = queued_ticket_;
  }
  return CommitBatch(std::move(batch), last, /*locked=*/true);
}

absl::Status Engine::CommitBatch(std::vector<ChangeRecord> batch, std::uint64_t last,
                                 bool locked) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  // (The analysis cannot follow `locked`: write_mu_ is held by the caller or taken below.)
  absl::Status status = store_.Commit(batch);
  if (status.ok()) {
    {
      absl::MutexLock write(&read_mu_);
      revision_ = batch.back().revision;  // readers now see it (the index is versioned)
    }
    PublishRevision(batch.back().revision);
    absl::MutexLock lock(&commit_mu_);
    settled_ticket_ = last;
    std::erase_if(waiters_, [last](Waiter* w) {
      if (w->ticket > last) return false;
      w->done = true;
      return true;
    });
    committing_ = false;
    return status;
  }
  if (locked) {
    AbandonLocked(batch, status);
  } else {
    absl::MutexLock write(&write_mu_);
    AbandonLocked(batch, status);
  }
  return status;
}

void Engine::AbandonLocked(const std::vector<ChangeRecord>& batch, const absl::Status& error) {
  absl::MutexLock lock(&commit_mu_);  // no staging can happen: write_mu_ is held
  std::vector<ChangeRecord> later = std::move(queued_);
  queued_.clear();
  {
    absl::MutexLock write(&read_mu_);
    auto undo = [this](const std::vector<ChangeRecord>& records)
                    ABSL_EXCLUSIVE_LOCKS_REQUIRED(read_mu_) {
                      for (auto r = records.rbegin(); r != records.rend(); ++r) {
                        for (auto m = r->mutations.rbegin(); m != r->mutations.rend(); ++m) {
                          const Mutation inverse{m->kind, m->key, m->after, m->before};
                          state_.Apply(inverse);
                          timers_.Apply(inverse);
                        }
                      }
                    };
    undo(later);
    undo(batch);
    index_.RollBack(revision_);
    staged_revision_ = revision_;
  }
  settled_ticket_ = queued_ticket_;
  for (Waiter* w : waiters_) {
    w->done = true;
    w->status = error;
  }
  waiters_.clear();
  committing_ = false;
  absl::MutexLock listener(&listener_mu_);
  if (timer_listener_) timer_listener_();  // undone timers may be due again
}

void Engine::SetTimerListener(std::function<void()> listener) {
  absl::MutexLock lock(&listener_mu_);
  timer_listener_ = std::move(listener);
}

absl::StatusOr<ScheduleRequest> Engine::Submit(const Caller& caller, const RequestInput& input) {
  return RunCommand<ScheduleRequest>(caller, [&](const internal::Context& ctx, ChangeSet& changes) {
    return internal::PlanRequest(ctx, caller, input, changes);
  });
}

absl::StatusOr<ScheduleRequest> Engine::Decide(const Caller& caller, const RequestId& id,
                                               bool approve, const std::string& justification,
                                               std::optional<std::size_t> stage) {
  return RunCommand<ScheduleRequest>(caller, [&](const internal::Context& ctx, ChangeSet& changes) {
    return internal::PlanDecision(ctx, caller, id, approve, justification, stage, changes);
  });
}

absl::StatusOr<ScheduleRequest> Engine::Cancel(const Caller& caller, const RequestId& id) {
  return RunCommand<ScheduleRequest>(caller, [&](const internal::Context& ctx, ChangeSet& changes) {
    return internal::PlanCancel(ctx, caller, id, changes);
  });
}

absl::Status Engine::RunDue() {
  Waiter waiter;
  absl::Status staged;
  {
    absl::MutexLock lock(&write_mu_);
    const std::uint64_t before = last_staged_ticket_;
    staged = RunDueLocked(clock_.Now());
    Watch(waiter, last_staged_ticket_ != before ? last_staged_ticket_ : 0);
  }
  absl::Status durable = AwaitDurable(waiter);
  return staged.ok() ? durable : staged;
}

absl::Status Engine::RunDueLocked(absl::Time now) {
  while (true) {
    std::optional<Timer> next;
    {
      absl::ReaderMutexLock read(&read_mu_);
      next = timers_.Earliest();
    }
    if (!next || next->due > now) return absl::OkStatus();
    PIM_RETURN_IF_ERROR(FireTimer(*next));
  }
}

absl::Status Engine::FireTimer(const Timer& timer) {
  ChangeSet changes(WriterState(), timer.due, kSystemActor);
  const bool about_request = timer.kind == TimerKind::kApprovalTimeout ||
                             timer.kind == TimerKind::kPurgeCanceledRequest ||
                             timer.kind == TimerKind::kApprovalEscalation;
  if (const Schedule* found =
          about_request ? nullptr : WriterState().FindSchedule(timer.key.str())) {
    Schedule s = *found;
    s.modified = timer.due;
    switch (timer.kind) {
      case TimerKind::kScheduleStart: {
        s.state = ScheduleState::kActive;
        s.expiry_notices_sent = ExpiryNoticesAlreadyDue(s, timer.due);
        changes.BeginRecord("schedule.started", Describe(s));
        changes.Put(s);
        if (const ScheduleRequest* r = WriterState().FindRequest(s.created_using.str());
            r != nullptr && r->status == RequestStatus::kGranted) {
          ScheduleRequest provisioned = *r;
          provisioned.status = RequestStatus::kProvisioned;
          changes.Put(std::move(provisioned));
        }
        break;
      }
      case TimerKind::kScheduleEnd:
        changes.BeginRecord("schedule.expired", Describe(s));
        if (s.kind == ScheduleKind::kAssignment &&
            s.assignment_type == AssignmentType::kActivated) {
          changes.Erase(EntityKind::kSchedule, s.id.str());  // activations are not renewable
        } else {
          s.state = ScheduleState::kExpired;
          changes.Put(s);
        }
        break;
      case TimerKind::kExpiryNotice:
        changes.BeginRecord(
            "schedule.expiryNotice",
            absl::StrCat(Describe(s), s.expiry_notices_sent == 0 ? " ends within 14 days"
                                                                 : " ends within 1 day"));
        ++s.expiry_notices_sent;
        changes.Put(s);
        break;
      case TimerKind::kPurgeExpired:
        changes.BeginRecord("schedule.purged", Describe(s));
        changes.Erase(EntityKind::kSchedule, s.id.str());
        break;
      case TimerKind::kApprovalTimeout:
      case TimerKind::kPurgeCanceledRequest:
      case TimerKind::kApprovalEscalation:
        break;
    }
  } else if (const ScheduleRequest* canceled =
                 about_request ? WriterState().FindRequest(timer.key.str()) : nullptr;
             canceled != nullptr && timer.kind == TimerKind::kPurgeCanceledRequest &&
             canceled->status == RequestStatus::kCanceled) {
    changes.BeginRecord("request.purged",
                        absl::StrCat("canceled request ", canceled->id.str(), " purged"));
    changes.Erase(EntityKind::kRequest, canceled->id.str());
  } else if (const ScheduleRequest* pending =
                 about_request ? WriterState().FindRequest(timer.key.str()) : nullptr;
             pending != nullptr && timer.kind == TimerKind::kApprovalEscalation &&
             pending->status == RequestStatus::kPendingApproval && pending->approval) {
    // Stages in progress whose escalation time has come: their escalation approvers may now
    // decide them too.
    ScheduleRequest r = *pending;
    bool escalated = false;
    for (auto& stage : r.approval->stages) {
      if (stage.status == StageStatus::kInProgress && stage.started && stage.escalation &&
          !stage.escalation->escalated && *stage.started + stage.escalation->after <= timer.due) {
        stage.escalation->escalated = true;
        escalated = true;
      }
    }
    if (escalated) {
      changes.BeginRecord(
          "request.approvalEscalated",
          absl::StrCat("request ", r.id.str(),
                       " was not decided in time; escalation approvers may decide"));
      changes.Put(std::move(r));
    }
  } else if (const ScheduleRequest* found_request =
                 about_request ? WriterState().FindRequest(timer.key.str()) : nullptr;
             found_request != nullptr && timer.kind == TimerKind::kApprovalTimeout) {
    ScheduleRequest r = *found_request;
    for (auto& stage : r.approval->stages) {
      if (stage.status == StageStatus::kInProgress) stage.status = StageStatus::kExpired;
    }
    r.status = RequestStatus::kTimedOut;
    r.completed = timer.due;
    changes.BeginRecord("request.timedOut",
                        absl::StrCat("request ", r.id.str(), " was not decided in time"));
    changes.Put(std::move(r));
  }
  if (changes.empty()) {
    // A timer whose entity no longer implies it: drop it so the loop makes progress.
    absl::MutexLock write(&read_mu_);
    timers_.Erase(timer);
    return absl::OkStatus();
  }
  return StageLocked(changes, /*enforce_last_admin=*/false);
}

std::optional<absl::Time> Engine::NextDue() const {
  absl::ReaderMutexLock read(&read_mu_);
  if (auto t = timers_.Earliest()) return t->due;
  return std::nullopt;
}

CheckAnswer Engine::Check(std::string_view principal, const Target& target) const {
  const absl::Time now = clock_.Now();
  absl::ReaderMutexLock read(&read_mu_);
  auto r = index_.Check(principal, target, now, revision_);
  return CheckAnswer{r.allowed, std::move(r.granted_by), std::move(r.via_group), r.until,
                     revision_};
}

std::vector<CheckAnswer> Engine::CheckAll(std::span<const CheckQuery> queries) const {
  std::vector<CheckAnswer> answers;
  answers.reserve(queries.size());
  const absl::Time now = clock_.Now();
  absl::ReaderMutexLock read(&read_mu_);
  const AccessIndex::View index = index_.AsOf(revision_);
  for (const CheckQuery& q : queries) {
    auto r = index.Check(q.principal, *q.target, now);
    answers.push_back(CheckAnswer{r.allowed, std::move(r.granted_by), std::move(r.via_group),
                                  r.until, revision_});
  }
  return answers;
}

std::vector<AccessIndex::EffectiveGrant> Engine::GrantsOf(std::string_view principal) const {
  const absl::Time now = clock_.Now();
  absl::ReaderMutexLock read(&read_mu_);
  return index_.GrantsOf(principal, now, revision_);
}

std::vector<std::string> Engine::HoldersOf(const Target& target) const {
  const absl::Time now = clock_.Now();
  absl::ReaderMutexLock read(&read_mu_);
  return index_.HoldersOf(target, now, revision_);
}

Revision Engine::revision() const {
  absl::ReaderMutexLock read(&read_mu_);
  return revision_;
}

void Engine::PublishRevision(Revision revision) {
  absl::MutexLock lock(&published_mu_);
  published_revision_ = std::max(published_revision_, revision);
}

Revision Engine::AwaitRevision(Revision revision, absl::Duration timeout) const {
  absl::MutexLock lock(&published_mu_);
  auto reached = [this, revision]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(published_mu_) {
    return published_revision_ >= revision;
  };
  published_mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  return published_revision_;
}

std::optional<ScheduleRequest> Engine::GetRequest(const RequestId& id) const {
  absl::ReaderMutexLock read(&read_mu_);
  if (const auto* r = state_.FindRequest(id.str())) return *r;
  return std::nullopt;
}

std::optional<Schedule> Engine::GetSchedule(const ScheduleId& id) const {
  absl::ReaderMutexLock read(&read_mu_);
  if (const auto* s = state_.FindSchedule(id.str())) return *s;
  return std::nullopt;
}

std::vector<Schedule> Engine::SchedulesOf(const PrincipalId& principal) const {
  absl::ReaderMutexLock read(&read_mu_);
  std::vector<Schedule> out;
  for (const Schedule* s : state_.SchedulesOfPrincipal(principal.str())) out.push_back(*s);
  return out;
}

std::vector<ScheduleRequest> Engine::RequestsOf(const PrincipalId& principal) const {
  absl::ReaderMutexLock read(&read_mu_);
  std::vector<ScheduleRequest> out;
  for (const auto& id : state_.RequestsOfPrincipal(principal.str())) {
    out.push_back(*state_.FindRequest(id));
  }
  return out;
}

Policy Engine::EffectivePolicy(const Target& target) const {
  absl::ReaderMutexLock read(&read_mu_);
  return internal::EffectivePolicy(state_, options_, target);
}

PolicyId Engine::PolicyIdFor(const Target& target) const {
  return internal::PolicyIdFor(options_, target);
}

bool Engine::IsCurrentApprover(const PrincipalId& who, const RequestId& id) const {
  absl::ReaderMutexLock read(&read_mu_);
  const ScheduleRequest* request = state_.FindRequest(id.str());
  if (request == nullptr) return false;
  const internal::Context ctx{state_, index_.AsOf(revision_), options_, ids_, clock_.Now()};
  return internal::IsCurrentApprover(ctx, *request, who);
}

bool Engine::CanManage(const Caller& caller, const Target& target) const {
  absl::ReaderMutexLock read(&read_mu_);
  const internal::Context ctx{state_, index_.AsOf(revision_), options_, ids_, clock_.Now()};
  return internal::CanManage(ctx, caller, target);
}

bool Engine::MayReadAll(const Caller& caller) const {
  absl::ReaderMutexLock read(&read_mu_);
  const internal::Context ctx{state_, index_.AsOf(revision_), options_, ids_, clock_.Now()};
  return internal::MayReadAll(ctx, caller);
}

bool Engine::MayReadAudit(const Caller& caller) const { return MayReadAll(caller); }

bool Engine::MaySee(const Caller& caller, const ScheduleRequest& request) const {
  bool visible = false;
  ReadAs(caller, [&](const State&, const Visibility& v) { visible = v.MaySee(request); });
  return visible;
}

bool Engine::MaySee(const Caller& caller, const Schedule& schedule) const {
  bool visible = false;
  ReadAs(caller, [&](const State&, const Visibility& v) { visible = v.MaySee(schedule); });
  return visible;
}

bool Engine::MaySeeApproval(const Caller& caller, const ScheduleRequest& request) const {
  bool visible = false;
  ReadAs(caller, [&](const State&, const Visibility& v) { visible = v.MaySeeApproval(request); });
  return visible;
}

void Engine::Read(const std::function<void(const State&)>& fn) const {
  absl::ReaderMutexLock read(&read_mu_);
  fn(state_);
}

std::vector<Target> Engine::PoliciesReadableBy(const Caller& caller,
                                               std::vector<Target> targets) const {
  ReadAs(caller, [&](const State&, const Visibility& v) {
    std::erase_if(targets, [&](const Target& t) { return !v.MayReadPolicy(t); });
  });
  return targets;
}

bool Engine::MayReadPolicy(const Caller& caller, const Target& target) const {
  bool allowed = false;
  ReadAs(caller, [&](const State&, const Visibility& v) { allowed = v.MayReadPolicy(target); });
  return allowed;
}

void Engine::ReadAs(const Caller& caller,
                    const std::function<void(const State&, const Visibility&)>& fn) const {
  absl::ReaderMutexLock read(&read_mu_);
  const Visibility visibility(state_, index_.AsOf(revision_), options_, ids_, clock_.Now(), caller);
  fn(state_, visibility);
}

}  // namespace pim
