// AccessIndex against a plain model, through random sequences of staged mutations, publishes
// and rollbacks: after every step, every principal × target check, and every target's holders,
// at several revisions no older than the last publish, must agree with what a direct reading
// of the entities as of that revision says.
#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "pim/domain/role_definition.h"
#include "pim/engine/access_index.h"

namespace pim::access_index_model_test {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);
const std::vector<std::string> kUsers = {"u0", "u1", "0f8fad5b-d9cb-469f-a165-70867728950e"};
const std::vector<std::string> kGroups = {"g0", "g1", "6a1b7a3e-5c8e-4d2b-9a41-0c7d2f1e9b30"};

// The administrative unit's scope, as targets spell it (canonical).
const std::string kUnit =
    DirectoryRoleTarget(role::kHelpdeskAdministrator, "/administrativeUnits/a1").scope;

using EntityKey = std::pair<EntityKind, std::string>;
using Entities = std::map<EntityKey, Entity>;

std::vector<std::string> AllPrincipals() {
  std::vector<std::string> all = kUsers;
  all.insert(all.end(), kGroups.begin(), kGroups.end());
  return all;
}

std::vector<Target> AllTargets() {
  std::vector<Target> targets = {
      DirectoryRoleTarget(role::kHelpdeskAdministrator, "/"),
      DirectoryRoleTarget(role::kHelpdeskAdministrator, "/administrativeUnits/a1"),
      DirectoryRoleTarget(role::kSecurityReader, "/"),
      DirectoryRoleTarget(role::kSecurityReader, "/administrativeUnits/a1"),
  };
  for (const std::string& g : kGroups) {
    targets.push_back(GroupTarget(PrincipalId(g), GroupAccess::kMember));
    targets.push_back(GroupTarget(PrincipalId(g), GroupAccess::kOwner));
  }
  return targets;
}

Principal MakePrincipal(const std::string& id, bool enabled) {
  Principal p;
  p.id = PrincipalId(id);
  const bool group = std::find(kGroups.begin(), kGroups.end(), id) != kGroups.end();
  p.kind = group ? PrincipalKind::kGroup : PrincipalKind::kUser;
  p.is_assignable_to_role = group;
  p.enabled = enabled;
  return p;
}

// The model: what the index should answer, read straight from the entities.
class Model {
 public:
  explicit Model(const Entities& entities) : entities_(entities) {}

  [[nodiscard]] bool Allowed(const std::string& principal, const Target& target) const {
    if (Disabled(principal)) return false;
    std::vector<std::string> holders = {principal};
    for (std::size_t level_begin = 0, depth = 0; depth < 8 && level_begin < holders.size();
         ++depth) {
      const std::size_t level_end = holders.size();
      for (std::size_t i = level_begin; i < level_end; ++i) {
        for (const std::string& group : GroupsOf(holders[i])) {
          if (Disabled(group) ||
              std::find(holders.begin(), holders.end(), group) != holders.end()) {
            continue;
          }
          holders.push_back(group);
        }
      }
      level_begin = level_end;
    }
    return std::any_of(holders.begin(), holders.end(),
                       [&](const std::string& h) { return HoldsDirectly(h, target); });
  }

