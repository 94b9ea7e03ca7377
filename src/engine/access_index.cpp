#include "pim/engine/access_index.h"

#include <algorithm>
#include <optional>
#include <type_traits>

namespace pim {
namespace {

constexpr int kMaxGroupDepth = 8;

std::int64_t Nanos(absl::Time t) { return absl::ToUnixNanos(t); }

std::optional<absl::Time> UntilTime(std::int64_t until) {
  if (until == INT64_MAX) return std::nullopt;
  return absl::FromUnixNanos(until);
}

std::string MembershipSource(const DirectMembership& m) { return "membership:" + m.Key(); }

bool Contributes(const Schedule& s) {
  return s.kind == ScheduleKind::kAssignment && s.state != ScheduleState::kExpired;
}

// Whether two versions of one entity give the index exactly the same grants, edges and marks.
bool SameContribution(const Entity& before, const Entity& after) {
  if (const auto* b = std::get_if<Schedule>(&before)) {
    const auto* a = std::get_if<Schedule>(&after);
    if (a == nullptr) return false;
    if (!Contributes(*a) && !Contributes(*b)) return true;
    return Contributes(*a) && Contributes(*b) && a->id == b->id && a->principal == b->principal &&
           a->target == b->target && a->start == b->start && a->End() == b->End();
  }
  if (const auto* b = std::get_if<Principal>(&before)) {
    const auto* a = std::get_if<Principal>(&after);
    return a != nullptr && a->id == b->id && a->enabled == b->enabled;
  }
  return before == after;
}

}  // namespace

std::pair<AccessIndex::Ref, bool> AccessIndex::IdRefs::Insert(std::string_view id, Ref next) {
  if (const auto guid = ParseLowercaseGuid(id)) return by_guid.Insert(*guid, next);
  auto [it, added] = by_name.try_emplace(std::string(id), next);
  return {it->second, added};
}

AccessIndex::Ref AccessIndex::IdRefs::Find(std::string_view id) const {
  if (const auto guid = ParseLowercaseGuid(id)) return by_guid.Find(*guid);
  auto it = by_name.find(absl::string_view(id.data(), id.size()));
  return it == by_name.end() ? kNone : it->second;
}

AccessIndex::Ref AccessIndex::InternPrincipal(std::string_view id) {
  Ref p = kNone;
  if (const auto guid = ParseLowercaseGuid(id)) {
    const auto [ref, added] = nodes_.AddGuid(*guid);
    if (!added) return ref;
    p = ref;
  } else {
    auto [it, added] = principal_by_name_.try_emplace(std::string(id), kNone);
    if (!added) return it->second;
    p = it->second = nodes_.AddUnkeyed();
  }
  principal_names_.resize(p + 1);
  if (!nodes_.Node(p).keyed_by_guid) principal_names_[p] = std::string(id);
  has_disabled_marks_.resize(p + 1);
  member_object_of_.resize(p + 1, kNone);
  return p;
}

AccessIndex::Ref AccessIndex::FindPrincipal(std::string_view id) const {
  if (const auto guid = ParseLowercaseGuid(id)) {
    const Node* node = nodes_.Find(*guid);
    return node == nullptr ? kNone : node->ref;
  }
  auto it = principal_by_name_.find(absl::string_view(id.data(), id.size()));
  return it == principal_by_name_.end() ? kNone : it->second;
}

PrincipalId AccessIndex::PrincipalIdOf(Ref principal) const {
  const Node& node = nodes_.Node(principal);
  return node.keyed_by_guid ? PrincipalId(node.guid) : PrincipalId(principal_names_[principal]);
}

AccessIndex::Source AccessIndex::NewSource(std::string_view text) {
  if (const auto guid = ParseLowercaseGuid(text); guid && Source::CanHold(*guid)) {
    return Source::OfGuid(*guid);
  }
  if (!free_sources_.empty()) {
    const Ref r = free_sources_.back();
    free_sources_.pop_back();
    sources_[r] = std::string(text);
    return Source::OfText(r);
  }
  sources_.emplace_back(text);
  return Source::OfText(static_cast<Ref>(sources_.size() - 1));
}

PackedIdText AccessIndex::SourceId(const Source& source) const {
  return source.is_text() ? PackedIdText(sources_[source.text()]) : PackedIdText(source.guid());
}

bool AccessIndex::SourceIs(const Source& source, std::string_view text) const {
  if (source.is_text()) return sources_[source.text()] == text;
  const auto guid = ParseLowercaseGuid(text);
  return guid && *guid == source.guid();
}

void AccessIndex::FreeSource(const Source& source) {
  if (source.is_text()) free_sources_.push_back(source.text());
}

void AccessIndex::Add(const Entity& entity) { AddContribution(entity, 0); }

void AccessIndex::Add(const Schedule& schedule) { AddContribution(schedule, 0); }

std::size_t AccessIndex::ObjectSlot(const Target& target) {
  switch (target.kind) {
    case TargetKind::kGroup:
      return target.access == GroupAccess::kMember ? 0 : 1;
    case TargetKind::kDirectoryRole:
      return 2;
    case TargetKind::kResourceRole:
      return 3;
  }
  return 3;
}

AccessIndex::Ref AccessIndex::InternObject(const Target& target) {
  const auto next = static_cast<Ref>(object_targets_.size());
  const auto [o, added] = object_by_id_[ObjectSlot(target)].Insert(target.object_id, next);
  if (added) {
    Target blank = target;
    blank.scope.clear();
    object_targets_.push_back(std::move(blank));
  }
  return o;
}

AccessIndex::Ref AccessIndex::FindObject(const Target& target) const {
  return object_by_id_[ObjectSlot(target)].Find(target.object_id);
}

void AccessIndex::Apply(const Mutation& mutation, Revision revision) {
  if (mutation.before && mutation.after && SameContribution(*mutation.before, *mutation.after)) {
    return;  // e.g. an expiry notice counted on a schedule: its grant stays as it is
  }
  if (mutation.before) RemoveContribution(*mutation.before, revision);
  if (mutation.after) AddContribution(*mutation.after, revision);
}

void AccessIndex::Touch(Revision revision, Touched what, Ref principal) {
  if (revision > 0) pending_.push_back(Pending{revision, what, principal});
}

void AccessIndex::Publish(Revision committed) {
  while (!pending_.empty() && pending_.front().revision <= committed) {
    Settle(pending_.front(), committed);
    pending_.pop_front();
  }
}

void AccessIndex::RollBack(Revision committed) {
  while (!pending_.empty() && pending_.back().revision > committed) {
    Undo(pending_.back(), committed);
    pending_.pop_back();
  }
}

void AccessIndex::Settle(const Pending& pending, Revision committed) {
  auto gone = [committed](const Lifetime& life) { return life.removed <= committed; };
  if (pending.what == Touched::kNode) {
    EraseFromNode(pending.principal, gone);
    // What `committed` added is now seen by every reader (they read at or after it).
    if (auto it = lifetimes_.find(pending.principal); it != lifetimes_.end()) {
      for (Lifetime& life : it->second) {
        if (life.added <= committed) life.added = 0;
      }
    }
    DropLifetimesIfSettled(pending.principal);
    return;
  }
  auto it = disabled_.find(pending.principal);
  if (it == disabled_.end()) return;
  auto& lives = it->second;
  lives.erase(std::remove_if(lives.begin(), lives.end(), gone), lives.end());
  if (lives.empty()) {
    disabled_.erase(it);
    has_disabled_marks_[pending.principal] = false;
  }
}

void AccessIndex::Undo(const Pending& pending, Revision committed) {
  auto added_later = [committed](const Lifetime& life) { return life.added > committed; };
  // Whether `life` was removed after `committed` (and is now restored).
  auto restore = [committed](Lifetime& life) {
    if (life.removed == kNever || life.removed <= committed) return false;
    life.removed = kNever;
    return true;
  };
  if (pending.what == Touched::kNode) {
    EraseFromNode(pending.principal, added_later);
    if (auto it = lifetimes_.find(pending.principal); it != lifetimes_.end()) {
      for (Lifetime& life : it->second) grant_count_ += restore(life) ? 1 : 0;
    }
    DropLifetimesIfSettled(pending.principal);
    return;
  }
  auto it = disabled_.find(pending.principal);
  if (it == disabled_.end()) return;
  auto& lives = it->second;
  lives.erase(std::remove_if(lives.begin(), lives.end(), added_later), lives.end());
  for (Lifetime& life : lives) restore(life);
  if (lives.empty()) {
    disabled_.erase(it);
    has_disabled_marks_[pending.principal] = false;
  }
}

void AccessIndex::DropLifetimesIfSettled(Ref principal) {
  auto it = lifetimes_.find(principal);
  if (it == lifetimes_.end()) return;
  const bool settled = std::all_of(it->second.begin(), it->second.end(), [](const Lifetime& l) {
    return l.added == 0 && l.removed == kNever;
  });
  if (!settled) return;
  lifetimes_.erase(it);
  nodes_.Node(principal).in_flux = false;
}

const AccessIndex::Lifetime* AccessIndex::LifetimesOf(const Node& node) const {
  return node.in_flux ? lifetimes_.find(node.ref)->second.data() : nullptr;
}

template <typename Gone>
void AccessIndex::EraseFromNode(Ref principal, Gone gone) {
  auto lives_it = lifetimes_.find(principal);
  if (lives_it == lifetimes_.end()) return;  // every entry is {0, kNever}: none is gone
  std::vector<Lifetime>& lives = lives_it->second;
  Node& node = nodes_.Node(principal);
  absl::InlinedVector<Ref, 2> objects;
  absl::InlinedVector<Ref, 2> groups;
  std::size_t kept_edges = 0;
  for (std::size_t i = 0; i < node.entries.size(); ++i) {
    const bool edge = i < node.edge_count;
    if (!gone(lives[i])) {
      kept_edges += edge ? 1 : 0;
      continue;
    }
    if (lives[i].removed == kNever) --grant_count_;
    objects.push_back(node.entries[i].object);
    if (edge) groups.push_back(node.entries[i].scope_or_group);
    FreeSource(nodes_.SourcesOf(node)[i]);
  }
  nodes_.KeepIf(principal, [&](std::size_t i) { return !gone(lives[i]); });
  lives.erase(std::remove_if(lives.begin(), lives.end(), gone), lives.end());
  node.edge_count = static_cast<std::uint32_t>(kept_edges);
  Summarize(principal);

  for (const Ref object : objects) {
    const bool still = std::any_of(node.entries.begin(), node.entries.end(),
                                   [&](const Entry& g) { return g.object == object; });
    if (still) continue;
    if (auto it = principals_of_object_.find(object); it != principals_of_object_.end()) {
      it->second.erase(principal);
      if (it->second.empty()) principals_of_object_.erase(it);
    }
  }
  const auto edges = node.edges();
  for (const Ref group : groups) {
    const bool still = std::any_of(edges.begin(), edges.end(),
                                   [&](const Entry& e) { return e.scope_or_group == group; });
    if (still) continue;
    if (auto it = members_.find(group); it != members_.end()) {
      it->second.erase(principal);
      if (it->second.empty()) members_.erase(it);
    }
    if (auto it = member_groups_.find(group); it != member_groups_.end()) {
      it->second.erase(principal);
      if (it->second.empty()) member_groups_.erase(it);
    }
  }
}

void AccessIndex::AddEntry(Ref principal, bool edge, Entry entry, std::string_view source,
                           Revision added) {
  Touch(added, Touched::kNode, principal);
  if (edge) {
    members_[entry.scope_or_group].insert(principal);
    NoteGroup(entry.scope_or_group, entry.object);
    if (member_object_of_[principal] != kNone) {
      member_groups_[entry.scope_or_group].insert(principal);
    }
  }
  principals_of_object_[entry.object].insert(principal);
  ++grant_count_;
  Node& node = nodes_.Node(principal);
  const std::size_t at = edge ? node.edge_count : node.entries.size();
  nodes_.Insert(principal, at, entry, NewSource(source));
  node.edge_count += edge ? 1 : 0;
  if (member_object_of_[principal] != kNone) {
    RaiseSummary(principal,
                 SummaryBit(entry.object) | (edge ? member_summaries_[entry.object] : 0));
  }
  const Lifetime life{added, kNever};
  if (node.in_flux) {
    auto& lives = lifetimes_[principal];
    lives.insert(lives.begin() + static_cast<std::ptrdiff_t>(at), life);
  } else if (added != 0) {
    auto& lives = lifetimes_[principal];
    lives.assign(node.entries.size(), Lifetime{});
    lives[at] = life;
    node.in_flux = true;
  }
}

void AccessIndex::RemoveEntry(Ref principal, Ref object, std::string_view source,
                              Revision revision) {
  Node& node = nodes_.Node(principal);
  for (std::size_t i = 0; i < node.entries.size(); ++i) {
    if (node.entries[i].object != object || !SourceIs(nodes_.SourcesOf(node)[i], source)) {
      continue;
    }
    if (!node.in_flux) {
      lifetimes_[principal].assign(node.entries.size(), Lifetime{});
      node.in_flux = true;
    }
    Lifetime& life = lifetimes_[principal][i];
    if (life.removed != kNever) continue;
    life.removed = revision;
    --grant_count_;
    Touch(revision, Touched::kNode, principal);
    return;
  }
}

void AccessIndex::SetDisabled(Ref principal, bool disabled, Revision revision) {
  auto it = disabled_.find(principal);
  const bool now_disabled =
      it != disabled_.end() && std::any_of(it->second.begin(), it->second.end(),
                                           [](const Lifetime& l) { return l.removed == kNever; });
  if (disabled == now_disabled) return;
  if (disabled) {
    disabled_[principal].push_back(Lifetime{revision, kNever});
    has_disabled_marks_[principal] = true;
  } else {
    for (Lifetime& l : it->second) {
      if (l.removed == kNever) l.removed = revision;
    }
  }
  Touch(revision, Touched::kDisabled, principal);
}

bool AccessIndex::Disabled(Ref principal, Revision visible) const {
  if (!has_disabled_marks_[principal]) return false;  // the usual case: no map lookup
  auto it = disabled_.find(principal);
  if (it == disabled_.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(),
                     [visible](const Lifetime& l) { return l.VisibleAt(visible); });
}

void AccessIndex::AddContribution(const Entity& entity, Revision revision) {
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, Principal>) {
          SetDisabled(InternPrincipal(e.id.str()), !e.enabled, revision);
        } else if constexpr (std::is_same_v<T, ScopeNode>) {
          const Ref s = scopes_.Intern(e.path);
          const Ref parent = e.parent.empty() ? kNone : scopes_.Intern(e.parent);
          if (scope_parent_.size() < scopes_.size()) scope_parent_.resize(scopes_.size(), kNone);
          scope_parent_[s] = parent;
        } else if constexpr (std::is_same_v<T, DirectMembership>) {
          const Ref p = InternPrincipal(e.principal.str());
          const Ref o = InternObject(GroupTarget(e.group, e.access));
          if (e.access == GroupAccess::kMember) {
            const Ref group = InternPrincipal(e.group.str());
            AddEntry(p, true, Entry{0, kForever, o, group}, MembershipSource(e), revision);
          } else {
            AddEntry(p, false, Entry{0, kForever, o, group_scope_}, MembershipSource(e), revision);
          }
        } else if constexpr (std::is_same_v<T, Schedule>) {
          AddContribution(e, revision);
        }
      },
      entity);
  if (scope_parent_.size() < scopes_.size()) scope_parent_.resize(scopes_.size(), kNone);
}

