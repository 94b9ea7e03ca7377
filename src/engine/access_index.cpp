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

AccessIndex::Ref AccessIndex::PrincipalIds::Intern(std::string_view id) {
  const auto [ref, inserted] = refs.Insert(id, static_cast<Ref>(names.size()));
  if (inserted) {
    names.emplace_back(id);
    guids.push_back(ParseLowercaseGuid(id));
  }
  return ref;
}

AccessIndex::Ref AccessIndex::InternPrincipal(std::string_view id) {
  const Ref p = principals_.Intern(id);
  if (nodes_.size() <= p) {
    nodes_.resize(p + 1);
    has_disabled_marks_.resize(p + 1);
  }
  return p;
}

AccessIndex::Source AccessIndex::NewSource(std::string_view text) {
  if (const auto guid = ParseLowercaseGuid(text)) return Source{*guid, kNone};
  if (!free_sources_.empty()) {
    const Ref r = free_sources_.back();
    free_sources_.pop_back();
    sources_[r] = std::string(text);
    return Source{{}, r};
  }
  sources_.emplace_back(text);
  return Source{{}, static_cast<Ref>(sources_.size() - 1)};
}

std::string AccessIndex::SourceText(const Source& source) const {
  return source.text == kNone ? FormatGuid(source.guid) : sources_[source.text];
}

bool AccessIndex::SourceIs(const Source& source, std::string_view text) const {
  if (source.text != kNone) return sources_[source.text] == text;
  const auto guid = ParseLowercaseGuid(text);
  return guid && *guid == source.guid;
}