 private:
  [[nodiscard]] bool Disabled(const std::string& id) const {
    auto it = entities_.find({EntityKind::kPrincipal, id});
    return it != entities_.end() && !std::get<Principal>(it->second).enabled;
  }
  static bool InForce(const Schedule& s) {
    return s.kind == ScheduleKind::kAssignment && s.state != ScheduleState::kExpired &&
           s.CoversTime(kNow);
  }
  static bool ScopeCovers(const std::string& outer, const std::string& inner) {
    return outer == inner || (outer == "/" && inner == kUnit);
  }
  // Groups `id` is an active member of, directly.
  [[nodiscard]] std::vector<std::string> GroupsOf(const std::string& id) const {
    std::vector<std::string> groups;
    for (const auto& [key, entity] : entities_) {
      if (const auto* m = std::get_if<DirectMembership>(&entity)) {
        if (m->principal.str() == id && m->access == GroupAccess::kMember) {
          groups.push_back(m->group.str());
        }
      } else if (const auto* s = std::get_if<Schedule>(&entity)) {
        if (s->principal.str() == id && InForce(*s) && s->target.kind == TargetKind::kGroup &&
            s->target.access == GroupAccess::kMember) {
          groups.push_back(s->target.object_id);
        }
      }
    }
    return groups;
  }
  [[nodiscard]] bool HoldsDirectly(const std::string& id, const Target& target) const {
    for (const auto& [key, entity] : entities_) {
      if (const auto* m = std::get_if<DirectMembership>(&entity)) {
        if (m->principal.str() == id && target == GroupTarget(m->group, m->access)) return true;
      } else if (const auto* s = std::get_if<Schedule>(&entity)) {
        if (s->principal.str() == id && InForce(*s) &&
            TargetObject(s->target) == TargetObject(target) &&
            ScopeCovers(s->target.scope, target.scope)) {
          return true;
        }
      }
    }
    return false;
  }

  const Entities& entities_;
};

class AccessIndexModelTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    random_.seed(static_cast<std::uint64_t>(GetParam()));
    Load(ScopeNode{"/", ScopeKind::kTenant, "", "root"});
    Load(ScopeNode{kUnit, ScopeKind::kAdministrativeUnit, "/", "A1"});
    for (const std::string& id : AllPrincipals()) Load(MakePrincipal(id, true));
    Load(DirectMembership{PrincipalId(kGroups[0]), PrincipalId(kUsers[0]), GroupAccess::kMember});
  }

  void Load(const Entity& entity) {
    base_[{KindOf(entity), KeyOf(entity)}] = entity;
    index_.Add(entity);
  }

  std::size_t Below(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(random_);
  }
  template <typename T>
  const T& Pick(const std::vector<T>& from) {
    return from[Below(from.size())];
  }

  // The entities as of `visible` (kLatest: everything applied).
  [[nodiscard]] Entities At(Revision visible) const {
    Entities entities = base_;
    for (const auto& [revision, mutation] : log_) {
      if (revision > visible) break;
      const EntityKey key{mutation.kind, mutation.key};
      if (mutation.after) {
        entities[key] = *mutation.after;
      } else {
        entities.erase(key);
      }
    }
    return entities;
  }

  [[nodiscard]] Revision Last() const { return log_.empty() ? published_ : log_.back().first; }

  void Stage(const Entity& after) { Stage(KindOf(after), KeyOf(after), after); }
  void Stage(EntityKind kind, const std::string& key, std::optional<Entity> after) {
    const Entities latest = At(AccessIndex::kLatest);
    std::optional<Entity> before;
    if (auto it = latest.find({kind, key}); it != latest.end()) before = it->second;
    if (!before && !after) return;
    const Revision revision = Last() + 1;
    const Mutation mutation{kind, key, before, after};
    index_.Apply(mutation, revision);
    log_.emplace_back(revision, mutation);
  }

  Schedule RandomSchedule() {
    Schedule s;
    const int n = static_cast<int>(Below(8));
    s.id = ScheduleId(n % 2 == 0 ? "s" + std::to_string(n)
                                 : "00000000-0000-4000-8000-00000000000" + std::to_string(n));
    s.kind = Below(8) == 0 ? ScheduleKind::kEligibility : ScheduleKind::kAssignment;
    s.principal = PrincipalId(Pick(AllPrincipals()));
    s.target = Pick(AllTargets());
    if (s.target.kind == TargetKind::kGroup && s.target.object_id == s.principal.str()) {
      s.target = AllTargets()[0];
    }
    s.start = Below(5) == 0 ? kNow + absl::Hours(1) : kNow - absl::Hours(1);
    const std::vector<absl::Duration> lengths = {absl::Minutes(30), absl::Hours(2), absl::Hours(5)};
    s.expiration = Below(3) == 0
                       ? Expiration{ExpirationType::kNoExpiration, std::nullopt, std::nullopt}
                       : Expiration{ExpirationType::kAfterDuration, std::nullopt, Pick(lengths)};
    s.state = Below(10) == 0 ? ScheduleState::kExpired : ScheduleState::kActive;
    return s;
  }

  void RandomStep() {
    const std::size_t roll = Below(100);
    const Entities latest = At(AccessIndex::kLatest);
    if (roll < 40) {
      Stage(RandomSchedule());
    } else if (roll < 55) {
      std::vector<std::string> ids;
      for (const auto& [key, entity] : latest) {
        if (key.first == EntityKind::kSchedule) ids.push_back(key.second);
      }
      if (!ids.empty()) Stage(EntityKind::kSchedule, Pick(ids), std::nullopt);
    } else if (roll < 70) {
      const DirectMembership m{PrincipalId(Pick(kGroups)), PrincipalId(Pick(AllPrincipals())),
                               Below(3) == 0 ? GroupAccess::kOwner : GroupAccess::kMember};
      if (m.group == m.principal) return;
      if (latest.contains({EntityKind::kMembership, m.Key()})) {
        Stage(EntityKind::kMembership, m.Key(), std::nullopt);
      } else {
        Stage(m);
      }
    } else if (roll < 80) {
      const std::string id = Pick(AllPrincipals());
      const auto& current = std::get<Principal>(latest.at({EntityKind::kPrincipal, id}));
      Stage(MakePrincipal(id, !current.enabled));
    } else if (roll < 90) {
      const Revision committed =
          published_ +
          static_cast<Revision>(Below(static_cast<std::size_t>(Last() - published_) + 1));
      index_.Publish(committed);
      published_ = committed;
    } else {
      const Revision committed =
          published_ +
          static_cast<Revision>(Below(static_cast<std::size_t>(Last() - published_) + 1));
      index_.RollBack(committed);
      while (!log_.empty() && log_.back().first > committed) log_.pop_back();
    }
  }

  void ExpectAgreement(const std::string& step) {
    const Revision last = Last();
    // Every assignment not expired, and every standing membership, is a grant at the newest
    // revision (in force or not yet).
    std::size_t grants = 0;
    for (const auto& [key, entity] : At(AccessIndex::kLatest)) {
      if (const auto* s = std::get_if<Schedule>(&entity)) {
        grants += s->kind == ScheduleKind::kAssignment && s->state != ScheduleState::kExpired;
      } else {
        grants += std::holds_alternative<DirectMembership>(entity) ? 1 : 0;
      }
    }
    ASSERT_EQ(index_.grant_count(), grants) << step;
    for (const Revision visible :
         {published_, (published_ + last) / 2, last, AccessIndex::kLatest}) {
      const Entities entities = At(visible);
      const Model model(entities);
      for (const Target& target : AllTargets()) {
        std::vector<std::string> expected_holders;
        for (const std::string& principal : AllPrincipals()) {
          const bool expected = model.Allowed(principal, target);
          if (expected) expected_holders.push_back(principal);
          ASSERT_EQ(index_.Check(principal, target, kNow, visible).allowed, expected)
              << step << ": " << principal << " " << target.Key() << " at " << visible
              << " (published " << published_ << ", last " << last << ")";
        }
        std::vector<std::string> holders = index_.HoldersOf(target, kNow, visible);
        std::sort(holders.begin(), holders.end());
        std::sort(expected_holders.begin(), expected_holders.end());
        ASSERT_EQ(holders, expected_holders) << step << ": holders of " << target.Key();
      }
    }
  }

  std::mt19937_64 random_;
  AccessIndex index_;
  Entities base_;
  std::vector<std::pair<Revision, Mutation>> log_;  // applied and not rolled back, in order
  Revision published_ = 0;
};

TEST_P(AccessIndexModelTest, AgreesWithTheEntitiesAtEveryRevision) {
  for (int step = 0; step < 80; ++step) {
    RandomStep();
    ExpectAgreement("step " + std::to_string(step));
    if (HasFatalFailure()) return;
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, AccessIndexModelTest, ::testing::Range(1, 41));

}  // namespace
}  // namespace pim::access_index_model_test
