// The JwksFetcher pimd uses: one libcurl GET per fetch. HTTPS with the peer's certificate and
// host name verified (TLS 1.2 or later), against the system's CA store or, when an issuer names
// a `caFile`, against that file alone. http:// only for loopback hosts (ValidateJwksUri).
// Redirects are followed only to https:// URLs, at most 3. Only a 200 answer counts; its body
// is capped; connecting may take 5 s and the whole fetch 10 s. Proxies named by the usual
// environment variables (https_proxy, no_proxy) are honoured, as libcurl does.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pim/accounts/jwks_fetcher.h"

namespace pim::server {

// libcurl's process-wide set-up: curl_global_init on construction, curl_global_cleanup on
// destruction. pimd's main makes one before it starts any thread; nothing else calls
// curl_global_init.
class CurlLibrary {
 public:
  CurlLibrary();
  CurlLibrary(const CurlLibrary&) = delete;
  CurlLibrary& operator=(const CurlLibrary&) = delete;
  ~CurlLibrary();

  // Whether curl_global_init succeeded.
  [[nodiscard]] bool ok() const { return ok_; }

 private:
  bool ok_ = false;
};

struct CurlJwksFetcherOptions {
  std::string ca_file;  // PEM CA certificates trusted instead of the system's; "" = system
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration total_timeout = absl::Seconds(10);
  size_t max_body_bytes = size_t{1024} * 1024;
  int max_redirects = 3;
};

// Thread-safe (each fetch uses its own handle). Requires a live CurlLibrary.
class CurlJwksFetcher final : public accounts::JwksFetcher {
 public:
  explicit CurlJwksFetcher(CurlJwksFetcherOptions options = {});

  // See JwksFetcher::Fetch. Errors: InvalidArgument (the URL fails ValidateJwksUri);
  // Unavailable (cannot connect, certificate not trusted or not for the host, redirect to a
  // non-https URL or too many, a status other than 200, timeout); ResourceExhausted (body over
  // max_body_bytes).
  [[nodiscard]] absl::StatusOr<accounts::FetchedDocument> Fetch(const std::string& url) override;

 private:
  const CurlJwksFetcherOptions options_;
};

}  // namespace pim::server