void AccessIndex::AddContribution(const Schedule& schedule, Revision revision) {
  if (!Contributes(schedule)) return;
  const auto end = schedule.End();
  const std::int64_t start = Nanos(schedule.start);
  const std::int64_t until = end ? Nanos(*end) : kForever;
  const Ref p = InternPrincipal(schedule.principal.str());
  const Ref o = InternObject(schedule.target);
  if (schedule.target.kind == TargetKind::kGroup &&
      schedule.target.access == GroupAccess::kMember) {
    const Ref group = InternPrincipal(schedule.target.object_id);
    AddEntry(p, true, Entry{start, until, o, group}, schedule.id.str(), revision);
  } else {
    const Ref scope = scopes_.Intern(schedule.target.scope);
    AddEntry(p, false, Entry{start, until, o, scope}, schedule.id.str(), revision);
  }
  if (scope_parent_.size() < scopes_.size()) scope_parent_.resize(scopes_.size(), kNone);
}

void AccessIndex::RemoveContribution(const Entity& entity, Revision revision) {
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, Principal>) {
          if (const Ref p = FindPrincipal(e.id.str()); p != kNone) {
            SetDisabled(p, false, revision);
          }
        } else if constexpr (std::is_same_v<T, ScopeNode>) {
          if (const Ref s = scopes_.Find(e.path); s != kNone) scope_parent_[s] = kNone;
        } else if constexpr (std::is_same_v<T, DirectMembership>) {
          const Ref p = FindPrincipal(e.principal.str());
          const Ref o = FindObject(GroupTarget(e.group, e.access));
          if (p == kNone || o == kNone) return;
          RemoveEntry(p, o, MembershipSource(e), revision);
        } else if constexpr (std::is_same_v<T, Schedule>) {
          if (!Contributes(e)) return;
          const Ref p = FindPrincipal(e.principal.str());
          const Ref o = FindObject(e.target);
          if (p == kNone || o == kNone) return;
          RemoveEntry(p, o, e.id.str(), revision);
        }
      },
      entity);
}

