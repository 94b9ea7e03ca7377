// Who is asking, and the facts about their sign-in that policies depend on. The API layer
// builds it from a validated token; the engine never trusts anything else.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "pim/domain/ids.h"

namespace pim {

struct Caller {
  PrincipalId id;
  std::optional<absl::Time> mfa_at;  // when multi-factor authentication was performed
  std::vector<std::string> authentication_contexts;  // satisfied `acrs` claim values, e.g. "c1"
  bool is_system = false;  // the service itself (bootstrap, directory sync, scheduler)
  // Where the call came from, copied into every change record it causes (the audit trail):
  // the client's `client-request-id` (else our request id) and the peer address. Empty for
  // the scheduler and other work the service does on its own.
  std::string correlation_id;
  std::string client_address;

  // The service acting on its own behalf: may make directory changes, is never an approver.
  [[nodiscard]] static Caller System() {
    Caller c;
    c.id = PrincipalId("system");
    c.is_system = true;
    return c;
  }
  [[nodiscard]] static Caller User(std::string_view id) {
    Caller c;
    c.id = PrincipalId(id);
    return c;
  }
  // The same caller, having performed MFA at `t`.
  [[nodiscard]] Caller WithMfa(absl::Time t) const {
    Caller c = *this;
    c.mfa_at = t;
    return c;
  }
};

}  // namespace pim
