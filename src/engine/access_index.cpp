#include "pim/engine/access_index.h"

#include <algorithm>
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

AccessIndex::Ref AccessIndex::Interner::Intern(const std::string& name) {
  auto [it, inserted] = ids.try_emplace(name, static_cast<Ref>(names.size()));
  if (inserted) names.push_back(name);
  return it->second;
}

AccessIndex::Ref AccessIndex::Interner::Find(std::string_view name) const {
  // Debian's abseil has its own string_view type.
  auto it = ids.find(absl::string_view(name.data(), name.size()));
  return it == ids.end() ? kNone : it->second;
}

void AccessIndex::Add(const Entity& entity) { AddContribution(entity, 0); }

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
  const Ref o = objects_.Intern(target.ObjectKey());
  if (object_targets_.size() <= o) {
    object_targets_.resize(o + 1);
    Target blank = target;
    blank.scope.clear();
    object_targets_[o] = std::move(blank);
    object_by_id_[ObjectSlot(target)].try_emplace(target.object_id, o);
  }
  return o;
}

AccessIndex::Ref AccessIndex::FindObject(const Target& target) const {
  const auto& ids = object_by_id_[ObjectSlot(target)];
  auto it = ids.find(absl::string_view(target.object_id.data(), target.object_id.size()));
  return it == ids.end() ? kNone : it->second;
}

void AccessIndex::Apply(const Mutation& mutation, Revision revision) {
  if (mutation.before && mutation.after && SameContribution(*mutation.before, *mutation.after)) {
    return;  // e.g. an expiry notice counted on a schedule: its grant stays as it is
  }
  if (mutation.before) RemoveContribution(*mutation.before, revision);
  if (mutation.after) AddContribution(*mutation.after, revision);
}

void AccessIndex::Touch(Revision revision, Touched what, std::uint64_t key) {
  if (revision > 0) pending_.push_back(Pending{revision, what, key});
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
  auto gone = [committed](const auto& x) { return x.life.removed <= committed; };
  switch (pending.what) {
    case Touched::kGrants:
      EraseGrants(pending.key, gone);
      break;
    case Touched::kEdges:
      EraseEdges(static_cast<Ref>(pending.key), gone);
      break;
    case Touched::kDisabled: {
      auto it = disabled_.find(static_cast<Ref>(pending.key));
      if (it == disabled_.end()) break;
      auto& lives = it->second;
      lives.erase(std::remove_if(lives.begin(), lives.end(),
                                 [committed](const Lifetime& l) { return l.removed <= committed; }),
                  lives.end());
      if (lives.empty()) disabled_.erase(it);
      break;
    }
  }
}

void AccessIndex::Undo(const Pending& pending, Revision committed) {
  auto added_later = [committed](const auto& x) { return x.life.added > committed; };
  auto restore = [committed](Lifetime& life) {
    if (life.removed == kNever || life.removed <= committed) return false;
    life.removed = kNever;
    return true;
  };
  switch (pending.what) {
    case Touched::kGrants:
      EraseGrants(pending.key, added_later);
      if (auto it = grants_.find(pending.key); it != grants_.end()) {
        for (Grant& g : it->second) grant_count_ += restore(g.life) ? 1 : 0;
      }
      break;
    case Touched::kEdges:
      EraseEdges(static_cast<Ref>(pending.key), added_later);
      if (auto it = member_of_.find(static_cast<Ref>(pending.key)); it != member_of_.end()) {
        for (Edge& e : it->second) restore(e.life);
      }
      break;
    case Touched::kDisabled: {
      auto it = disabled_.find(static_cast<Ref>(pending.key));
      if (it == disabled_.end()) break;
      auto& lives = it->second;
      lives.erase(std::remove_if(lives.begin(), lives.end(),
                                 [committed](const Lifetime& l) { return l.added > committed; }),
                  lives.end());
      for (Lifetime& life : lives) restore(life);
      if (lives.empty()) disabled_.erase(it);
      break;
    }
  }
}

