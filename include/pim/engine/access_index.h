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
// one removed at r is still seen by queries before r until Publish(r) drops it (a query names a
// revision no older than the last Publish: the engine's readers read the committed one). So the
// command planner (which must see what was staged before it) reads everything, while readers see
// exactly the committed state, even while a group commit is in flight (engine.h).
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
#include "pim/engine/principal_nodes.h"
#include "pim/engine/string_ref_map.h"

namespace pim {

class AccessIndex {
 public:
  // Held by value (a GUID in 16 bytes), so that answering costs no allocation.
  struct CheckResult {
    bool allowed = false;
    PackedIdText granted_by;  // schedule id, or "membership:{key}" for a standing membership
    PrincipalId via_group;    // the group through which access flows; empty when direct
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

  // A hint before loading: about `count` principals will be added.
  void ReservePrincipals(std::size_t count) { nodes_.Reserve(count); }
  // Adds a stored entity's contribution (when loading): visible to every query.
  void Add(const Entity& entity);
  void Add(const Schedule& schedule);
  // Applies one mutation at `revision` (greater than every revision applied before): removes
  // `before`'s contribution, adds `after`'s. A contribution both have is left untouched.
  void Apply(const Mutation& mutation, Revision revision);
  // Revisions up to `committed` are durable: forgets what they removed, and what they added
  // becomes part of every query's view.
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

  // When a grant, edge or disabled mark exists: from revision `added` (0 = loaded or published)
  // until `removed` (kNever = still there at the newest revision).
  struct Lifetime {
    Revision added = 0;
    Revision removed = kNever;
    [[nodiscard]] bool VisibleAt(Revision visible) const {
      return added <= visible && visible < removed;
    }
  };
  // Ids that are mostly lowercase GUIDs: those are keyed by value (nothing on the heap to touch
  // when looking one up), any other text by string.
  struct IdRefs {
    GuidRefMap by_guid;
    absl::flat_hash_map<std::string, Ref> by_name;
    // `id`'s ref, and whether it was new (then it is `next`).
    std::pair<Ref, bool> Insert(std::string_view id, Ref next);
    [[nodiscard]] Ref Find(std::string_view id) const;
  };
  // Where a grant or edge comes from: a schedule id, kept by value when it is a GUID, or other
  // text in sources_ (a standing membership's "membership:{key}").
  using Source = internal::EntrySource;
  using Entry = internal::NodeEntry;
  using Node = internal::PrincipalNode;
  struct Holder {
    Ref principal;  // node->ref, kept here so that finding a holder never waits for its node
    std::int64_t until;
    Ref via;
    const Node* node;  // the principal's, valid while the index is not changed
  };
  // What a revision staged, for Publish/RollBack to revisit.
  enum class Touched : std::uint8_t { kNode, kDisabled };
  struct Pending {
    Revision revision;
    Touched what;
    Ref principal;
  };