void AccessIndex::FreeSource(const Source& source) {
  if (source.text != kNone) free_sources_.push_back(source.text);
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
  const Ref o = objects_.Intern(target.ObjectKey());
  if (object_targets_.size() <= o) {
    object_targets_.resize(o + 1);
    Target blank = target;
    blank.scope.clear();
    object_targets_[o] = std::move(blank);
    object_by_id_[ObjectSlot(target)].Insert(target.object_id, o);
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
    Node& node = nodes_[pending.principal];
    for (Grant& g : node.grants) grant_count_ += restore(g.life) ? 1 : 0;
    for (Edge& e : node.member_of) restore(e.life);
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

template <typename Gone>
void AccessIndex::EraseFromNode(Ref principal, Gone gone) {
  Node& node = nodes_[principal];
  absl::InlinedVector<Ref, 2> objects;
  for (const Grant& g : node.grants) {
    if (!gone(g.life)) continue;
    if (g.life.removed == kNever) --grant_count_;
    objects.push_back(g.object);
    FreeSource(g.source);
  }
  node.grants.erase(std::remove_if(node.grants.begin(), node.grants.end(),
                                   [&](const Grant& g) { return gone(g.life); }),
                    node.grants.end());
  for (const Ref object : objects) {
    const bool still = std::any_of(node.grants.begin(), node.grants.end(),
                                   [&](const Grant& g) { return g.object == object; });
    if (still) continue;
    if (auto it = principals_of_object_.find(object); it != principals_of_object_.end()) {
      it->second.erase(principal);
      if (it->second.empty()) principals_of_object_.erase(it);
    }
  }

  absl::InlinedVector<Ref, 2> groups;
  for (const Edge& e : node.member_of) {
    if (!gone(e.life)) continue;
    groups.push_back(e.group);
    FreeSource(e.source);
  }
  node.member_of.erase(std::remove_if(node.member_of.begin(), node.member_of.end(),
                                      [&](const Edge& e) { return gone(e.life); }),
                       node.member_of.end());
  for (const Ref group : groups) {
    const bool still = std::any_of(node.member_of.begin(), node.member_of.end(),
                                   [&](const Edge& e) { return e.group == group; });
    if (still) continue;
    if (auto it = members_.find(group); it != members_.end()) {
      it->second.erase(principal);
      if (it->second.empty()) members_.erase(it);
    }
  }
}

void AccessIndex::AddGrant(Ref principal, Grant grant) {
  Touch(grant.life.added, Touched::kNode, principal);
  principals_of_object_[grant.object].insert(principal);
  nodes_[principal].grants.push_back(grant);
  ++grant_count_;
}

void AccessIndex::RemoveGrant(Ref principal, Ref object, const std::string& source,
                              Revision revision) {
  for (Grant& g : nodes_[principal].grants) {
    if (g.object == object && g.life.removed == kNever && SourceIs(g.source, source)) {
      g.life.removed = revision;
      --grant_count_;
      Touch(revision, Touched::kNode, principal);
      return;
    }
  }
}

void AccessIndex::AddEdge(Ref principal, Edge edge) {
  Touch(edge.life.added, Touched::kNode, principal);
  members_[edge.group].insert(principal);
  nodes_[principal].member_of.push_back(edge);
}

void AccessIndex::RemoveEdge(Ref principal, Ref group, const std::string& source,
                             Revision revision) {
  for (Edge& e : nodes_[principal].member_of) {
    if (e.group == group && e.life.removed == kNever && SourceIs(e.source, source)) {
      e.life.removed = revision;
      Touch(revision, Touched::kNode, principal);
      return;
    }
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
  const Lifetime life{revision, kNever};
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
          AddGrant(p, Grant{NewSource(MembershipSource(e)), o, scopes_.Intern(""), Window{}, life});
          if (e.access == GroupAccess::kMember) {
            AddEdge(p, Edge{NewSource(MembershipSource(e)), InternPrincipal(e.group.str()),
                            Window{}, life});
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
  const Lifetime life{revision, kNever};
  const auto end = schedule.End();
  const Window window{Nanos(schedule.start), end ? Nanos(*end) : kForever};
  const Ref p = InternPrincipal(schedule.principal.str());
  const Ref o = InternObject(schedule.target);
  AddGrant(p, Grant{NewSource(schedule.id.str()), o, scopes_.Intern(schedule.target.scope), window,
                    life});
  if (schedule.target.kind == TargetKind::kGroup &&
      schedule.target.access == GroupAccess::kMember) {
    AddEdge(p, Edge{NewSource(schedule.id.str()), InternPrincipal(schedule.target.object_id),
                    window, life});
  }
  if (scope_parent_.size() < scopes_.size()) scope_parent_.resize(scopes_.size(), kNone);
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

void AccessIndex::PrefetchNode(Ref principal) const {
  const auto* bytes = reinterpret_cast<const char*>(&nodes_[principal]);
  for (std::size_t offset = 0; offset < sizeof(Node); offset += 64) {
    __builtin_prefetch(bytes + offset);
  }
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
      for (const Edge& edge : nodes_[h.principal].member_of) {
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
        PrefetchNode(edge.group);
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
  // Memory is the cost of a check: the principal's slot, then its node, then its groups' nodes,
  // each found through the one before; and the scope's slot, then its stored path. Both slots are
  // requested first, the path while the principal's slot arrives, the node as soon as that slot
  // gives its ref, and the path is compared while the node arrives.
  const auto principal_guid = ParseLowercaseGuid(principal);
  if (principal_guid) principals_.refs.by_guid.Prefetch(*principal_guid);
  const std::uint64_t scope_hash = StringRefMap::Hash(target.scope);
  scopes_.Prefetch(scope_hash);
  const Ref o = FindObject(target);
  if (o == kNone) return result;  // an unknown object: nobody holds it
  const StringRefMap::Candidate scope_candidate = scopes_.Locate(scope_hash);
  if (scope_candidate.ref == kNone) return result;  // an unknown scope
  const Ref p =
      principal_guid ? principals_.refs.by_guid.Find(*principal_guid) : principals_.Find(principal);
  if (p == kNone) return result;
  PrefetchNode(p);
  const Ref scope = scopes_.Confirm(target.scope, scope_candidate);
  if (scope == kNone || Disabled(p, visible)) return result;
  const std::int64_t now = Nanos(now_time);

  std::int64_t best_until = -1;
  const Grant* best = nullptr;
  Ref best_via = kNone;
  for (const Holder& h : HoldersFor(p, now, visible)) {
    for (const Grant& g : nodes_[h.principal].grants) {
      if (g.object != o || !g.life.VisibleAt(visible) || !g.window.Covers(now) ||
          !ScopeCovers(g.scope, scope)) {
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
  result.granted_by = SourceText(best->source);
  if (best_via != kNone) result.via_group = principals_.Text(best_via);
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
    for (const Grant& g : nodes_[h.principal].grants) {
      if (!g.life.VisibleAt(visible) || !g.window.Covers(now)) continue;
      EffectiveGrant grant;
      grant.target = object_targets_[g.object];
      grant.target.scope = scopes_.Text(g.scope);
      grant.granted_by = SourceText(g.source);
      if (h.via != kNone) grant.via_group = principals_.Text(h.via);
      grant.until = UntilTime(std::min(h.until, g.window.end));
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

  absl::flat_hash_set<Ref> seen;
  std::vector<Ref> frontier;
  for (const Ref p : holders->second) {
    if (Disabled(p, visible)) continue;
    const auto& grants = nodes_[p].grants;
    const bool holds = std::any_of(grants.begin(), grants.end(), [&](const Grant& g) {
      return g.object == o && g.life.VisibleAt(visible) && g.window.Covers(now) &&
             ScopeCovers(g.scope, s);
    });
    if (holds && seen.insert(p).second) frontier.push_back(p);
  }
  // Expand groups to their active members, transitively.
  for (std::size_t i = 0; i < frontier.size(); ++i) {
    auto members = members_.find(frontier[i]);
    if (members == members_.end()) continue;
    for (const Ref m : members->second) {
      if (seen.contains(m) || Disabled(m, visible)) continue;
      const auto& edges = nodes_[m].member_of;
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
