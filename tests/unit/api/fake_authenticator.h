// A test Authenticator: fixed bearer strings mapped to callers who performed MFA "now", and the
// bearer strings the API tests use.
#pragma once

#include <map>
#include <string>

#include "pim/api/authenticator.h"
#include "pim/domain/status.h"
#include "pim/engine/clock.h"

namespace pim::testing {

// Bearer strings the API tests map to an administrator, a plain user and a security reader.
inline constexpr char kAdminToken[] = "admin-token-0123456789abcdef0123456789";
inline constexpr char kUserToken[] = "user-token-0123456789abcdef01234567890";
inline constexpr char kReaderToken[] = "reader-token-0123456789abcdef012345678";

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
