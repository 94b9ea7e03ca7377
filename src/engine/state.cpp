#include "pim/engine/state.h"

#include <algorithm>
#include <type_traits>

namespace pim {
namespace {

template <typename Map>
const typename Map::mapped_type* FindIn(const Map& map, const typename Map::key_type& key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

}  // namespace

template <typename Index>
void State::Link(Index& index, const typename Index::key_type& bucket,
                 typename Index::mapped_type::value_type value) {
  index[bucket].insert(std::move(value));
}

template <typename Index>
void State::Unlink(Index& index, const typename Index::key_type& bucket,
                   const typename Index::mapped_type::value_type& value) {
  auto it = index.find(bucket);
  if (it == index.end()) return;
  it->second.erase(value);
  if (it->second.empty()) index.erase(it);
}

template <typename Index>
const typename Index::mapped_type& State::Bucket(const Index& index,
                                                 const typename Index::key_type& bucket) {
  static const typename Index::mapped_type kEmpty;
  auto it = index.find(bucket);
  return it == index.end() ? kEmpty : it->second;
}

void State::BeginLoad() { loading_ = true; }

void State::ReserveSchedules(std::size_t schedules) {
  schedules_.reserve(schedules_.size() + schedules);
  if (loading_) loaded_.reserve(loaded_.size() + schedules);
}

void State::FinishLoad() {
  LinkLoaded();
  loaded_.shrink_to_fit();
  loading_ = false;
}

void State::LinkLoaded() {
  if (loaded_.empty()) return;
  // In hash order, consecutive inserts land next to each other in the map; a run of equal
  // hashes is (nearly always) one principal, so its length sizes that principal's set.
  std::sort(loaded_.begin(), loaded_.end());
  std::size_t runs = 0;
  for (std::size_t i = 0; i < loaded_.size(); ++i) {
    runs += (i == 0 || loaded_[i].first != loaded_[i - 1].first) ? 1 : 0;
  }
  schedules_by_principal_.reserve(schedules_by_principal_.size() + runs);
  constexpr std::size_t kAhead = 16;  // schedules whose principal is requested in advance
  for (std::size_t begin = 0; begin < loaded_.size();) {
    std::size_t end = begin + 1;
    while (end < loaded_.size() && loaded_[end].first == loaded_[begin].first) ++end;
    for (std::size_t i = begin; i < end; ++i) {
      if (i + kAhead < loaded_.size()) __builtin_prefetch(&loaded_[i + kAhead].second->principal);
      const Schedule* s = loaded_[i].second;
      ScheduleSet& set = schedules_by_principal_[s->principal];
      if (set.empty()) set.reserve(end - begin);
      set.insert(s);
    }
    begin = end;
  }
  loaded_.clear();
}

void State::PutSchedule(Schedule schedule) {
  // A stored version is unlinked and erased first, so no index points at a freed node.
  EraseSchedule(schedule.id);
  const Schedule& stored = *schedules_.insert(std::move(schedule)).first;
  if (loading_) {
    loaded_.emplace_back(schedules_by_principal_.hash_function()(stored.principal), &stored);
  } else {
    Link(schedules_by_principal_, stored.principal, &stored);
  }
  Link(schedules_by_object_, TargetObject(stored.target), &stored);
  if (stored.activated_using) Link(activations_by_basis_, *stored.activated_using, &stored);
}

void State::EraseSchedule(const ScheduleId& id) {
  if (const auto it = schedules_.find(id); it != schedules_.end()) EraseSchedule(it);
}

void State::EraseSchedule(Schedules::iterator it) {
  LinkLoaded();  // a schedule stored twice in one load (never from a store): file it first
  const Schedule* s = &*it;
  Unlink(schedules_by_principal_, s->principal, s);
  Unlink(schedules_by_object_, TargetObject(s->target), s);
  if (s->activated_using) Unlink(activations_by_basis_, *s->activated_using, s);
  schedules_.erase(it);
}

void State::Apply(const Mutation& mutation) {
  if (mutation.after) {
    Put(*mutation.after);
  } else {
    Erase(mutation.kind, mutation.key);
  }
}

void State::Put(const Entity& entity) {
  const std::string key = KeyOf(entity);
  Erase(KindOf(entity), key);  // drop secondary-index links of the old version
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, Principal>) {
          principals_[key] = e;
        } else if constexpr (std::is_same_v<T, DirectMembership>) {
          const DirectMembership& stored = memberships_[key] = e;
          Link(memberships_by_principal_, stored.principal, &stored);
          Link(memberships_by_group_, stored.group, &stored);
        } else if constexpr (std::is_same_v<T, ScopeNode>) {
          scopes_[key] = e;
        } else if constexpr (std::is_same_v<T, RoleDefinition>) {
          roles_[key] = e;
        } else if constexpr (std::is_same_v<T, Schedule>) {
          PutSchedule(e);
        } else if constexpr (std::is_same_v<T, ScheduleRequest>) {
          requests_[e.id] = e;
          Link(requests_by_principal_, e.principal.str(), key);
          if (e.status == RequestStatus::kPendingApproval) {
            Link(pending_requests_by_principal_, e.principal.str(), key);
          }
        } else if constexpr (std::is_same_v<T, Policy>) {
          policies_[key] = e;
        }
      },
      entity);
}

