// The engine's in-memory copy of everything the store holds, with the lookups commands need.
// Built from StoreContents at start-up and advanced by committed change records only.
// Thread-compatible: the engine guards it (one writer, many readers).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_map.h"
#include "absl/container/node_hash_set.h"
#include "absl/hash/hash.h"
#include "pim/domain/change.h"

namespace pim {

class State {
 public:
  // Schedules keyed by their own id, so the id is not stored twice.
  struct ScheduleIdHash {
    using is_transparent = void;
    std::size_t operator()(const ScheduleId& id) const { return absl::Hash<ScheduleId>()(id); }
    std::size_t operator()(const Schedule& s) const { return (*this)(s.id); }
  };
  struct ScheduleIdEq {
    using is_transparent = void;
    static const ScheduleId& IdOf(const ScheduleId& id) { return id; }
    static const ScheduleId& IdOf(const Schedule& s) { return s.id; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return IdOf(a) == IdOf(b);
    }
  };
  using Schedules = absl::node_hash_set<Schedule, ScheduleIdHash, ScheduleIdEq>;
  using ScheduleSet = absl::flat_hash_set<const Schedule*>;
  using MembershipSet = absl::flat_hash_set<const DirectMembership*>;

  // Start-up: Put files the schedules under their principals in one pass at FinishLoad
  // instead of one at a time. Filing a million schedules one by one, each a hash insert into
  // its principal's growing set at a random place in memory, was a third of the loading
  // thread's time; FinishLoad sorts them by the principal's hash and sizes each set once.
  // Only Put and Erase may be called in between, and SchedulesOfPrincipal is not up to date
  // until FinishLoad.
  void BeginLoad();
  void FinishLoad();
  // Prepares for `schedules` more schedules (a hint, at start-up).
  void ReserveSchedules(std::size_t schedules);
  // Starts loading the memory that storing `schedule` will touch (a hint; changes nothing).
  void Prefetch(const Schedule& schedule) const { schedules_.prefetch(schedule.id); }
  // Applies one mutation's `after` (upsert) or deletion.
  void Apply(const Mutation& mutation);
  void Put(const Entity& entity);
  void Put(Entity&& entity);
  void Erase(EntityKind kind, const std::string& key);

  [[nodiscard]] const Principal* FindPrincipal(const std::string& id) const;
  [[nodiscard]] const DirectMembership* FindMembership(const std::string& key) const;
  [[nodiscard]] const ScopeNode* FindScope(const std::string& path) const;
  [[nodiscard]] const RoleDefinition* FindRole(const std::string& id) const;
  [[nodiscard]] const Schedule* FindSchedule(const std::string& id) const;
  [[nodiscard]] const ScheduleRequest* FindRequest(const std::string& id) const;
  [[nodiscard]] const Policy* FindPolicy(const std::string& id) const;

  // Direct memberships where `principal` is the member/owner, or `group` is the group. Pointers
  // stay valid until that membership changes.
  [[nodiscard]] const MembershipSet& MembershipsOfPrincipal(const std::string& principal) const;
  [[nodiscard]] const MembershipSet& MembershipsOfGroup(const std::string& group) const;
  // The schedules of `principal`; those for a target object key; the activations whose
  // basis is eligibility `eligibility_id`. Pointers stay valid until that schedule changes.
  [[nodiscard]] const ScheduleSet& SchedulesOfPrincipal(const std::string& principal) const;
  // Schedules of `target`'s object (or of `object`), at any scope.
  [[nodiscard]] const ScheduleSet& SchedulesOfObject(const Target& target) const;
  [[nodiscard]] const ScheduleSet& SchedulesOfObject(const TargetObject& object) const;
  [[nodiscard]] const ScheduleSet& ActivationsOf(const std::string& eligibility_id) const;
  // Ids of requests whose principal is `principal`.
  // Ids of `principal`'s requests that are pending approval (a small set, unlike all of its
  // requests, which only grow).
  [[nodiscard]] const absl::flat_hash_set<std::string>& PendingRequestsOfPrincipal(
      const std::string& principal) const;
  [[nodiscard]] const absl::flat_hash_set<std::string>& RequestsOfPrincipal(
      const std::string& principal) const;

  // True when `inner` is `outer` or lies below it in the registered scope tree.
  [[nodiscard]] bool ScopeWithin(const std::string& inner, const std::string& outer) const;

  [[nodiscard]] const absl::flat_hash_map<std::string, Principal>& principals() const {
    return principals_;
  }
  [[nodiscard]] const absl::flat_hash_map<std::string, ScopeNode>& scopes() const {
    return scopes_;
  }
  [[nodiscard]] const absl::flat_hash_map<std::string, RoleDefinition>& roles() const {
    return roles_;
  }
  [[nodiscard]] const Schedules& schedules() const { return schedules_; }
  [[nodiscard]] const absl::node_hash_map<RequestId, ScheduleRequest>& requests() const {
    return requests_;
  }
  [[nodiscard]] const absl::flat_hash_map<std::string, Policy>& policies() const {
    return policies_;
  }
  [[nodiscard]] const absl::node_hash_map<std::string, DirectMembership>& memberships() const {
    return memberships_;
  }

 private:
  using KeySet = absl::flat_hash_set<std::string>;
  template <typename Index>
  static void Link(Index& index, const typename Index::key_type& bucket,
                   typename Index::mapped_type::value_type value);
  template <typename Index>
  static void Unlink(Index& index, const typename Index::key_type& bucket,
                     const typename Index::mapped_type::value_type& value);
  template <typename Index>
  static const typename Index::mapped_type& Bucket(const Index& index,
                                                   const typename Index::key_type& bucket);
  void PutSchedule(Schedule schedule);
  // Files the schedules Put since BeginLoad under their principals.
  void LinkLoaded();
  void EraseSchedule(const ScheduleId& id);
  void EraseSchedule(Schedules::iterator it);

  absl::flat_hash_map<std::string, Principal> principals_;
  absl::node_hash_map<std::string, DirectMembership> memberships_;
  absl::flat_hash_map<std::string, ScopeNode> scopes_;
  absl::flat_hash_map<std::string, RoleDefinition> roles_;
  // Node containers: entries never move, so the secondary indexes can point at them.
  Schedules schedules_;
  absl::node_hash_map<RequestId, ScheduleRequest> requests_;
  absl::flat_hash_map<std::string, Policy> policies_;

  absl::flat_hash_map<PrincipalId, MembershipSet> memberships_by_principal_;
  absl::flat_hash_map<PrincipalId, MembershipSet> memberships_by_group_;
  absl::flat_hash_map<PrincipalId, ScheduleSet> schedules_by_principal_;
  // Between BeginLoad and FinishLoad: schedules not yet in schedules_by_principal_, with the
  // hash of their principal there.
  bool loading_ = false;
  std::vector<std::pair<std::size_t, const Schedule*>> loaded_;
  absl::flat_hash_map<TargetObject, ScheduleSet> schedules_by_object_;
  absl::flat_hash_map<ScheduleId, ScheduleSet> activations_by_basis_;
  absl::flat_hash_map<std::string, KeySet> requests_by_principal_;
  absl::flat_hash_map<std::string, KeySet> pending_requests_by_principal_;
};

}  // namespace pim