bool AccessIndex::ScopeCovers(Ref outer, Ref inner) const {
  Ref current = inner;
  for (int depth = 0; depth < 64 && current != kNone; ++depth) {
    if (current == outer) return true;
    current = current < scope_parent_.size() ? scope_parent_[current] : kNone;
  }
  return false;
}

void AccessIndex::NoteGroup(Ref group, Ref object) {
  if (member_object_of_[group] != kNone) return;
  member_object_of_[group] = object;
  if (member_summaries_.size() <= object) member_summaries_.resize(object + 1, 0);
  for (const Entry& edge : nodes_.Node(group).edges()) {
    member_groups_[edge.scope_or_group].insert(group);
  }
  Summarize(group);
}

void AccessIndex::RaiseSummary(Ref group, std::uint64_t bits) {
  // Each step adds at least one bit to some summary, so this ends, cycles of groups included.
  absl::InlinedVector<std::pair<Ref, std::uint64_t>, 8> work = {{group, bits}};
  while (!work.empty()) {
    const auto [g, raise] = work.back();
    work.pop_back();
    std::uint64_t& summary = member_summaries_[member_object_of_[g]];
    const std::uint64_t added = raise & ~summary;
    if (added == 0) continue;
    summary |= added;
    if (auto it = member_groups_.find(g); it != member_groups_.end()) {
      for (const Ref child : it->second) work.emplace_back(child, added);
    }
  }
}

