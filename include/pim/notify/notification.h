// A notification: one event, derived from one change record, with the e-mail addresses the
// governing policy's notification rules name. Channels render it (an e-mail per recipient, one
// webhook call per event); the event vocabulary below is stable and documented in
// docs/notifications.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "pim/domain/change.h"
#include "pim/domain/enum_table.h"

namespace pim::notify {

enum class EventType {
  kEligibleAssigned,
  kActiveAssigned,
  kActivated,
  kApprovalRequested,
  kApproved,
  kDenied,
  kCanceled,
  kApprovalTimedOut,
  kExpiringSoon,
  kExpired,
  kExtensionRequested,
  kRenewalRequested,
  kAlert
};
inline constexpr auto kEventTypeNames = MakeEnumTable<EventType>(
    std::pair{EventType::kEligibleAssigned, std::string_view("eligibleAssigned")},
    std::pair{EventType::kActiveAssigned, std::string_view("activeAssigned")},
    std::pair{EventType::kActivated, std::string_view("activated")},
    std::pair{EventType::kApprovalRequested, std::string_view("approvalRequested")},
    std::pair{EventType::kApproved, std::string_view("approved")},
    std::pair{EventType::kDenied, std::string_view("denied")},
    std::pair{EventType::kCanceled, std::string_view("canceled")},
    std::pair{EventType::kApprovalTimedOut, std::string_view("approvalTimedOut")},
    std::pair{EventType::kExpiringSoon, std::string_view("expiringSoon")},
    std::pair{EventType::kExpired, std::string_view("expired")},
    std::pair{EventType::kExtensionRequested, std::string_view("extensionRequested")},
    std::pair{EventType::kRenewalRequested, std::string_view("renewalRequested")},
    std::pair{EventType::kAlert, std::string_view("alert")});

struct Notification {
  // Stable and unique: "<revision>.<n>", n counting the events derived from that revision.
  // Channels build their idempotency keys from it.
  std::string id;
  Revision revision = 0;
  EventType type = EventType::kAlert;
  bool critical = false;                // needs someone to act (approve, respond to an alert)
  absl::Time at;                        // when the change happened (the engine's clock)
  std::vector<std::string> recipients;  // e-mail addresses, sorted, unique; may be empty

  // Facts about the event; empty when they do not apply.
  std::string actor;           // principal id of who caused it ("system" for the scheduler)
  std::string principal;       // whose access it is about (id)
  std::string principal_name;  // display name
  std::string target;          // Target::Key()
  std::string target_name;     // role or group display name
  std::string scope;           // "/" for directory roles; the ARM scope for resource roles
  std::string request_id;
  std::string schedule_id;
  std::string justification;
  std::string ticket;  // "system: number"
  std::optional<absl::Time> start;
  std::optional<absl::Time> end;  // when the access ends (absent: permanent)
  std::string summary;            // one human sentence, no secrets
};

}  // namespace pim::notify
