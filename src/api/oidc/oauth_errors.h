// RFC 6749 §5.2 error responses, and the mapping from the accounts layer's statuses to them.
#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "pim/api/http.h"

namespace pim::api::oidc {

// `{"error": error, "error_description": description}` with `status`, no-store.
[[nodiscard]] HttpResponse OAuthError(int status, std::string_view error,
                                      std::string_view description);

// A failed grant: lockout → 429 temporarily_unavailable (Retry-After), a bad client → 401
// invalid_client, anything the user got wrong → 400 invalid_grant, store failures → 500. The
// accounts code travels in `suberror`.
[[nodiscard]] HttpResponse GrantError(const absl::Status& status);

// A JSON body with `Cache-Control: no-store` (tokens, secrets).
[[nodiscard]] HttpResponse NoStoreJson(int status, std::string body);

}  // namespace pim::api::oidc
