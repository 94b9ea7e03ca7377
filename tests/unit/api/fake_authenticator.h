// A test Authenticator: fixed bearer strings mapped to callers who performed MFA "now".
#pragma once

#include <map>
#include <string>

#include "pim/api/authenticator.h"
#include "pim/domain/status.h"
#include "pim/engine/clock.h"

namespace pim::testing {

class FakeAuthenticator final : public api::Authenticator {
 public:
  FakeAuthenticator(std::map<std::string, std::string> principal_by_token, const Clock& clock)
      : principals_(std::move(principal_by_token)), clock_(clock) {}

  absl::StatusOr<Caller> Authenticate(const api::HttpRequest& request) const override {
    const std::string_view header = request.Header("authorization");
    auto it = header.starts_with("Bearer ") ? principals_.find(std::string(header.substr(7)))
                                            : principals_.end();
    if (it == principals_.end()) {
      return Error(absl::StatusCode::kUnauthenticated, api::kInvalidAuthenticationToken,
                   "Access token is invalid or has expired.");
    }
    return Caller::User(it->second).WithMfa(clock_.Now());
  }

 private:
  const std::map<std::string, std::string> principals_;
  const Clock& clock_;
};

}  // namespace pim::testing