template <typename Gone>
void AccessIndex::EraseGrants(std::uint64_t key, Gone gone) {
  auto it = grants_.find(key);
  if (it == grants_.end()) return;
  auto& list = it->second;
  for (const Grant& g : list) {
    if (gone(g) && g.life.removed == kNever) --grant_count_;
  }
  list.erase(std::remove_if(list.begin(), list.end(), gone), list.end());
  if (!list.empty()) return;
  grants_.erase(it);
  const Ref principal = static_cast<Ref>(key >> 32);
  const Ref object = static_cast<Ref>(key & 0xffffffffU);
  if (auto o = objects_of_principal_.find(principal); o != objects_of_principal_.end()) {
    o->second.erase(object);
    if (o->second.empty()) objects_of_principal_.erase(o);
  }
  if (auto p = principals_of_object_.find(object); p != principals_of_object_.end()) {
    p->second.erase(principal);
    if (p->second.empty()) principals_of_object_.erase(p);
  }
}

template <typename Gone>
void AccessIndex::EraseEdges(Ref principal, Gone gone) {
  auto it = member_of_.find(principal);
  if (it == member_of_.end()) return;
  auto& edges = it->second;
  absl::InlinedVector<Ref, 2> groups;
  for (const Edge& e : edges) {
    if (gone(e)) groups.push_back(e.group);
  }
  edges.erase(std::remove_if(edges.begin(), edges.end(), gone), edges.end());
  for (const Ref group : groups) {
    const bool still_member =
        std::any_of(edges.begin(), edges.end(), [&](const Edge& e) { return e.group == group; });
    if (still_member) continue;
    if (auto m = members_.find(group); m != members_.end()) {
      m->second.erase(principal);
      if (m->second.empty()) members_.erase(m);
    }
  }
  if (edges.empty()) member_of_.erase(it);
}

void AccessIndex::AddGrant(Ref principal, Ref object, Grant grant) {
  const std::uint64_t key = Pair(principal, object);
  Touch(grant.life.added, Touched::kGrants, key);
  grants_[key].push_back(std::move(grant));
  objects_of_principal_[principal].insert(object);
  principals_of_object_[object].insert(principal);
  ++grant_count_;
}

void AccessIndex::RemoveGrant(Ref principal, Ref object, const std::string& source,
                              Revision revision) {
  const std::uint64_t key = Pair(principal, object);
  auto it = grants_.find(key);
  if (it == grants_.end()) return;
  auto& list = it->second;
  auto found = std::find_if(list.begin(), list.end(), [&](const Grant& g) {
    return g.life.removed == kNever && g.source == source;
  });
  if (found == list.end()) return;
  --grant_count_;
  found->life.removed = revision;
  Touch(revision, Touched::kGrants, key);
}

void AccessIndex::AddEdge(Ref principal, Edge edge) {
  Touch(edge.life.added, Touched::kEdges, principal);
  members_[edge.group].insert(principal);
  member_of_[principal].push_back(std::move(edge));
}

void AccessIndex::RemoveEdge(Ref principal, Ref group, const std::string& source,
                             Revision revision) {
  auto it = member_of_.find(principal);
  if (it == member_of_.end()) return;
  for (Edge& e : it->second) {
    if (e.group == group && e.source == source && e.life.removed == kNever) {
      e.life.removed = revision;
      Touch(revision, Touched::kEdges, principal);
      return;
    }
  }
}

void AccessIndex::SetDisabled(Ref principal, bool disabled, Revision revision) {
  auto& lives = disabled_[principal];
  auto live = std::find_if(lives.begin(), lives.end(),
                           [](const Lifetime& l) { return l.removed == kNever; });
  if (disabled == (live != lives.end())) {
    if (lives.empty()) disabled_.erase(principal);
    return;
  }
  if (disabled) {
    lives.push_back(Lifetime{revision, kNever});
  } else {
    live->removed = revision;
  }
  Touch(revision, Touched::kDisabled, principal);
}

bool AccessIndex::Disabled(Ref principal, Revision visible) const {
  auto it = disabled_.find(principal);
  if (it == disabled_.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(),
                     [visible](const Lifetime& l) { return l.VisibleAt(visible); });
}

