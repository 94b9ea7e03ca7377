// Who may read which schedule requests, schedules (and their instances) and approvals: the one
// rule every read of the API surfaces applies — lists, GET by id, filterByCurrentUser views and
// `$expand`ed relations alike. An item a caller may not see is, to that caller, missing.
//
// The rule, for a caller C:
//   - the system caller, and tenant-wide readers (an active Global Administrator, Privileged
//     Role Administrator, Security Administrator, Security Reader or Global Reader at "/"),
//     see everything (MayReadAll);
//   - an administrator of an item's target (Engine::CanManage) sees everything about that
//     target; for a resource role, so does any holder of a resource role at or above its scope
//     (Azure grants `*/read` with every built-in role, Reader included);
//   - C sees the requests whose principal C is or that C created, and the schedules whose
//     principal C is or is a group C is an active member of (they grant C access through it);
//   - an approver sees a pending request only while they may decide its current stage
//     (IsCurrentApprover);
//   - approvals (the decision record of a request) are seen by tenant-wide readers, target
//     administrators and current approvers, never by the request's own principal or requester.
//
// A Visibility is a view for one caller over one consistent state: obtain it from
// Engine::ReadAs, use it only inside that call and on that thread. Not thread-safe (it caches
// per-target answers).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/time/time.h"
#include "pim/engine/access_index.h"
#include "pim/engine/caller.h"
#include "pim/engine/id_generator.h"
#include "pim/engine/state.h"

namespace pim {

struct EngineOptions;

class Visibility {
 public:
  Visibility(const Visibility&) = delete;
  Visibility& operator=(const Visibility&) = delete;

  [[nodiscard]] const Caller& caller() const { return caller_; }
  // Whether the caller may read every request, schedule and approval (see above).
  [[nodiscard]] bool MayReadAll() const;
  // Whether the caller may read every request and schedule about `target`: MayReadAll, an
  // administrator of the target, or (resource roles) a holder of a role at or above its scope.
  [[nodiscard]] bool MayReadTarget(const Target& target) const;
  // Whether the caller may read the policy of `target`: MayReadTarget, or the caller holds it
  // now or is eligible for it (directly or through a group, at or above its scope) and so needs
  // its rules to activate, extend or renew.
  [[nodiscard]] bool MayReadPolicy(const Target& target) const;
  // Whether the caller may decide a stage of `request` that is in progress now (false when it
  // is not pending or the caller is its requester).
  [[nodiscard]] bool IsCurrentApprover(const ScheduleRequest& request) const;
  // Per stage of `request`'s approval: whether the caller may decide it now, as above (several
  // stages are in progress at once when they run in parallel).
  [[nodiscard]] std::vector<bool> StagesToDecide(const ScheduleRequest& request) const;

  // Whether the request was put before the caller: they may decide one of its stages (as
  // designated now, whatever its status) or decided one. Not a right to read it; it lets a
  // late decision be told "already decided" rather than "not found".
  [[nodiscard]] bool WasAskedToDecide(const ScheduleRequest& request) const;

  [[nodiscard]] bool MaySee(const ScheduleRequest& request) const;
  // Schedules and their instances alike.
  [[nodiscard]] bool MaySee(const Schedule& schedule) const;
  // The approval of `request` (false when it has none): for target administrators, tenant-wide
  // readers and the approvers asked to decide it (also once decided); never for its requester.
  [[nodiscard]] bool MaySeeApproval(const ScheduleRequest& request) const;

 private:
  friend class Engine;
  // All references must outlive the view; the engine's reader lock must be held throughout.
  Visibility(const State& state, AccessIndex::View index, const EngineOptions& options,
             IdGenerator& ids, absl::Time now, const Caller& caller);

  [[nodiscard]] bool IsSelf(const PrincipalId& id) const;
  [[nodiscard]] bool IsActiveMemberOf(const std::string& group) const;

  const State& state_;
  const AccessIndex::View index_;
  const EngineOptions& options_;
  IdGenerator& ids_;
  const absl::Time now_;
  const Caller& caller_;

  // Lazily computed answers that do not change within the view.
  mutable std::optional<bool> may_read_all_;
  mutable absl::flat_hash_map<std::string, bool> may_read_target_;  // by Target::Key()
  mutable std::optional<absl::flat_hash_set<std::string>> groups_;  // active memberships
  mutable std::optional<std::vector<std::string>> resource_role_scopes_;
};

}  // namespace pim
