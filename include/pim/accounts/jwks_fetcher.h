// How pimd obtains an external identity provider's JWKS document from its `jwksUri`: the
// interface the accounts layer programs against, so that it stays free of network code (pimd
// wires in libcurl, server/curl_jwks_fetcher.h; tests use a fake), the rule every URL must
// pass, and the cache lifetime an HTTP answer grants.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace pim::accounts {

// A document as fetched.
struct FetchedDocument {
  std::string body;
  // The freshness lifetime the answer's Cache-Control grants (CacheControlMaxAge); nullopt
  // when it names none.
  std::optional<absl::Duration> max_age;
};

// Fetches a JWKS document. Implementations are thread-safe; a RemoteJwks calls its fetcher
// from one thread at a time.
class JwksFetcher {
 public:
  virtual ~JwksFetcher() = default;

  // GETs `url`. On success: the body of a 200 answer and its cache lifetime. Errors:
  // InvalidArgument when `url` fails ValidateJwksUri; Unavailable when the server cannot be
  // reached or is not trusted (TLS), redirects somewhere not allowed, answers anything but
  // 200, or is too slow; ResourceExhausted when the body is larger than the implementation
  // accepts. Messages name the URL and the reason, nothing else.
  [[nodiscard]] virtual absl::StatusOr<FetchedDocument> Fetch(const std::string& url) = 0;
};

// OK when `url` may serve an issuer's keys: an absolute `https://` URL, or `http://` only when
// its host is loopback (127.0.0.0/8 as a dotted quad, [::1] or localhost), since keys fetched
// in clear text over a network could be replaced by anyone on the path. No user information
// (`user@`), no fragment, no whitespace or control characters, at most 2048 bytes.
// InvalidArgument naming the problem otherwise.
[[nodiscard]] absl::Status ValidateJwksUri(std::string_view url);

// The freshness lifetime a `Cache-Control` header value grants (RFC 9111): `max-age=N` as N
// seconds, zero when it says `no-store` or `no-cache`, nullopt when it names no lifetime or
// max-age is malformed. Directive names are case-insensitive.
[[nodiscard]] std::optional<absl::Duration> CacheControlMaxAge(std::string_view header);

}  // namespace pim::accounts
