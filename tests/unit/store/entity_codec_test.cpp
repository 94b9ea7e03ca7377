#include "pim/store/entity_codec.h"

#include <limits>
#include <string>
#include <variant>

#include "gtest/gtest.h"
#include "unit/store/sample_entities.h"

namespace pim {
namespace {

using testing::Create;
using testing::Delete;
using testing::Record;
using testing::SampleEntities;
using testing::Update;

void ExpectRoundTrip(const Entity& entity) {
  const std::string json = EncodeEntity(entity);
  absl::StatusOr<Entity> decoded = DecodeEntity(KindOf(entity), json);
  ASSERT_TRUE(decoded.ok()) << decoded.status() << "\n" << json;
  EXPECT_EQ(decoded->index(), entity.index());
  EXPECT_TRUE(*decoded == entity) << json;
  EXPECT_EQ(EncodeEntity(*decoded), json);
}

TEST(EntityCodecTest, EveryKindRoundTripsWithEveryFieldSet) {
  for (const Entity& entity : SampleEntities(7)) {
    SCOPED_TRACE(kEntityKindNames.Name(KindOf(entity)));
    ExpectRoundTrip(entity);
  }
}

TEST(EntityCodecTest, SampleFieldsDifferFromDefaults) {
  // Guards the round-trip test above: a field left at its default would not prove anything.
  const Schedule s = testing::SampleSchedule(1);
  EXPECT_NE(s.expiry_notices_sent, Schedule{}.expiry_notices_sent);
  EXPECT_NE(s.assignment_type, Schedule{}.assignment_type);
  const Policy p = testing::SamplePolicy(1);
  for (const NotificationRule& rule : p.notifications) EXPECT_NE(rule, NotificationRule{});
  EXPECT_NE(p.approval, ApprovalRule{});
}

TEST(EntityCodecTest, DefaultEntitiesRoundTrip) {
  ExpectRoundTrip(Principal{});
  ExpectRoundTrip(DirectMembership{});
  ExpectRoundTrip(ScopeNode{});
  ExpectRoundTrip(RoleDefinition{});
  ExpectRoundTrip(Schedule{});
  ExpectRoundTrip(ScheduleRequest{});
  ExpectRoundTrip(Policy{});
}

TEST(EntityCodecTest, EveryEnumeratorRoundTrips) {
  for (const auto& [state, name] : kScheduleStateNames.entries) {
    Schedule s = testing::SampleSchedule(1);
    s.state = state;
    ExpectRoundTrip(s);
  }
  for (const auto& [status, name] : kRequestStatusNames.entries) {
    ScheduleRequest r = testing::SampleRequest(1);
    r.status = status;
    ExpectRoundTrip(r);
  }
  for (const auto& [action, name] : kRequestActionNames.entries) {
    ScheduleRequest r = testing::SampleRequest(1);
    r.action = action;
    ExpectRoundTrip(r);
  }
  for (const auto& [kind, name] : kScopeKindNames.entries) {
    ScopeNode s = testing::SampleScope(1);
    s.kind = kind;
    ExpectRoundTrip(s);
  }
}

TEST(EntityCodecTest, OptionalFieldsAbsentRoundTrip) {
  ScheduleRequest r = testing::SampleRequest(3);
  r.completed.reset();
  r.target_schedule.reset();
  r.linked_eligibility.reset();
  r.approval.reset();
  r.schedule_info.start.reset();
  r.schedule_info.expiration = Expiration{};
  ExpectRoundTrip(r);
  r.approval = Approval{};  // present but without stages
  ExpectRoundTrip(r);
  Schedule s = testing::SampleSchedule(3);
  s.activated_using.reset();
  s.expiration = Expiration{ExpirationType::kNoExpiration, std::nullopt, std::nullopt};
  ExpectRoundTrip(s);
}

TEST(EntityCodecTest, ExtremeTimesAndDurationsRoundTrip) {
  for (absl::Time t : {absl::InfinitePast(), absl::InfiniteFuture(), absl::UnixEpoch(),
                       absl::FromUnixNanos(-1), absl::FromUnixNanos(-123'456'789'012'345'678),
                       absl::FromUnixNanos(std::numeric_limits<std::int64_t>::max() - 1)}) {
    Schedule s = testing::SampleSchedule(1);
    s.start = t;
    s.expiration.end = t;
    ExpectRoundTrip(s);
  }
  for (absl::Duration d : {absl::InfiniteDuration(), -absl::InfiniteDuration(),
                           absl::ZeroDuration(), absl::Nanoseconds(-5), absl::Nanoseconds(1)}) {
    Policy p = testing::SamplePolicy(1);
    p.activation_expiration.maximum_duration = d;
    ExpectRoundTrip(p);
  }
}

TEST(EntityCodecTest, ChangeRecordRoundTripsWithCreateUpdateDelete) {
  const std::vector<Entity> a = SampleEntities(1);
  const std::vector<Entity> b = SampleEntities(2);
  std::vector<Mutation> mutations;
  for (std::size_t i = 0; i < a.size(); ++i) {
    mutations.push_back(Create(a[i]));
    mutations.push_back(Update(b[i], b[i]));
    mutations.push_back(Delete(a[i]));
  }
  const ChangeRecord record = Record(42, std::move(mutations));
  const std::string json = EncodeChangeRecord(record);
  absl::StatusOr<ChangeRecord> decoded = DecodeChangeRecord(json);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, record);
  EXPECT_EQ(EncodeChangeRecord(*decoded), json);
}

TEST(EntityCodecTest, EmptyChangeRecordRoundTrips) {
  const ChangeRecord record;
  absl::StatusOr<ChangeRecord> decoded = DecodeChangeRecord(EncodeChangeRecord(record));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, record);
}

TEST(EntityCodecTest, EncodingIsCompact) {
  const std::string json = EncodeEntity(testing::SamplePrincipal(1));
  EXPECT_EQ(json.find('\n'), std::string::npos);
  EXPECT_EQ(json.find(": "), std::string::npos);
}

TEST(EntityCodecTest, UnknownFieldsAreIgnored) {
  std::string json = EncodeEntity(testing::SamplePrincipal(1));
  json.insert(1, R"("addedLater":{"x":[1,2,3]},)");
  absl::StatusOr<Entity> decoded = DecodeEntity(EntityKind::kPrincipal, json);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_TRUE(*decoded == Entity(testing::SamplePrincipal(1)));
}

TEST(EntityCodecTest, OptionalFieldMayBeNull) {
  Schedule s = testing::SampleSchedule(1);
  s.activated_using.reset();
  std::string json = EncodeEntity(s);
  json.insert(1, R"("activatedUsing":null,)");
  absl::StatusOr<Entity> decoded = DecodeEntity(EntityKind::kSchedule, json);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_TRUE(*decoded == Entity(s));
}

struct BadInput {
  const char* name;
  EntityKind kind;
  std::string json;
};

class EntityCodecRejectTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(EntityCodecRejectTest, IsDataLoss) {
  absl::StatusOr<Entity> decoded = DecodeEntity(GetParam().kind, GetParam().json);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kDataLoss) << decoded.status();
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string DropFirstNotification(std::string json) {
  const std::string open = "\"notifications\":[";
  const std::size_t start = json.find(open) + open.size();
  const std::size_t next = json.find("},{", start) + 2;  // rules hold no nested objects
  json.erase(start, next - start);
  return json;
}

std::vector<BadInput> BadInputs() {
  const std::string principal = EncodeEntity(testing::SamplePrincipal(1));
  const std::string policy = EncodeEntity(testing::SamplePolicy(1));
  const std::string schedule = EncodeEntity(testing::SampleSchedule(1));
  const std::string request = EncodeEntity(testing::SampleRequest(1));
  return {
      {"Empty", EntityKind::kPrincipal, ""},
      {"NotJson", EntityKind::kPrincipal, "not json"},
      {"TrailingGarbage", EntityKind::kPrincipal, principal + "x"},
      {"Array", EntityKind::kPrincipal, "[]"},
      {"Null", EntityKind::kPrincipal, "null"},
      {"EmptyObject", EntityKind::kPrincipal, "{}"},
      {"WrongKind", EntityKind::kSchedule, principal},
      {"StringAsBool", EntityKind::kPrincipal,
       Replace(principal, "\"enabled\":false", "\"enabled\":\"false\"")},
      {"UnknownEnum", EntityKind::kPrincipal, Replace(principal, "\"Group\"", "\"Robot\"")},
      {"IdNotString", EntityKind::kPrincipal,
       Replace(principal, "\"id\":\"11111111", "\"id\":1,\"x\":\"")},
      {"TimeAsDouble", EntityKind::kSchedule,
       Replace(schedule, "\"start\":", "\"start\":1.5,\"old\":")},
      {"TimeTooLarge", EntityKind::kSchedule,
       Replace(schedule, "\"start\":", "\"start\":18446744073709551615,\"old\":")},
      {"IntOutOfRange", EntityKind::kSchedule,
       Replace(schedule, "\"expiryNoticesSent\":2", "\"expiryNoticesSent\":4294967296")},
      {"TargetNotObject", EntityKind::kSchedule,
       Replace(schedule, "\"target\":{", "\"target\":7,\"old\":{")},
      {"EightNotifications", EntityKind::kPolicy, DropFirstNotification(policy)},
      {"StagesNotArray", EntityKind::kRequest,
       Replace(request, "\"stages\":[", "\"stages\":{},\"old\":[")},
      {"RecipientNotString", EntityKind::kPolicy,
       Replace(policy, "\"recipients\":[", "\"recipients\":[1,")},
      {"DeepNesting", EntityKind::kPrincipal, std::string(10000, '[') + std::string(10000, ']')},
  };
}

INSTANTIATE_TEST_SUITE_P(Malformed, EntityCodecRejectTest, ::testing::ValuesIn(BadInputs()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(EntityCodecTest, EveryTruncationIsRejectedWithoutCrashing) {
  for (const Entity& entity : SampleEntities(1)) {
    const std::string json = EncodeEntity(entity);
    for (std::size_t n = 0; n < json.size(); ++n) {
      absl::StatusOr<Entity> decoded = DecodeEntity(KindOf(entity), json.substr(0, n));
      ASSERT_FALSE(decoded.ok()) << n;
      ASSERT_EQ(decoded.status().code(), absl::StatusCode::kDataLoss);
    }
  }
}

TEST(EntityCodecTest, MessageNamesTheFieldNotTheValue) {
  Principal p = testing::SamplePrincipal(1);
  p.display_name = "s3cr3t-value";
  const std::string json =
      Replace(EncodeEntity(p), "\"isAssignableToRole\":true", "\"isAssignableToRole\":\"s3cr3t\"");
  absl::StatusOr<Entity> decoded = DecodeEntity(EntityKind::kPrincipal, json);
  ASSERT_EQ(decoded.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(decoded.status().message().find("principal.isAssignableToRole"), std::string::npos)
      << decoded.status();
  EXPECT_EQ(decoded.status().message().find("s3cr3t"), std::string::npos);
}

TEST(EntityCodecTest, NestedFieldPathInMessage) {
  const std::string json = Replace(EncodeEntity(testing::SampleRequest(1)),
                                   "\"approvalsRequired\":2", "\"approvalsRequired\":true");
  absl::StatusOr<Entity> decoded = DecodeEntity(EntityKind::kRequest, json);
  ASSERT_EQ(decoded.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(decoded.status().message().find("request.approval.stages.approvalsRequired"),
            std::string::npos)
      << decoded.status();
}

TEST(EntityCodecTest, InvalidKindIsInvalidArgument) {
  absl::StatusOr<Entity> decoded = DecodeEntity(static_cast<EntityKind>(99), "{}");
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(EntityCodecTest, MalformedChangeRecordsAreDataLoss) {
  const std::string good = EncodeChangeRecord(Record(3, {Create(testing::SampleSchedule(1))}));
  for (const std::string& bad :
       {std::string("{"), std::string("{}"), Replace(good, "\"revision\":3", "\"revision\":\"3\""),
        Replace(good, "\"kind\":\"schedule\"", "\"kind\":\"gadget\""),
        Replace(good, "\"kind\":\"schedule\"", "\"kind\":\"principal\""),
        Replace(good, "\"mutations\":[", "\"mutations\":[1,")}) {
    absl::StatusOr<ChangeRecord> decoded = DecodeChangeRecord(bad);
    ASSERT_FALSE(decoded.ok()) << bad;
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kDataLoss) << bad;
  }
}

}  // namespace
}  // namespace pim

namespace pim {
namespace {

TEST(EntityCodecTest, PolicyWithEightNotificationRulesNamesTheField) {
  absl::StatusOr<Entity> decoded = DecodeEntity(
      EntityKind::kPolicy, DropFirstNotification(EncodeEntity(testing::SamplePolicy(1))));
  ASSERT_EQ(decoded.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(decoded.status().message().find("exactly 9"), std::string::npos) << decoded.status();
}

}  // namespace
}  // namespace pim
