// The read path: effective access now, with group and scope inheritance expanded. Built from
// entities at start-up and advanced by committed mutations (each carries its `before`, so a
// change removes exactly what the old version contributed). Never touches the store.
//
// What grants access: active assignment schedules (Assigned or Activated), and standing direct
// group memberships/ownerships. A principal that is an active *member* of a group (directly,
// through PIM, or through nested groups) holds everything the group holds. A grant at a scope
// applies at every registered scope below it. Time windows are compared with the `now` passed
// in, so a check is exact at the start and end instant whatever the scheduler's lag.
//
// Thread-compatible: the engine takes a reader lock for queries and a writer lock for Apply.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/time/time.h"
#include "pim/domain/change.h"

namespace pim {

class AccessIndex {
 public:
  struct CheckResult {
    bool allowed = false;
    std::string granted_by;  // schedule id, or "membership:{key}" for a standing membership
    std::string via_group;   // the group through which access flows; empty when direct
    std::optional<absl::Time> until;  // when this grant ends; nullopt = permanent
  };
  struct EffectiveGrant {
    Target target;
    std::string granted_by;
    std::string via_group;
    std::optional<absl::Time> until;
  };

  // Adds the entity's contribution (when loading).
  void Add(const Entity& entity);
  // Applies one committed mutation: removes `before`'s contribution, adds `after`'s.
  void Apply(const Mutation& mutation);

  // Whether `principal` holds `target` (at target.scope) at `now`, and through what. When
  // several grants apply, the one lasting longest is reported.
  [[nodiscard]] CheckResult Check(std::string_view principal, const Target& target,
                                  absl::Time now) const;
  // Every effective grant of `principal` at `now`, including through groups.
  [[nodiscard]] std::vector<EffectiveGrant> GrantsOf(std::string_view principal,
                                                     absl::Time now) const;
  // Every principal (users, service principals and groups) that holds `target` at its scope
  // at `now`: grants at the scope or above, expanded through active group members.
  [[nodiscard]] std::vector<std::string> HoldersOf(const Target& target, absl::Time now) const;

  [[nodiscard]] std::size_t grant_count() const { return grant_count_; }

 private:
  using Ref = std::uint32_t;
  static constexpr Ref kNone = UINT32_MAX;
  static constexpr std::int64_t kForever = INT64_MAX;

  struct Interner {
    absl::flat_hash_map<std::string, Ref> ids;
    std::vector<std::string> names;
    Ref Intern(const std::string& name);
    [[nodiscard]] Ref Find(std::string_view name) const;
  };
  struct Window {
    std::int64_t start = 0;
    std::int64_t end = kForever;
    [[nodiscard]] bool Covers(std::int64_t now) const { return start <= now && now < end; }
  };
  struct Grant {
    Ref scope = kNone;
    Window window;
    std::string source;
  };
  struct Edge {  // principal is an active member of `group` within `window`
    Ref group = kNone;
    Window window;
    std::string source;
  };
  struct Holder {
    Ref principal;
    std::int64_t until;
    Ref via;
  };

  [[nodiscard]] static std::uint64_t Pair(Ref a, Ref b) {
    return (static_cast<std::uint64_t>(a) << 32) | b;
  }
  // Object refs: interned by Target::ObjectKey() when written; found by (kind, access, id)
  // without building that key when read.
  Ref InternObject(const Target& target);
  [[nodiscard]] Ref FindObject(const Target& target) const;
  [[nodiscard]] static std::size_t ObjectSlot(const Target& target);
  void AddContribution(const Entity& entity);
  void RemoveContribution(const Entity& entity);
  void AddGrant(Ref principal, Ref object, Grant grant);
  void RemoveGrant(Ref principal, Ref object, const std::string& source);
  void AddEdge(Ref principal, Edge edge);
  void RemoveEdge(Ref principal, Ref group, const std::string& source);
  // `principal` and every group it is an active member of at `now` (depth-bounded).
  [[nodiscard]] absl::InlinedVector<Holder, 8> HoldersFor(Ref principal, std::int64_t now) const;
  [[nodiscard]] bool ScopeCovers(Ref outer, Ref inner) const;
  [[nodiscard]] bool Disabled(Ref principal) const { return disabled_.contains(principal); }

  Interner principals_;
  Interner objects_;  // Target::ObjectKey()
  Interner scopes_;
  std::vector<Target> object_targets_;  // per object ref, scope blank
  std::array<absl::flat_hash_map<std::string, Ref>, 4> object_by_id_;  // by ObjectSlot()
  std::vector<Ref> scope_parent_;                                      // per scope ref
  absl::flat_hash_set<Ref> disabled_;
  absl::flat_hash_map<std::uint64_t, absl::InlinedVector<Grant, 1>> grants_;  // (principal, object)
  absl::flat_hash_map<Ref, absl::flat_hash_set<Ref>> objects_of_principal_;
  absl::flat_hash_map<Ref, absl::flat_hash_set<Ref>> principals_of_object_;
  absl::flat_hash_map<Ref, absl::InlinedVector<Edge, 2>> member_of_;
  absl::flat_hash_map<Ref, absl::flat_hash_set<Ref>> members_;  // group -> member principals
  std::size_t grant_count_ = 0;
};

}  // namespace pim
