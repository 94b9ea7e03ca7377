// AccessIndex directly: versions (a mutation applied at revision r is seen by queries at r or
// later only; a removal at r keeps granting to earlier revisions until published; RollBack
// restores exactly the index as of the last durable revision) and exact principal ids.
#include "pim/engine/access_index.h"

#include <algorithm>
#include <cctype>

#include "gtest/gtest.h"
#include "pim/domain/role_definition.h"

namespace pim {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

Principal User(const std::string& id, bool enabled = true) {
  Principal p;
  p.id = PrincipalId(id);
  p.kind = PrincipalKind::kUser;
  p.enabled = enabled;
  return p;
}

// A role-assignable group.
Principal Group(const std::string& id) {
  Principal p;
  p.id = PrincipalId(id);
  p.kind = PrincipalKind::kGroup;
  p.is_assignable_to_role = true;
  return p;
}

Schedule Assignment(const std::string& id, const std::string& principal, const Target& target,
                    absl::Duration length = absl::Hours(1)) {
  Schedule s;
  s.id = ScheduleId(id);
  s.kind = ScheduleKind::kAssignment;
  s.principal = PrincipalId(principal);
  s.target = target;
  s.start = kNow - absl::Minutes(1);
  s.expiration = Expiration{ExpirationType::kAfterDuration, std::nullopt, length};
  s.state = ScheduleState::kActive;
  return s;
}

Mutation Put(const Entity& after, std::optional<Entity> before = std::nullopt) {
  return Mutation{KindOf(after), KeyOf(after), std::move(before), after};
}
Mutation Erase(const Entity& before) {
  return Mutation{KindOf(before), KeyOf(before), before, std::nullopt};
}

class AccessIndexVersionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_.Add(ScopeNode{"/", ScopeKind::kTenant, "", "root"});
    index_.Add(User("alice"));
  }
  bool Holds(Revision visible) { return index_.Check("alice", helpdesk_, kNow, visible).allowed; }

  AccessIndex index_;
  const Target helpdesk_ = DirectoryRoleTarget(role::kHelpdeskAdministrator, "/");
};

TEST_F(AccessIndexVersionsTest, AStagedGrantIsSeenFromItsRevisionOn) {
  index_.Apply(Put(Assignment("s1", "alice", helpdesk_)), 5);
  EXPECT_FALSE(Holds(4));
  EXPECT_TRUE(Holds(5));
  EXPECT_TRUE(Holds(AccessIndex::kLatest));
  EXPECT_TRUE(index_.GrantsOf("alice", kNow, 4).empty());
  EXPECT_EQ(index_.GrantsOf("alice", kNow, 5).size(), 1U);
  EXPECT_TRUE(index_.HoldersOf(helpdesk_, kNow, 4).empty());
  EXPECT_EQ(index_.grant_count(), 1U);
}

TEST_F(AccessIndexVersionsTest, AStagedRemovalGrantsEarlierRevisionsUntilPublished) {
  const Schedule s = Assignment("s1", "alice", helpdesk_);
  index_.Apply(Put(s), 5);
  index_.Publish(5);
  index_.Apply(Erase(s), 6);
  EXPECT_TRUE(Holds(5));
  EXPECT_FALSE(Holds(6));
  EXPECT_EQ(index_.grant_count(), 0U);
  index_.Publish(6);
  EXPECT_FALSE(Holds(5)) << "published removals are gone for every reader";
  EXPECT_FALSE(Holds(AccessIndex::kLatest));
}

TEST_F(AccessIndexVersionsTest, RollBackRestoresTheDurableIndex) {
  const Schedule kept = Assignment("s1", "alice", helpdesk_);
  index_.Apply(Put(kept), 5);
  index_.Publish(5);
  // Staged after 5: the kept grant removed, another added, alice disabled.
  index_.Apply(Erase(kept), 6);
  index_.Apply(Put(Assignment("s2", "alice", helpdesk_, absl::Hours(2))), 7);
  index_.Apply(Put(User("alice", false), User("alice")), 8);
  EXPECT_FALSE(Holds(AccessIndex::kLatest));
  EXPECT_TRUE(Holds(5));

  index_.RollBack(5);
  EXPECT_TRUE(Holds(AccessIndex::kLatest));
  const auto answer = index_.Check("alice", helpdesk_, kNow);
  EXPECT_EQ(answer.granted_by.str(), "s1");
  EXPECT_EQ(index_.grant_count(), 1U);
  EXPECT_EQ(index_.GrantsOf("alice", kNow).size(), 1U);

  // Revisions after 5 can be reused once abandoned.
  index_.Apply(Erase(kept), 6);
  index_.Publish(6);
  EXPECT_FALSE(Holds(AccessIndex::kLatest));
  EXPECT_EQ(index_.grant_count(), 0U);
}