void State::Put(Entity&& entity) {
  if (auto* schedule = std::get_if<Schedule>(&entity)) {
    PutSchedule(std::move(*schedule));
    return;
  }
  Put(static_cast<const Entity&>(entity));
}

void State::Erase(EntityKind kind, const std::string& key) {
  switch (kind) {
    case EntityKind::kPrincipal:
      principals_.erase(key);
      return;
    case EntityKind::kMembership:
      if (auto it = memberships_.find(key); it != memberships_.end()) {
        Unlink(memberships_by_principal_, it->second.principal, &it->second);
        Unlink(memberships_by_group_, it->second.group, &it->second);
        memberships_.erase(it);
      }
      return;
    case EntityKind::kScope:
      scopes_.erase(key);
      return;
    case EntityKind::kRoleDefinition:
      roles_.erase(key);
      return;
    case EntityKind::kSchedule:
      EraseSchedule(ScheduleId(key));
      return;
    case EntityKind::kRequest:
      if (auto it = requests_.find(RequestId(key)); it != requests_.end()) {
        Unlink(requests_by_principal_, it->second.principal.str(), key);
        Unlink(pending_requests_by_principal_, it->second.principal.str(), key);
        requests_.erase(it);
      }
      return;
    case EntityKind::kPolicy:
      policies_.erase(key);
      return;
  }
}

const Principal* State::FindPrincipal(const std::string& id) const {
  return FindIn(principals_, id);
}
const DirectMembership* State::FindMembership(const std::string& key) const {
  return FindIn(memberships_, key);
}
const ScopeNode* State::FindScope(const std::string& path) const { return FindIn(scopes_, path); }
const RoleDefinition* State::FindRole(const std::string& id) const { return FindIn(roles_, id); }
const Schedule* State::FindSchedule(const std::string& id) const {
  auto it = schedules_.find(ScheduleId(id));
  return it == schedules_.end() ? nullptr : &*it;
}
const ScheduleRequest* State::FindRequest(const std::string& id) const {
  return FindIn(requests_, RequestId(id));
}
const Policy* State::FindPolicy(const std::string& id) const { return FindIn(policies_, id); }

const State::MembershipSet& State::MembershipsOfPrincipal(const std::string& principal) const {
  return Bucket(memberships_by_principal_, PrincipalId(principal));
}
const State::MembershipSet& State::MembershipsOfGroup(const std::string& group) const {
  return Bucket(memberships_by_group_, PrincipalId(group));
}
const State::ScheduleSet& State::SchedulesOfPrincipal(const std::string& principal) const {
  return Bucket(schedules_by_principal_, PrincipalId(principal));
}
const State::ScheduleSet& State::SchedulesOfObject(const Target& target) const {
  return SchedulesOfObject(TargetObject(target));
}
const State::ScheduleSet& State::SchedulesOfObject(const TargetObject& object) const {
  return Bucket(schedules_by_object_, object);
}
const State::ScheduleSet& State::ActivationsOf(const std::string& eligibility_id) const {
  return Bucket(activations_by_basis_, ScheduleId(eligibility_id));
}
const absl::flat_hash_set<std::string>& State::PendingRequestsOfPrincipal(
    const std::string& principal) const {
  return Bucket(pending_requests_by_principal_, principal);
}
const absl::flat_hash_set<std::string>& State::RequestsOfPrincipal(
    const std::string& principal) const {
  return Bucket(requests_by_principal_, principal);
}

bool State::ScopeWithin(const std::string& inner, const std::string& outer) const {
  std::string current = inner;
  for (int depth = 0; depth < 64; ++depth) {  // registered trees are shallow; bound any cycle
    if (current == outer) return true;
    const ScopeNode* node = FindScope(current);
    if (node == nullptr || node->parent.empty()) return false;
    current = node->parent;
  }
  return false;
}

}  // namespace pim
