// Every change record carries where its command came from (the caller's correlation id and
// client address); the scheduler's own records carry none.
#include <string>
#include <vector>

#include "unit/engine/engine_fixture.h"

namespace pim::testing {
namespace {

class ChangeOriginTest : public EngineTest {
 protected:
  std::vector<ChangeRecord> ChangesAfter(Revision after) {
    auto changes = store_->ReadChanges(after, 1000);
    EXPECT_TRUE(changes.ok()) << changes.status();
    return changes.ok() ? *changes : std::vector<ChangeRecord>{};
  }
};

TEST_F(ChangeOriginTest, CommandRecordsCarryTheCallersOrigin) {
  const PrincipalId alice = AddUser("alice");
  const Revision before = engine_->revision();
  Caller admin = Caller::System();
  admin.correlation_id = "corr-42";
  admin.client_address = "198.51.100.7";
  ASSERT_TRUE(Admin(RequestAction::kAdminAssign, ScheduleKind::kAssignment, alice, Helpdesk(),
                    For(absl::Hours(2)), std::nullopt, admin)
                  .ok());
  const std::vector<ChangeRecord> records = ChangesAfter(before);
  ASSERT_FALSE(records.empty());
  for (const ChangeRecord& r : records) {
    EXPECT_EQ(r.correlation_id, "corr-42") << r.event;
    EXPECT_EQ(r.client_address, "198.51.100.7") << r.event;
  }
}

TEST_F(ChangeOriginTest, SchedulerRecordsHaveNoOrigin) {
  const PrincipalId alice = AddUser("alice");
  Caller admin = Caller::System();
  admin.correlation_id = "corr-1";
  admin.client_address = "198.51.100.7";
  ASSERT_TRUE(Admin(RequestAction::kAdminAssign, ScheduleKind::kAssignment, alice, Helpdesk(),
                    For(absl::Hours(2)), std::nullopt, admin)
                  .ok());
  const Revision before = engine_->revision();
  clock_.Advance(absl::Hours(3));
  const std::vector<ChangeRecord> records = ChangesAfter(before);
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records.front().event, "schedule.expired");
  for (const ChangeRecord& r : records) {
    EXPECT_EQ(r.correlation_id, "") << r.event;
    EXPECT_EQ(r.client_address, "") << r.event;
  }
}

}  // namespace
}  // namespace pim::testing