TEST_F(AccessIndexVersionsTest, DisablingIsVersionedToo) {
  index_.Apply(Put(Assignment("s1", "alice", helpdesk_)), 5);
  index_.Apply(Put(User("alice", false), User("alice")), 6);
  EXPECT_TRUE(Holds(5));
  EXPECT_FALSE(Holds(6));
  index_.Apply(Put(User("alice"), User("alice", false)), 7);
  EXPECT_FALSE(Holds(6));
  EXPECT_TRUE(Holds(7));
  index_.Publish(7);
  EXPECT_TRUE(Holds(7));
  EXPECT_TRUE(Holds(5));
}

TEST_F(AccessIndexVersionsTest, GroupMembershipEdgesAreVersioned) {
  const PrincipalId team("team");
  index_.Add(Group("team"));
  index_.Add(Assignment("g1", "team", helpdesk_));
  const Schedule membership = Assignment("m1", "alice", GroupTarget(team, GroupAccess::kMember));
  index_.Apply(Put(membership), 5);
  EXPECT_FALSE(Holds(4));
  EXPECT_EQ(index_.Check("alice", helpdesk_, kNow, 5).via_group.str(), "team");
  EXPECT_EQ(index_.HoldersOf(helpdesk_, kNow, 4).size(), 1U);  // the group only
  EXPECT_EQ(index_.HoldersOf(helpdesk_, kNow, 5).size(), 2U);
  index_.RollBack(4);
  EXPECT_FALSE(Holds(AccessIndex::kLatest));
  EXPECT_EQ(index_.HoldersOf(helpdesk_, kNow).size(), 1U);
}

TEST_F(AccessIndexVersionsTest, AnUpdateThatKeepsTheGrantLeavesItVisibleToEarlierRevisions) {
  Schedule s = Assignment("s1", "alice", helpdesk_);
  index_.Apply(Put(s), 5);
  index_.Publish(5);
  Schedule noticed = s;
  noticed.expiry_notices_sent = 1;
  index_.Apply(Put(noticed, s), 6);
  EXPECT_TRUE(Holds(5)) << "an expiry notice changes nothing a check sees";
  EXPECT_TRUE(Holds(6));
  Schedule longer = noticed;
  longer.expiration.duration = absl::Hours(3);
  index_.Apply(Put(longer, noticed), 7);
  EXPECT_TRUE(Holds(6));
  EXPECT_EQ(index_.Check("alice", helpdesk_, kNow, 6).until, kNow + absl::Minutes(59));
  EXPECT_EQ(index_.Check("alice", helpdesk_, kNow, 7).until, kNow + absl::Minutes(179));
  EXPECT_EQ(index_.grant_count(), 1U);
}

// Principal ids are matched exactly: lowercase GUIDs are kept by value, anything else by name,
// and an uppercase spelling of a GUID is a different id.
TEST_F(AccessIndexVersionsTest, PrincipalIdsAreMatchedExactly) {
  const std::string guid = "0f8fad5b-d9cb-469f-a165-70867728950e";
  std::string upper = guid;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  index_.Add(User(guid));
  index_.Add(User(upper));
  index_.Add(Assignment("s1", guid, helpdesk_));
  index_.Add(Assignment("s2", "alice", helpdesk_));
  EXPECT_EQ(index_.Check(guid, helpdesk_, kNow).granted_by.str(), "s1");
  EXPECT_FALSE(index_.Check(upper, helpdesk_, kNow).allowed);
  EXPECT_FALSE(index_.Check("0f8fad5b-d9cb-469f-a165-70867728950f", helpdesk_, kNow).allowed);
  EXPECT_FALSE(index_.Check("0f8fad5b-d9cb-469f-a165-70867728950", helpdesk_, kNow).allowed);
  EXPECT_EQ(index_.Check("alice", helpdesk_, kNow).granted_by.str(), "s2");
  auto holders = index_.HoldersOf(helpdesk_, kNow);
  std::sort(holders.begin(), holders.end());
  EXPECT_EQ(holders, (std::vector<std::string>{guid, "alice"}));
}

