// HttpClient on libcurl. TLS certificates and host names are always verified; a self-signed
// pimd is trusted by naming its CA file (--ca-file, PIMCTL_CA_FILE), never by turning checks off.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "pim/cli/http_client.h"

namespace pim::cli {

struct CurlOptions {
  std::string ca_file;  // empty: the system's trust store
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration timeout = absl::Seconds(60);  // whole exchange
};

// Thread-compatible. The caller runs curl_global_init once before using it (pimctl's main).
class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(CurlOptions options) : options_(std::move(options)) {}

  [[nodiscard]] absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override;

 private:
  const CurlOptions options_;
};

}  // namespace pim::cli
