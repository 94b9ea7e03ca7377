// Turns a request's credentials into the Caller every command and query is made as.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "pim/api/http.h"
#include "pim/engine/caller.h"

namespace pim::api {

// The `code` of every authentication failure (Graph's and ARM's spelling).
inline constexpr std::string_view kInvalidAuthenticationToken = "InvalidAuthenticationToken";

// Thread-safe implementations only: the server calls it from every worker.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // The caller the request's `Authorization: Bearer` credential proves. Errors:
  // Unauthenticated (code InvalidAuthenticationToken) when it is missing, malformed or unknown;
  // the message never echoes the credential.
  [[nodiscard]] virtual absl::StatusOr<Caller> Authenticate(const HttpRequest& request) const = 0;
};

}  // namespace pim::api