// Schedule ids, group ids and role ids that are lowercase GUIDs are kept by value; an answer
// gives them back as the same text, and a removal still finds the grant it names.
TEST_F(AccessIndexVersionsTest, GuidIdsAreAnsweredAndRemovedByTheirText) {
  const std::string team = "6a1b7a3e-5c8e-4d2b-9a41-0c7d2f1e9b30";
  const std::string grant_id = "00000000-0000-4000-8000-00000000002a";
  const std::string membership_id = "00000000-0000-4000-8000-00000000002b";
  index_.Add(Group(team));
  const Schedule held = Assignment(grant_id, team, helpdesk_);
  index_.Add(held);
  const Schedule membership =
      Assignment(membership_id, "alice", GroupTarget(PrincipalId(team), GroupAccess::kMember));
  index_.Apply(Put(membership), 5);
  // A standing membership's source is not a GUID: it stays text.
  DirectMembership standing{PrincipalId(team), PrincipalId("bob"), GroupAccess::kOwner};
  index_.Apply(Put(standing), 6);

  const auto alice = index_.Check("alice", helpdesk_, kNow);
  EXPECT_TRUE(alice.allowed);
  EXPECT_EQ(alice.granted_by.str(), grant_id);
  EXPECT_EQ(alice.via_group.str(), team);
  const auto grants = index_.GrantsOf("alice", kNow);
  ASSERT_EQ(grants.size(), 2U);
  const Target owner = GroupTarget(PrincipalId(team), GroupAccess::kOwner);
  EXPECT_EQ(index_.Check("bob", owner, kNow).granted_by.str(), "membership:" + standing.Key());

  index_.Apply(Erase(held), 7);
  EXPECT_FALSE(index_.Check("alice", helpdesk_, kNow).allowed);
  index_.Apply(Erase(standing), 8);
  EXPECT_FALSE(index_.Check("bob", owner, kNow).allowed);
  index_.Apply(Erase(membership), 9);
  index_.Publish(9);
  EXPECT_TRUE(index_.GrantsOf("alice", kNow).empty());
  EXPECT_EQ(index_.grant_count(), 0U);
}

// A `member` membership is kept once: it is the grant of the group's member target and the edge
// that passes the group's own grants on. Both come and go together, at the same revision.
TEST_F(AccessIndexVersionsTest, AMembershipGrantsTheGroupAndPassesItsRolesOnAsOne) {
  const PrincipalId team("team");
  index_.Add(Group("team"));
  index_.Add(Assignment("g1", "team", helpdesk_));
  const Target members = GroupTarget(team, GroupAccess::kMember);
  const DirectMembership standing{team, PrincipalId("alice"), GroupAccess::kMember};
  index_.Apply(Put(standing), 5);
  index_.Publish(5);
  EXPECT_EQ(index_.grant_count(), 2U);

  const auto as_member = index_.Check("alice", members, kNow);
  EXPECT_TRUE(as_member.allowed);
  EXPECT_EQ(as_member.granted_by.str(), "membership:" + standing.Key());
  EXPECT_EQ(as_member.via_group.str(), "");
  EXPECT_EQ(as_member.until, std::nullopt);
  EXPECT_EQ(index_.Check("alice", helpdesk_, kNow).via_group.str(), "team");
  EXPECT_FALSE(index_.Check("alice", GroupTarget(team, GroupAccess::kOwner), kNow).allowed);
  EXPECT_EQ(index_.HoldersOf(members, kNow), std::vector<std::string>{"alice"});
  auto grants = index_.GrantsOf("alice", kNow);
  ASSERT_EQ(grants.size(), 2U);
  std::sort(grants.begin(), grants.end(),
            [](const auto& a, const auto& b) { return a.granted_by < b.granted_by; });
  EXPECT_EQ(grants[0].granted_by, "g1");
  EXPECT_EQ(grants[0].via_group, "team");
  EXPECT_EQ(grants[1].target, members);
  EXPECT_EQ(grants[1].target.scope, "");

  index_.Apply(Erase(standing), 6);
  EXPECT_TRUE(index_.Check("alice", members, kNow, 5).allowed);
  EXPECT_TRUE(index_.Check("alice", helpdesk_, kNow, 5).allowed);
  EXPECT_FALSE(index_.Check("alice", members, kNow, 6).allowed);
  EXPECT_FALSE(index_.Check("alice", helpdesk_, kNow, 6).allowed);
  EXPECT_EQ(index_.grant_count(), 1U);
  index_.Publish(6);
  EXPECT_TRUE(index_.HoldersOf(members, kNow).empty());
  EXPECT_EQ(index_.HoldersOf(helpdesk_, kNow), std::vector<std::string>{"team"});
}

