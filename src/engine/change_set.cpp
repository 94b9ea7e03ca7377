#include "pim/engine/change_set.h"

#include "pim/domain/status.h"

namespace pim {

void ChangeSet::BeginRecord(std::string event, std::string detail) {
  ChangeRecord record;
  record.at = at_;
  record.actor = actor_;
  record.event = std::move(event);
  record.detail = std::move(detail);
  record.correlation_id = correlation_id_;
  record.client_address = client_address_;
  records_.push_back(std::move(record));
}

const std::optional<Entity>* ChangeSet::Staged(EntityKind kind, const std::string& key) const {
  auto it = staged_.find(Key{kind, key});
  return it == staged_.end() ? nullptr : &it->second;
}

template <typename T>
const T* ChangeSet::Find(EntityKind kind, const std::string& key, const T* from_state) const {
  if (const auto* staged = Staged(kind, key)) {
    return staged->has_value() ? &std::get<T>(**staged) : nullptr;
  }
  return from_state;
}

std::optional<Entity> ChangeSet::Current(EntityKind kind, const std::string& key) const {
  if (const auto* staged = Staged(kind, key)) return *staged;
  switch (kind) {
    case EntityKind::kPrincipal:
      if (const auto* e = state_.FindPrincipal(key)) return Entity(*e);
      break;
    case EntityKind::kMembership:
      if (const auto* e = state_.FindMembership(key)) return Entity(*e);
      break;
    case EntityKind::kScope:
      if (const auto* e = state_.FindScope(key)) return Entity(*e);
      break;
    case EntityKind::kRoleDefinition:
      if (const auto* e = state_.FindRole(key)) return Entity(*e);
      break;
    case EntityKind::kSchedule:
      if (const auto* e = state_.FindSchedule(key)) return Entity(*e);
      break;
    case EntityKind::kRequest:
      if (const auto* e = state_.FindRequest(key)) return Entity(*e);
      break;
    case EntityKind::kPolicy:
      if (const auto* e = state_.FindPolicy(key)) return Entity(*e);
      break;
  }
  return std::nullopt;
}

void ChangeSet::Put(Entity entity) {
  if (records_.empty()) BeginRecord("change", "");
  Mutation m;
  m.kind = KindOf(entity);
  m.key = KeyOf(entity);
  m.before = Current(m.kind, m.key);
  m.after = entity;
  staged_[Key{m.kind, m.key}] = std::move(entity);
  records_.back().mutations.push_back(std::move(m));
}

void ChangeSet::Erase(EntityKind kind, const std::string& key) {
  auto before = Current(kind, key);
  if (!before) return;
  if (records_.empty()) BeginRecord("change", "");
  Mutation m;
  m.kind = kind;
  m.key = key;
  m.before = std::move(before);
  staged_[Key{kind, key}] = std::nullopt;
  records_.back().mutations.push_back(std::move(m));
}

const Principal* ChangeSet::FindPrincipal(const std::string& id) const {
  return Find<Principal>(EntityKind::kPrincipal, id, state_.FindPrincipal(id));
}
const Schedule* ChangeSet::FindSchedule(const std::string& id) const {
  return Find<Schedule>(EntityKind::kSchedule, id, state_.FindSchedule(id));
}
const ScheduleRequest* ChangeSet::FindRequest(const std::string& id) const {
  return Find<ScheduleRequest>(EntityKind::kRequest, id, state_.FindRequest(id));
}
const DirectMembership* ChangeSet::FindMembership(const std::string& key) const {
  return Find<DirectMembership>(EntityKind::kMembership, key, state_.FindMembership(key));
}

std::vector<const Schedule*> ChangeSet::SchedulesOfObject(const Target& target) const {
  std::vector<const Schedule*> out;
  const TargetObject object(target);
  for (const Schedule* s : state_.SchedulesOfObject(object)) {
    if (Staged(EntityKind::kSchedule, s->id.str()) == nullptr) out.push_back(s);
  }
  for (const auto& [key, value] : staged_) {
    if (key.first != EntityKind::kSchedule || !value) continue;
    const auto& s = std::get<Schedule>(*value);
    if (TargetObject(s.target) == object) out.push_back(&s);
  }
  return out;
}

std::vector<const Schedule*> ChangeSet::SchedulesOfPrincipal(const std::string& principal) const {
  std::vector<const Schedule*> out;
  for (const Schedule* s : state_.SchedulesOfPrincipal(principal)) {
    if (Staged(EntityKind::kSchedule, s->id.str()) == nullptr) out.push_back(s);
  }
  for (const auto& [key, value] : staged_) {
    if (key.first != EntityKind::kSchedule || !value) continue;
    const auto& s = std::get<Schedule>(*value);
    if (s.principal.str() == principal) out.push_back(&s);
  }
  return out;
}

std::vector<const Schedule*> ChangeSet::ActivationsOf(const std::string& eligibility_id) const {
  std::vector<const Schedule*> out;
  for (const Schedule* s : state_.ActivationsOf(eligibility_id)) {
    if (Staged(EntityKind::kSchedule, s->id.str()) == nullptr) out.push_back(s);
  }
  for (const auto& [key, value] : staged_) {
    if (key.first != EntityKind::kSchedule || !value) continue;
    const auto& s = std::get<Schedule>(*value);
    if (s.activated_using && s.activated_using->str() == eligibility_id) out.push_back(&s);
  }
  return out;
}

std::vector<const DirectMembership*> ChangeSet::MembershipsOfGroup(const std::string& group) const {
  std::vector<const DirectMembership*> out;
  for (const DirectMembership* m : state_.MembershipsOfGroup(group)) {
    if (Staged(EntityKind::kMembership, m->Key()) == nullptr) out.push_back(m);
  }
  for (const auto& [key, value] : staged_) {
    if (key.first != EntityKind::kMembership || !value) continue;
    const auto& m = std::get<DirectMembership>(*value);
    if (m.group.str() == group) out.push_back(&m);
  }
  return out;
}

std::vector<ChangeRecord> ChangeSet::TakeRecords(Revision first_revision) {
  Revision next = first_revision;
  for (auto& record : records_) record.revision = next++;
  staged_.clear();
  return std::move(records_);
}

}  // namespace pim