void AccessIndex::Summarize(Ref principal) {
  const Ref summarized = member_object_of_[principal];
  if (summarized == kNone) return;
  const Node& node = nodes_.Node(principal);
  std::uint64_t summary = 0;
  for (std::size_t i = 0; i < node.entries.size(); ++i) {
    const Entry& entry = node.entries[i];
    summary |= SummaryBit(entry.object);
    // An edge's object is its group's member object: the group's summary is there.
    if (i < node.edge_count) summary |= member_summaries_[entry.object];
  }
  member_summaries_[summarized] = summary;
}

absl::InlinedVector<AccessIndex::Holder, 8> AccessIndex::HoldersFor(const Node& principal,
                                                                    std::int64_t now,
                                                                    Revision visible,
                                                                    std::uint64_t wanted) const {
  absl::InlinedVector<Holder, 8> holders;
  holders.push_back(Holder{principal.ref, kForever, kNone, &principal});
  // Breadth-first over active memberships; `depth` bounds nesting, the linear scan of the
  // (short) holder list avoids cycles.
  std::size_t level_begin = 0;
  for (int depth = 0; depth < kMaxGroupDepth && level_begin < holders.size(); ++depth) {
    const std::size_t level_end = holders.size();
    for (std::size_t i = level_begin; i < level_end; ++i) {
      const Holder h = holders[i];
      const Node& node = *h.node;
      const Lifetime* lives = LifetimesOf(node);
      const auto edges = node.edges();
      for (std::size_t e = 0; e < edges.size(); ++e) {
        const Entry& edge = edges[e];
        const Ref group = edge.scope_or_group;
        if ((member_summaries_[edge.object] & wanted) == 0 ||
            (lives != nullptr && !lives[e].VisibleAt(visible)) || !edge.Covers(now) ||
            Disabled(group, visible)) {
          continue;
        }
        const std::int64_t until = std::min(h.until, edge.end);
        auto seen = std::find_if(holders.begin(), holders.end(),
                                 [&](const Holder& x) { return x.principal == group; });
        if (seen != holders.end()) {
          seen->until = std::max(seen->until, until);
          continue;
        }
        PrefetchNode(group);
        holders.push_back(
            Holder{group, until, h.via == kNone ? group : h.via, &nodes_.Node(group)});
      }
    }
    level_begin = level_end;
  }
  return holders;
}

