// An engine with a small directory whose people have e-mail addresses, and a way to plan the
// notifications of every change record made since a point in the log.
#pragma once

#include <string>
#include <vector>

#include "pim/notify/notification_planner.h"
#include "unit/engine/approval_helpers.h"
#include "unit/engine/engine_fixture.h"

namespace pim::testing {

class NotifyTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    admin_ = AddPerson("Ada Admin", "ada@example.com");
    ASSERT_TRUE(MakeActive(admin_, GA()).ok());
    alice_ = AddPerson("Alice", "alice@example.com");
    bob_ = AddPerson("Bob Approver", "bob@example.com");
  }

  PrincipalId AddPerson(const std::string& name, const std::string& mail) {
    Principal p;
    p.id = PrincipalId(NewId());
    p.kind = PrincipalKind::kUser;
    p.display_name = name;
    p.mail = mail;
    EXPECT_TRUE(engine_->PutPrincipal(Caller::System(), p).ok());
    return p.id;
  }

  // The notifications planned from the records after `since`.
  std::vector<notify::Notification> PlannedSince(Revision since) {
    auto records = store_->ReadChanges(since, 10000);
    EXPECT_TRUE(records.ok()) << records.status();
    std::vector<notify::Notification> out;
    for (const ChangeRecord& r : *records) {
      for (notify::Notification& n : notify::PlanNotifications(r, *engine_)) {
        out.push_back(std::move(n));
      }
    }
    return out;
  }

  static std::vector<std::string> Types(const std::vector<notify::Notification>& ns) {
    std::vector<std::string> out;
    for (const auto& n : ns) out.emplace_back(notify::kEventTypeNames.Name(n.type));
    return out;
  }

  PrincipalId admin_, alice_, bob_;
};

}  // namespace pim::testing