void AccessIndex::AddContribution(const Entity& entity, Revision revision) {
  const Lifetime life{revision, kNever};
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, Principal>) {
          SetDisabled(principals_.Intern(e.id.str()), !e.enabled, revision);
        } else if constexpr (std::is_same_v<T, ScopeNode>) {
          const Ref s = scopes_.Intern(e.path);
          const Ref parent = e.parent.empty() ? kNone : scopes_.Intern(e.parent);
          if (scope_parent_.size() < scopes_.names.size())
            scope_parent_.resize(scopes_.names.size(), kNone);
          scope_parent_[s] = parent;
        } else if constexpr (std::is_same_v<T, DirectMembership>) {
          const Ref p = principals_.Intern(e.principal.str());
          const Ref o = InternObject(GroupTarget(e.group, e.access));
          AddGrant(p, o, Grant{scopes_.Intern(""), Window{}, MembershipSource(e), life});
          if (e.access == GroupAccess::kMember) {
            AddEdge(p,
                    Edge{principals_.Intern(e.group.str()), Window{}, MembershipSource(e), life});
          }
        } else if constexpr (std::is_same_v<T, Schedule>) {
          if (!Contributes(e)) return;
          const auto end = e.End();
          const Window window{Nanos(e.start), end ? Nanos(*end) : kForever};
          const Ref p = principals_.Intern(e.principal.str());
          const Ref o = InternObject(e.target);
          AddGrant(p, o, Grant{scopes_.Intern(e.target.scope), window, e.id.str(), life});
          if (e.target.kind == TargetKind::kGroup && e.target.access == GroupAccess::kMember) {
            AddEdge(p, Edge{principals_.Intern(e.target.object_id), window, e.id.str(), life});
          }
        }
      },
      entity);
  if (scope_parent_.size() < scopes_.names.size())
    scope_parent_.resize(scopes_.names.size(), kNone);
}

