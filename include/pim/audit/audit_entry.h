// An audit entry: one change record of the engine's change log, described the way Entra's
// audit history describes it (activity names such as "Add member to role completed (PIM
// activation)"), and its canonical encoding, the bytes the hash chain covers (docs/audit.md).
//
// An entry is a pure function of its change record, so the chain can be derived again from
// the change log at any time and always comes out the same. Names of people and roles are not
// part of it (they change, and a principal may be deleted): exports add them as labels,
// looked up when exporting and not covered by the hash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "boost/json/value.hpp"
#include "pim/domain/change.h"

namespace pim::audit {

// What an entry is about. For schedule requests, schedules and policies: the role or group
// (`kind` "directoryRole", "resourceRole" or "group"; `id` the role definition or group id;
// `access` "member"/"owner" for groups), its `scope`, and the principal the assignment is for.
// For directory objects: `kind` "user", "group", "servicePrincipal", "membership", "scope" or
// "roleDefinition" and their id (a membership: the group, with the member as principal).
struct AuditTarget {
  std::string kind;
  std::string id;
  std::string access;
  std::string scope;
  std::string principal_id;
  friend bool operator==(const AuditTarget&, const AuditTarget&) = default;
};

struct AuditEntry {
  std::int64_t seq = 0;  // the change record's revision
  absl::Time at;         // kept to the microsecond
  std::string actor_id;  // a principal id, or "system" for the service itself
  std::string activity;  // Entra's vocabulary (docs/audit.md lists every one)
  std::string category;  // RoleManagement, GroupManagement, UserManagement, ...
  std::string result;    // "success" or "failure"
  AuditTarget target;
  std::string justification;
  std::string ticket_system;
  std::string ticket_number;
  std::string request_id;  // the schedule request behind it, if any
  std::string correlation_id;
  std::string client_address;
  std::string event;   // the change record's event, e.g. "request.selfActivate"
  std::string detail;  // the change record's summary
  friend bool operator==(const AuditEntry&, const AuditEntry&) = default;
};

// The entry for `record`. Total: an event it does not know becomes "Other change in PIM".
[[nodiscard]] AuditEntry AuditEntryFor(const ChangeRecord& record);

// RFC 3339 in UTC with exactly six fractional digits: "2026-01-05T09:00:00.000000Z".
[[nodiscard]] std::string FormatAuditTime(absl::Time t);

// The entry as the JSON object that is hashed and exported (every field always present).
[[nodiscard]] boost::json::object EntryToJson(const AuditEntry& entry);

// The canonical encoding of a JSON value: object members sorted by key (byte order of their
// UTF-8), no whitespace, strings with only `"`, `\` and control characters escaped (\b \t \n
// \f \r, else \u00xx in lower-case hex), integers in decimal. Floating-point numbers do not
// occur in audit data and are refused (nullopt), as is nesting deeper than 32.
[[nodiscard]] std::optional<std::string> CanonicalJson(const boost::json::value& value);

// CanonicalJson(EntryToJson(entry)).
[[nodiscard]] std::string CanonicalEntry(const AuditEntry& entry);

}  // namespace pim::audit