AccessIndex::CheckResult AccessIndex::Check(std::string_view principal, const Target& target,
                                            absl::Time now_time, Revision visible) const {
  CheckResult result;
  // Memory is the cost of a check: the principal's node and its sources (one access, found by
  // the GUID's hash), then the nodes of those of its groups whose summary does not rule the
  // object out; and the scope's slot, then its stored path. The node and the scope's slot are
  // requested first, the path as soon as the slot is there.
  const auto principal_guid = ParseLowercaseGuid(principal);
  if (principal_guid) nodes_.Prefetch(*principal_guid);
  const std::uint64_t scope_hash = StringRefMap::Hash(target.scope);
  scopes_.Prefetch(scope_hash);
  const Ref o = FindObject(target);
  if (o == kNone) return result;  // an unknown object: nobody holds it
  const StringRefMap::Candidate scope_candidate = scopes_.Locate(scope_hash);
  if (scope_candidate.ref == kNone) return result;  // an unknown scope
  const Node* node = nullptr;
  if (principal_guid) {
    node = nodes_.Find(*principal_guid);
  } else if (const Ref r = FindPrincipal(principal); r != kNone) {
    node = &nodes_.Node(r);
  }
  if (node == nullptr) return result;
  const Ref p = node->ref;
  if (Disabled(p, visible)) return result;
  const std::int64_t now = Nanos(now_time);

  // The scope's stored path is compared only once a grant of the object is in force: a denial
  // for want of one (most of them) does not wait for it.
  std::optional<Ref> scope;
  std::int64_t best_until = -1;
  const Source* best = nullptr;
  Ref best_via = kNone;
  for (const Holder& h : HoldersFor(*node, now, visible, SummaryBit(o))) {
    const Lifetime* lives = LifetimesOf(*h.node);
    for (std::size_t i = 0; i < h.node->entries.size(); ++i) {
      const Entry& g = h.node->entries[i];
      if (g.object != o || (lives != nullptr && !lives[i].VisibleAt(visible)) || !g.Covers(now)) {
        continue;
      }
      if (!scope) scope = scopes_.Confirm(target.scope, scope_candidate);
      if (*scope == kNone) return result;  // an unknown scope: nobody holds anything there
      if (!ScopeCovers(EntryScope(*h.node, i), *scope)) continue;
      const std::int64_t until = std::min(h.until, g.end);
      if (until > best_until) {
        best_until = until;
        best = &nodes_.SourcesOf(*h.node)[i];
        __builtin_prefetch(best);  // read for the answer, after the other holders
        best_via = h.via;
      }
    }
  }
  if (best == nullptr) return result;
  result.allowed = true;
  result.granted_by = SourceId(*best);
  if (best_via != kNone) result.via_group = PrincipalIdOf(best_via);
  result.until = UntilTime(best_until);
  return result;
}

