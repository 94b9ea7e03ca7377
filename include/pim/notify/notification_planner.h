// Turns change records into notifications, applying the notification rules of the policy that
// governs each target (Notification_{Admin,Requestor,Approver}_{Admin_Eligibility,
// Admin_Assignment,EndUser_Assignment}): a rule at level Critical passes only critical events;
// default recipients are added when the rule enables them, then the rule's extra addresses.
//
// Default recipients: Admin = active Global and Privileged Role Administrators (and, for a
// group, its owners); Requestor = the principal whose access it is; Approver = the approvers of
// the stage in progress (users, group members or owners, role holders). Principals without an
// e-mail address are skipped. Tenant alerts go to the Global and Privileged Role
// Administrators and are always critical.
#pragma once

#include <vector>

#include "pim/domain/change.h"
#include "pim/engine/engine.h"
#include "pim/notify/notification.h"

namespace pim::notify {

// The notifications `record` causes, in a deterministic order, judged against the engine's
// current state (recipients are resolved when the record is planned, not when it was made).
[[nodiscard]] std::vector<Notification> PlanNotifications(const ChangeRecord& record,
                                                          const Engine& engine);

}  // namespace pim::notify