  // Object refs, by (kind, access, id): ObjectSlot() picks the map, the id the entry.
  Ref InternObject(const Target& target);
  [[nodiscard]] Ref FindObject(const Target& target) const;
  [[nodiscard]] static std::size_t ObjectSlot(const Target& target);
  Ref InternPrincipal(std::string_view id);
  [[nodiscard]] Ref FindPrincipal(std::string_view id) const;
  [[nodiscard]] PrincipalId PrincipalIdOf(Ref principal) const;
  Source NewSource(std::string_view text);
  [[nodiscard]] PackedIdText SourceId(const Source& source) const;
  [[nodiscard]] bool SourceIs(const Source& source, std::string_view text) const;
  void FreeSource(const Source& source);
  void AddContribution(const Entity& entity, Revision revision);
  void AddContribution(const Schedule& schedule, Revision revision);
  void RemoveContribution(const Entity& entity, Revision revision);
  // Adds an edge (a membership, also the grant of the group's `member` object) or a grant to the
  // principal's node.
  void AddEntry(Ref principal, bool edge, Entry entry, std::string_view source, Revision added);
  // Marks the principal's entry of `object` from `source` removed at `revision`.
  void RemoveEntry(Ref principal, Ref object, std::string_view source, Revision revision);
  // The scope at which the node's entry `i` grants its object (an edge: a group's, "").
  [[nodiscard]] Ref EntryScope(const Node& node, std::size_t i) const {
    return i < node.edge_count ? group_scope_ : node.entries[i].scope_or_group;
  }
  void SetDisabled(Ref principal, bool disabled, Revision revision);
  void Touch(Revision revision, Touched what, Ref principal);
  // Drops entries removed at or before `committed` (settle) or undoes those after it.
  void Settle(const Pending& pending, Revision committed);
  void Undo(const Pending& pending, Revision committed);
  // Physically erases the node's entries whose lifetimes match `gone`, keeping the sources,
  // the lifetimes, the reverse indexes and the grant count in step.
  template <typename Gone>
  void EraseFromNode(Ref principal, Gone gone);
  // The node's lifetimes leave lifetimes_ when every one is {0, kNever}: seen by every reader.
  void DropLifetimesIfSettled(Ref principal);
  // The lifetimes of the node's entries, or nullptr when all are seen by every reader.
  [[nodiscard]] const Lifetime* LifetimesOf(const Node& node) const;
  // `principal` and every group it is an active member of at `now` (depth-bounded), leaving out
  // groups whose summary (member_summaries_) rules out a grant matching `wanted`.
  [[nodiscard]] absl::InlinedVector<Holder, 8> HoldersFor(const Node& principal, std::int64_t now,
                                                          Revision visible,
                                                          std::uint64_t wanted = kAnything) const;
  // A group's summary: one bit per object (its ref modulo 64) that the group, or a group it is a
  // member of, directly or not, has entries for, whatever their time or revision. A superset:
  // bits are added at once (RaiseSummary) and dropped only when the group's own node is
  // summarized again, so a clear bit always means that nothing through the group grants it.
  static constexpr std::uint64_t kAnything = ~std::uint64_t{0};
  [[nodiscard]] static std::uint64_t SummaryBit(Ref object) {
    return std::uint64_t{1} << (object % 64U);
  }
  // Records that `object` is `group`'s member object (an edge into the group is being added),
  // so that the group's summary is kept from now on.
  void NoteGroup(Ref group, Ref object);
  // Adds `bits` to `group`'s summary and to those of the groups that are members of it.
  void RaiseSummary(Ref group, std::uint64_t bits);
  // Recomputes `principal`'s summary from its node and its groups', when it is a group that has
  // one.
  void Summarize(Ref principal);
  [[nodiscard]] bool ScopeCovers(Ref outer, Ref inner) const;
  // Asks the CPU to start loading the principal's node without waiting.
  void PrefetchNode(Ref principal) const { nodes_.PrefetchNode(principal); }
  [[nodiscard]] bool Disabled(Ref principal, Revision visible) const;

  // Per principal: its node (memberships and grants with their sources, found by GUID in one
  // access), and, by ref, its text when it is not a GUID and (only while some entry is in flux)
  // its entries' lifetimes, parallel to the node's entries.
  internal::PrincipalNodes nodes_;
  absl::flat_hash_map<std::string, Ref> principal_by_name_;
  std::vector<std::string> principal_names_;  // by ref; empty for GUIDs
  absl::flat_hash_map<Ref, std::vector<Lifetime>> lifetimes_;
  StringRefMap scopes_;
  Ref group_scope_ = scopes_.Intern("");  // group targets have no scope
  std::vector<Target> object_targets_;    // per object ref, scope blank
  std::array<IdRefs, 4> object_by_id_;    // by ObjectSlot()
  std::vector<Ref> scope_parent_;         // per scope ref
  // Source texts that are not GUIDs ("membership:{key}"); freed slots are reused.
  std::vector<std::string> sources_;
  std::vector<Ref> free_sources_;
  // Disabled principals: one lifetime per period of being disabled (usually one).
  absl::flat_hash_map<Ref, absl::InlinedVector<Lifetime, 1>> disabled_;
  // Per principal ref, whether disabled_ has an entry: one bit each, so it stays in cache and a
  // check learns that a group is enabled without waiting for the group's node.
  std::vector<bool> has_disabled_marks_;
  // Per object ref that is a group's member object (what an edge into the group names): the
  // group's summary (Summarize). Groups are few and their member objects' refs dense, so these
  // words stay in cache, and a check skips the node of a group that cannot hold the object asked
  // about (nearly every group a user is in) without waiting for memory. Other refs: 0.
  std::vector<std::uint64_t> member_summaries_;
  std::vector<Ref> member_object_of_;  // per principal ref: its member object's ref, or kNone
  // Per group: the groups with a summary that have edges into it (its summary is part of theirs).
  absl::flat_hash_map<Ref, absl::flat_hash_set<Ref>> member_groups_;
  // Reverse indexes for HoldersOf: who has grant entries for an object; who has edges into a
  // group. Entries of any visibility count; queries filter.
  absl::flat_hash_map<Ref, absl::flat_hash_set<Ref>> principals_of_object_;
  absl::flat_hash_map<Ref, absl::flat_hash_set<Ref>> members_;
  std::size_t grant_count_ = 0;
  std::deque<Pending> pending_;  // in revision order; entries up to the last Publish are gone
};

}  // namespace pim