// One principal with entries staged at several revisions: publishing the first leaves the later
// ones staged (unseen by earlier readers), and a rollback to it undoes exactly those.
TEST_F(AccessIndexVersionsTest, PublishingOneRevisionLeavesLaterOnesStaged) {
  const Target security = DirectoryRoleTarget(role::kSecurityReader, "/");
  const Schedule first = Assignment("s1", "alice", helpdesk_);
  index_.Apply(Put(first), 5);
  index_.Apply(Put(Assignment("s2", "alice", security)), 6);
  index_.Apply(Erase(first), 7);
  index_.Publish(5);
  EXPECT_TRUE(Holds(5));
  EXPECT_TRUE(Holds(6));
  EXPECT_FALSE(Holds(7));
  EXPECT_FALSE(index_.Check("alice", security, kNow, 5).allowed);
  EXPECT_TRUE(index_.Check("alice", security, kNow, 6).allowed);
  EXPECT_EQ(index_.grant_count(), 1U);

  index_.RollBack(5);
  EXPECT_TRUE(Holds(AccessIndex::kLatest)) << "the removal at 7 is undone";
  EXPECT_FALSE(index_.Check("alice", security, kNow).allowed) << "the grant at 6 is undone";
  EXPECT_EQ(index_.grant_count(), 1U);
  EXPECT_EQ(index_.GrantsOf("alice", kNow).size(), 1U);
}

// A check skips a group whose summary rules the asked object out; the summary follows the
// group's grants as they come and go, and a group that is itself a member of groups is never
// skipped (what it passes on is not in its summary).
TEST_F(AccessIndexVersionsTest, GroupSummariesNeverHideAGrant) {
  index_.Add(Group("outer"));
  index_.Add(Group("inner"));
  index_.Add(Group("plain"));  // a member of no group: skipped unless its summary says otherwise
  const Target security = DirectoryRoleTarget(role::kSecurityReader, "/");
  index_.Add(DirectMembership{PrincipalId("outer"), PrincipalId("inner"), GroupAccess::kMember});
  index_.Add(DirectMembership{PrincipalId("inner"), PrincipalId("alice"), GroupAccess::kMember});
  index_.Add(DirectMembership{PrincipalId("plain"), PrincipalId("alice"), GroupAccess::kMember});
  const Schedule held = Assignment("g1", "outer", helpdesk_);
  index_.Apply(Put(held), 5);
  const auto nested = index_.Check("alice", helpdesk_, kNow);
  EXPECT_TRUE(nested.allowed) << "inner holds nothing itself but passes outer's grant on";
  EXPECT_EQ(nested.via_group.str(), "inner");

  index_.Apply(Erase(held), 6);
  index_.Publish(6);
  EXPECT_FALSE(Holds(AccessIndex::kLatest));
  // Many objects share summary bits: a grant added after the removal is found whatever bit it
  // lands on, and objects sharing its bit are still denied.
  for (int i = 0; i < 200; ++i) {
    index_.Add(Assignment("x" + std::to_string(i), "bob",
                          GroupTarget(PrincipalId("g" + std::to_string(i)), GroupAccess::kOwner)));
  }
  index_.Apply(Put(Assignment("g2", "plain", security)), 7);
  EXPECT_EQ(index_.Check("alice", security, kNow).via_group.str(), "plain");
  EXPECT_FALSE(Holds(AccessIndex::kLatest));
  for (int i = 0; i < 200; ++i) {
    const Target owner = GroupTarget(PrincipalId("g" + std::to_string(i)), GroupAccess::kOwner);
    EXPECT_FALSE(index_.Check("alice", owner, kNow).allowed);
    EXPECT_TRUE(index_.Check("bob", owner, kNow).allowed);
  }
}

