// Bearer tokens mapped to principals by a file the operator writes: the demo and test path
// until pim issues its own tokens (OpenID Connect, issue #4). Tokens are kept only as SHA-256
// digests and compared in constant time.
//
// File format (JSON, should be mode 0600):
//   {"tokens": [{"token": "<at least 32 characters>", "principalId": "<guid>",
//                "mfa": true, "authenticationContexts": ["c1"]}]}
// `mfa: true` stands for a sign-in with multi-factor authentication performed at the moment
// of each request (the freshest possible), so MFA-gated activations succeed; `false` never
// satisfies an MFA rule.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "pim/api/authenticator.h"
#include "pim/engine/clock.h"

namespace pim::api {

struct StaticToken {
  std::string token;
  std::string principal_id;
  bool mfa = false;
  std::vector<std::string> authentication_contexts;
};

class StaticTokenAuthenticator final : public Authenticator {
 public:
  // Errors: InvalidArgument for a token shorter than 32 characters, a duplicate token, or an
  // empty principal id.
  [[nodiscard]] static absl::StatusOr<StaticTokenAuthenticator> Create(
      const std::vector<StaticToken>& tokens, const Clock& clock);
  // Parses the file format above. Errors: InvalidArgument naming what is wrong (never a token).
  [[nodiscard]] static absl::StatusOr<std::vector<StaticToken>> ParseFile(std::string_view json);

  [[nodiscard]] absl::StatusOr<Caller> Authenticate(const HttpRequest& request) const override;

 private:
  using Digest = std::array<unsigned char, 32>;
  struct Entry {
    Digest digest;
    std::string principal_id;
    bool mfa;
    std::vector<std::string> authentication_contexts;
  };
  StaticTokenAuthenticator(std::vector<Entry> entries, const Clock& clock)
      : entries_(std::move(entries)), clock_(&clock) {}

  std::vector<Entry> entries_;
  const Clock* clock_;
};

}  // namespace pim::api