void AccessIndex::RemoveContribution(const Entity& entity, Revision revision) {
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, Principal>) {
          if (const Ref p = principals_.Find(e.id.str()); p != kNone) {
            SetDisabled(p, false, revision);
          }
        } else if constexpr (std::is_same_v<T, ScopeNode>) {
          if (const Ref s = scopes_.Find(e.path); s != kNone) scope_parent_[s] = kNone;
        } else if constexpr (std::is_same_v<T, DirectMembership>) {
          const Ref p = principals_.Find(e.principal.str());
          const Ref o = FindObject(GroupTarget(e.group, e.access));
          if (p == kNone || o == kNone) return;
          RemoveGrant(p, o, MembershipSource(e), revision);
          if (e.access == GroupAccess::kMember) {
            RemoveEdge(p, principals_.Find(e.group.str()), MembershipSource(e), revision);
          }
        } else if constexpr (std::is_same_v<T, Schedule>) {
          if (!Contributes(e)) return;
          const Ref p = principals_.Find(e.principal.str());
          const Ref o = FindObject(e.target);
          if (p == kNone || o == kNone) return;
          RemoveGrant(p, o, e.id.str(), revision);
          if (e.target.kind == TargetKind::kGroup && e.target.access == GroupAccess::kMember) {
            RemoveEdge(p, principals_.Find(e.target.object_id), e.id.str(), revision);
          }
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

absl::InlinedVector<AccessIndex::Holder, 8> AccessIndex::HoldersFor(Ref principal, std::int64_t now,
                                                                    Revision visible) const {
  absl::InlinedVector<Holder, 8> holders;
  holders.push_back(Holder{principal, kForever, kNone});
  // Breadth-first over active memberships; `depth` bounds nesting, the linear scan of the
  // (short) holder list avoids cycles.
  std::size_t level_begin = 0;
  for (int depth = 0; depth < kMaxGroupDepth && level_begin < holders.size(); ++depth) {
    const std::size_t level_end = holders.size();
    for (std::size_t i = level_begin; i < level_end; ++i) {
      const Holder h = holders[i];
      auto it = member_of_.find(h.principal);
      if (it == member_of_.end()) continue;
      for (const Edge& edge : it->second) {
        if (!edge.life.VisibleAt(visible) || !edge.window.Covers(now) ||
            Disabled(edge.group, visible)) {
          continue;
        }
        const std::int64_t until = std::min(h.until, edge.window.end);
        auto seen = std::find_if(holders.begin(), holders.end(),
                                 [&](const Holder& x) { return x.principal == edge.group; });
        if (seen != holders.end()) {
          seen->until = std::max(seen->until, until);
          continue;
        }
        holders.push_back(Holder{edge.group, until, h.via == kNone ? edge.group : h.via});
      }
    }
    level_begin = level_end;
  }
  return holders;
}

AccessIndex::CheckResult AccessIndex::Check(std::string_view principal, const Target& target,
                                            absl::Time now_time, Revision visible) const {
  CheckResult result;
  const Ref p = principals_.Find(principal);
  if (p == kNone || Disabled(p, visible)) return result;
  const Ref o = FindObject(target);
  const Ref s = scopes_.Find(target.scope);
  if (o == kNone || s == kNone) return result;
  const std::int64_t now = Nanos(now_time);

  std::int64_t best_until = -1;
  const Grant* best = nullptr;
  Ref best_via = kNone;
  for (const Holder& h : HoldersFor(p, now, visible)) {
    auto it = grants_.find(Pair(h.principal, o));
    if (it == grants_.end()) continue;
    for (const Grant& g : it->second) {
      if (!g.life.VisibleAt(visible) || !g.window.Covers(now) || !ScopeCovers(g.scope, s)) {
        continue;
      }
      const std::int64_t until = std::min(h.until, g.window.end);
      if (until > best_until) {
        best_until = until;
        best = &g;
        best_via = h.via;
      }
    }
  }
  if (best == nullptr) return result;
  result.allowed = true;
  result.granted_by = best->source;
  if (best_via != kNone) result.via_group = principals_.names[best_via];
  result.until = UntilTime(best_until);
  return result;
}

std::vector<AccessIndex::EffectiveGrant> AccessIndex::GrantsOf(std::string_view principal,
                                                               absl::Time now_time,
                                                               Revision visible) const {
  std::vector<EffectiveGrant> out;
  const Ref p = principals_.Find(principal);
  if (p == kNone || Disabled(p, visible)) return out;
  const std::int64_t now = Nanos(now_time);
  for (const Holder& h : HoldersFor(p, now, visible)) {
    auto objects = objects_of_principal_.find(h.principal);
    if (objects == objects_of_principal_.end()) continue;
    for (const Ref o : objects->second) {
      for (const Grant& g : grants_.at(Pair(h.principal, o))) {
        if (!g.life.VisibleAt(visible) || !g.window.Covers(now)) continue;
        EffectiveGrant grant;
        grant.target = object_targets_[o];
        grant.target.scope = scopes_.names[g.scope];
        grant.granted_by = g.source;
        if (h.via != kNone) grant.via_group = principals_.names[h.via];
        grant.until = UntilTime(std::min(h.until, g.window.end));
        out.push_back(std::move(grant));
      }
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

  absl::flat_hash_set<Ref> seen;
  std::vector<Ref> frontier;
  for (const Ref p : holders->second) {
    if (Disabled(p, visible)) continue;
    const auto& list = grants_.at(Pair(p, o));
    const bool holds = std::any_of(list.begin(), list.end(), [&](const Grant& g) {
      return g.life.VisibleAt(visible) && g.window.Covers(now) && ScopeCovers(g.scope, s);
    });
    if (holds && seen.insert(p).second) frontier.push_back(p);
  }
  // Expand groups to their active members, transitively.
  for (std::size_t i = 0; i < frontier.size(); ++i) {
    auto members = members_.find(frontier[i]);
    if (members == members_.end()) continue;
    for (const Ref m : members->second) {
      if (seen.contains(m) || Disabled(m, visible)) continue;
      const auto& edges = member_of_.at(m);
      const bool active = std::any_of(edges.begin(), edges.end(), [&](const Edge& e) {
        return e.group == frontier[i] && e.life.VisibleAt(visible) && e.window.Covers(now);
      });
      if (active) {
        seen.insert(m);
        frontier.push_back(m);
      }
    }
  }
  out.reserve(frontier.size());
  for (const Ref r : frontier) out.push_back(principals_.names[r]);
  return out;
}

}  // namespace pim