std::vector<AccessIndex::EffectiveGrant> AccessIndex::GrantsOf(std::string_view principal,
                                                               absl::Time now_time,
                                                               Revision visible) const {
  std::vector<EffectiveGrant> out;
  const Ref p = FindPrincipal(principal);
  if (p == kNone || Disabled(p, visible)) return out;
  const std::int64_t now = Nanos(now_time);
  for (const Holder& h : HoldersFor(nodes_.Node(p), now, visible)) {
    const Lifetime* lives = LifetimesOf(*h.node);
    for (std::size_t i = 0; i < h.node->entries.size(); ++i) {
      const Entry& g = h.node->entries[i];
      if ((lives != nullptr && !lives[i].VisibleAt(visible)) || !g.Covers(now)) continue;
      EffectiveGrant grant;
      grant.target = object_targets_[g.object];
      grant.target.scope = scopes_.Text(EntryScope(*h.node, i));
      grant.granted_by = SourceId(nodes_.SourcesOf(*h.node)[i]).str();
      if (h.via != kNone) grant.via_group = PrincipalIdOf(h.via).str();
      grant.until = UntilTime(std::min(h.until, g.end));
      out.push_back(std::move(grant));
    }
  }
  return out;
}

std::vector<std::string> AccessIndex::HoldersOf(const Target& target, absl::Time now_time,
                                                Revision visible) const {
  std::vector<std::string> out;
  const Ref o = FindObject(target);
  const Ref s = scopes_.Find(target.scope);
  if (o == kNone || s == kNone) return out;
  const std::int64_t now = Nanos(now_time);
  auto holders = principals_of_object_.find(o);
  if (holders == principals_of_object_.end()) return out;

  // Whether `node` has an entry in [0, end) that is in force and `matches(i)`.
  auto any_entry = [&](const Node& node, std::size_t end, auto matches) {
    const Lifetime* lives = LifetimesOf(node);
    for (std::size_t i = 0; i < end; ++i) {
      if ((lives == nullptr || lives[i].VisibleAt(visible)) && node.entries[i].Covers(now) &&
          matches(i)) {
        return true;
      }
    }
    return false;
  };
  absl::flat_hash_set<Ref> seen;
  std::vector<Ref> frontier;
  for (const Ref p : holders->second) {
    if (Disabled(p, visible)) continue;
    const Node& node = nodes_.Node(p);
    const bool holds = any_entry(node, node.entries.size(), [&](std::size_t e) {
      return node.entries[e].object == o && ScopeCovers(EntryScope(node, e), s);
    });
    if (holds && seen.insert(p).second) frontier.push_back(p);
  }
  // Expand groups to their active members, transitively.
  for (std::size_t i = 0; i < frontier.size(); ++i) {
    auto members = members_.find(frontier[i]);
    if (members == members_.end()) continue;
    for (const Ref m : members->second) {
      if (seen.contains(m) || Disabled(m, visible)) continue;
      const Node& node = nodes_.Node(m);
      const bool active = any_entry(node, node.edge_count, [&](std::size_t e) {
        return node.entries[e].scope_or_group == frontier[i];
      });
      if (active) {
        seen.insert(m);
        frontier.push_back(m);
      }
    }
  }
  out.reserve(frontier.size());
  for (const Ref r : frontier) out.push_back(PrincipalIdOf(r).str());
  return out;
}

}  // namespace pim