// A group's summary includes what the groups above it hold, so a grant given to the top of a
// chain later, or anywhere in a cycle of groups, still reaches the members at the bottom.
TEST_F(AccessIndexVersionsTest, GroupSummariesIncludeEveryGroupAbove) {
  for (const char* g : {"top", "mid", "low", "ring1", "ring2"}) index_.Add(Group(g));
  auto join = [&](const char* group, const char* member) {
    index_.Add(DirectMembership{PrincipalId(group), PrincipalId(member), GroupAccess::kMember});
  };
  join("top", "mid");  // the chain first, while nobody is in it
  join("mid", "low");
  join("low", "alice");
  join("ring1", "ring2");
  join("ring2", "ring1");
  join("ring1", "bob");

  const Schedule at_top = Assignment("g1", "top", helpdesk_);
  index_.Apply(Put(at_top), 5);
  const auto through_chain = index_.Check("alice", helpdesk_, kNow);
  EXPECT_TRUE(through_chain.allowed);
  EXPECT_EQ(through_chain.via_group.str(), "low");

  const Target security = DirectoryRoleTarget(role::kSecurityReader, "/");
  index_.Apply(Put(Assignment("g2", "ring2", security)), 6);
  EXPECT_TRUE(index_.Check("bob", security, kNow).allowed);
  EXPECT_FALSE(index_.Check("alice", security, kNow).allowed);

  index_.Apply(Erase(at_top), 7);
  index_.Publish(7);
  EXPECT_FALSE(Holds(AccessIndex::kLatest));
  index_.Apply(Put(Assignment("g3", "mid", helpdesk_)), 8);
  EXPECT_TRUE(Holds(AccessIndex::kLatest)) << "mid's summary was recomputed, low's kept";
}

// Sources are GUIDs by value, except the few whose first half is all ones (the index's mark for
// text): those are kept as text, and answered and removed exactly like the others.
TEST_F(AccessIndexVersionsTest, AScheduleIdThatLooksLikeTheTextMarkIsKeptExactly) {
  const std::string marked = "ffffffff-ffff-ffff-0000-000000000001";
  const Schedule s = Assignment(marked, "alice", helpdesk_);
  index_.Apply(Put(s), 5);
  EXPECT_EQ(index_.Check("alice", helpdesk_, kNow).granted_by.str(), marked);
  index_.Apply(Put(Assignment("ffffffff-ffff-fffe-0000-000000000001", "alice", helpdesk_,
                              absl::Minutes(30))),
               6);
  index_.Apply(Erase(s), 7);
  index_.Publish(7);
  EXPECT_EQ(index_.Check("alice", helpdesk_, kNow).granted_by.str(),
            "ffffffff-ffff-fffe-0000-000000000001");
  EXPECT_EQ(index_.grant_count(), 1U);
}

// A grant at the root covers every registered scope below it, and no scope that was never
// registered, even one spelled like a child of the root.
TEST_F(AccessIndexVersionsTest, AGrantCoversRegisteredScopesOnly) {
  const Target in_unit =
      DirectoryRoleTarget(role::kHelpdeskAdministrator, "/administrativeUnits/au1");
  const Target elsewhere =
      DirectoryRoleTarget(role::kHelpdeskAdministrator, "/administrativeUnits/au2");
  index_.Add(ScopeNode{in_unit.scope, ScopeKind::kAdministrativeUnit, "/", "AU 1"});
  index_.Add(Assignment("s1", "alice", helpdesk_));
  EXPECT_TRUE(index_.Check("alice", in_unit, kNow).allowed);
  EXPECT_EQ(index_.HoldersOf(in_unit, kNow), std::vector<std::string>{"alice"});
  EXPECT_FALSE(index_.Check("alice", elsewhere, kNow).allowed);
  EXPECT_TRUE(index_.HoldersOf(elsewhere, kNow).empty());
  EXPECT_FALSE(index_.Check("bob", elsewhere, kNow).allowed);
}

}  // namespace
}  // namespace pim
