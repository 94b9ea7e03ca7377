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
// Versioned: every mutation is applied with the revision that will commit it, and a query names
// the newest revision it may see. A grant added at revision r is seen by queries at r or later;
// one removed at r is still seen by queries before r until Publish(r) drops it. So the command
// planner (which must see what was staged before it) reads everything, while readers see exactly
// the committed state, even while a group commit is in flight (engine.h).
//
// Thread-compatible: the engine takes a reader lock for queries and a writer lock for changes.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/time/time.h"
#include "pim/domain/change.h"
#include "pim/domain/ids.h"
#include "pim/engine/guid_ref_map.h"
#include "pim/engine/huge_page_allocator.h"
#include "pim/engine/string_ref_map.h"

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

  // A query that may see every applied mutation, committed or not.
  static constexpr Revision kLatest = std::numeric_limits<Revision>::max() - 1;

  // The index as seen at one revision (see AsOf).
  class View {
   public:
    [[nodiscard]] CheckResult Check(std::string_view principal, const Target& target,
                                    absl::Time now) const {
      return index_->Check(principal, target, now, visible_);
    }
    [[nodiscard]] std::vector<EffectiveGrant> GrantsOf(std::string_view principal,
                                                       absl::Time now) const {
      return index_->GrantsOf(principal, now, visible_);
    }
    [[nodiscard]] std::vector<std::string> HoldersOf(const Target& target, absl::Time now) const {
      return index_->HoldersOf(target, now, visible_);
    }

   private:
    friend class AccessIndex;
    View(const AccessIndex& index, Revision visible) : index_(&index), visible_(visible) {}
    const AccessIndex* index_;
    Revision visible_;
  };
  // Queries that see mutations applied at revisions <= `visible` (kLatest: all of them). The
  // view borrows the index and must not outlive the lock that guards it.
  [[nodiscard]] View AsOf(Revision visible) const { return View(*this, visible); }

  // Adds a stored entity's contribution (when loading): visible to every query.
  void Add(const Entity& entity);
  void Add(const Schedule& schedule);
  // Applies one mutation at `revision` (greater than every revision applied before): removes
  // `before`'s contribution, adds `after`'s. A contribution both have is left untouched.
  void Apply(const Mutation& mutation, Revision revision);
  // Revisions up to `committed` are durable: forgets what they removed.
  void Publish(Revision committed);
  // Revisions after `committed` are abandoned: undoes every mutation applied after it, so the
  // index is exactly as it was when `committed` was the last revision applied.
  void RollBack(Revision committed);

  // Whether `principal` holds `target` (at target.scope) at `now`, and through what. When
  // several grants apply, the one lasting longest is reported.
  [[nodiscard]] CheckResult Check(std::string_view principal, const Target& target, absl::Time now,
                                  Revision visible = kLatest) const;
  // Every effective grant of `principal` at `now`, including through groups.
  [[nodiscard]] std::vector<EffectiveGrant> GrantsOf(std::string_view principal, absl::Time now,
                                                     Revision visible = kLatest) const;
  // Every principal (users, service principals and groups) that holds `target` at its scope
  // at `now`: grants at the scope or above, expanded through active group members.
  [[nodiscard]] std::vector<std::string> HoldersOf(const Target& target, absl::Time now,
                                                   Revision visible = kLatest) const;

  // Grants in force for the newest revision applied (committed or not).
  [[nodiscard]] std::size_t grant_count() const { return grant_count_; }

 private:
  using Ref = std::uint32_t;
  static constexpr Ref kNone = UINT32_MAX;
  static constexpr std::int64_t kForever = INT64_MAX;
  static constexpr Revision kNever = std::numeric_limits<Revision>::max();

  // When a grant, edge or disabled mark exists: from revision `added` (0 = loaded) until
  // `removed` (kNever = still there at the newest revision).
  struct Lifetime {
    Revision added = 0;
    Revision removed = kNever;
    [[nodiscard]] bool VisibleAt(Revision visible) const {
      return added <= visible && visible < removed;
    }
  };
  // Ids that are mostly lowercase GUIDs: those are keyed by value (nothing on the heap to touch
  // when looking one up), any other text by string.
  template <typename T>
  using HugeVector = std::vector<T, internal::HugePageAllocator<T>>;
  struct IdRefs {
    GuidRefMap by_guid;
    absl::flat_hash_map<std::string, Ref> by_name;
    // `id`'s ref, and whether it was new (then it is `next`).
    std::pair<Ref, bool> Insert(std::string_view id, Ref next);
    [[nodiscard]] Ref Find(std::string_view id) const;
  };
  // Principal ids, and each one's text: `guids[r]` when it is a GUID (formatted without touching
  // the heap), else `names[r]`.
  struct PrincipalIds {
    IdRefs refs;
    std::vector<std::string> names;
    HugeVector<std::optional<Guid128>> guids;
    Ref Intern(std::string_view id);
    [[nodiscard]] Ref Find(std::string_view id) const { return refs.Find(id); }
    [[nodiscard]] std::string Text(Ref r) const {
      return guids[r] ? FormatGuid(*guids[r]) : names[r];
    }
  };
  // Where a grant or edge comes from: a schedule id, kept by value when it is a GUID (`text` is
  // kNone), or other text in sources_ (a standing membership's "membership:{key}").
  struct Source {
    Guid128 guid;
    Ref text = kNone;
  };
  struct Window {
    std::int64_t start = 0;
    std::int64_t end = kForever;
    [[nodiscard]] bool Covers(std::int64_t now) const { return start <= now && now < end; }
  };
  // The principal holds `object` at `scope` within `window`; `source` indexes sources_.
  struct Grant {
    Source source;
    Ref object = kNone;
    Ref scope = kNone;
    Window window;
    Lifetime life;
  };
  // The principal is an active member of `group` within `window`.
  struct Edge {
    Source source;
    Ref group = kNone;
    Window window;
    Lifetime life;
  };
  // Everything the read path needs about one principal, in one place: up to four memberships
  // and four grants inline, so a check loads one node's adjacent cache lines, all requested at
  // once (PrefetchNode), instead of chasing heap arrays. (A standing membership is a grant and an
  // edge; with three of each inline, about a third of the benchmark's users spilled their grants
  // to the heap, one more dependent miss, and the mixed p50 was ~15% higher.)
  struct Node {
    absl::InlinedVector<Edge, 4> member_of;
    absl::InlinedVector<Grant, 4> grants;
  };
  struct Holder {
    Ref principal;
    std::int64_t until;
    Ref via;
  };
  // What a revision staged, for Publish/RollBack to revisit.
  enum class Touched : std::uint8_t { kNode, kDisabled };
  struct Pending {
    Revision revision;
    Touched what;
    Ref principal;
  };

  // Object refs: interned by Target::ObjectKey() when written; found by (kind, access, id)
  // without building that key when read.
  Ref InternObject(const Target& target);
  [[nodiscard]] Ref FindObject(const Target& target) const;
  [[nodiscard]] static std::size_t ObjectSlot(const Target& target);
  Ref InternPrincipal(std::string_view id);
  Source NewSource(std::string_view text);
  [[nodiscard]] std::string SourceText(const Source& source) const;
  [[nodiscard]] bool SourceIs(const Source& source, std::string_view text) const;
  void FreeSource(const Source& source);
  void AddContribution(const Entity& entity, Revision revision);
  void AddContribution(const Schedule& schedule, Revision revision);
  void RemoveContribution(const Entity& entity, Revision revision);
  void AddGrant(Ref principal, Grant grant);
  void RemoveGrant(Ref principal, Ref object, const std::string& source, Revision revision);
  void AddEdge(Ref principal, Edge edge);
  void RemoveEdge(Ref principal, Ref group, const std::string& source, Revision revision);
  void SetDisabled(Ref principal, bool disabled, Revision revision);
  void Touch(Revision revision, Touched what, Ref principal);
  // Drops entries removed at or before `committed` (settle) or undoes those after it.
  void Settle(const Pending& pending, Revision committed);
  void Undo(const Pending& pending, Revision committed);
  // Physically erases the node's grants and edges matching `gone`, keeping the reverse
  // indexes, the source table and the grant count in step.
  template <typename Gone>
  void EraseFromNode(Ref principal, Gone gone);
  // `principal` and every group it is an active member of at `now` (depth-bounded).
  [[nodiscard]] absl::InlinedVector<Holder, 8> HoldersFor(Ref principal, std::int64_t now,
                                                          Revision visible) const;
  [[nodiscard]] bool ScopeCovers(Ref outer, Ref inner) const;
  // Asks the CPU to start loading the principal's node (its cache lines) without waiting.
  void PrefetchNode(Ref principal) const;
  [[nodiscard]] bool Disabled(Ref principal, Revision visible) const;

  PrincipalIds principals_;
  HugeVector<Node> nodes_;  // by principal ref
  StringRefMap objects_;    // Target::ObjectKey()
  StringRefMap scopes_;
  std::vector<Target> object_targets_;  // per object ref, scope blank
  std::array<IdRefs, 4> object_by_id_;  // by ObjectSlot()
  std::vector<Ref> scope_parent_;       // per scope ref
  // Source texts that are not GUIDs ("membership:{key}"); freed slots are reused.
  std::vector<std::string> sources_;
  std::vector<Ref> free_sources_;
  // Disabled principals: one lifetime per period of being disabled (usually one).
  absl::flat_hash_map<Ref, absl::InlinedVector<Lifetime, 1>> disabled_;
  // Per principal ref, whether disabled_ has an entry: one bit each, so it stays in cache and a
  // check learns that a group is enabled without waiting for the group's node.
  std::vector<bool> has_disabled_marks_;
  // Reverse indexes for HoldersOf: who has grant entries for an object; who has edges into a
  // group. Entries of any visibility count; queries filter.
  absl::flat_hash_map<Ref, absl::flat_hash_set<Ref>> principals_of_object_;
  absl::flat_hash_map<Ref, absl::flat_hash_set<Ref>> members_;
  std::size_t grant_count_ = 0;
  std::deque<Pending> pending_;  // in revision order; entries up to the last Publish are gone
};

}  // namespace pim
