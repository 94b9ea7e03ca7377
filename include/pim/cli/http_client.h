// The one way pimctl talks to the network: an HTTP exchange, behind an interface so that
// commands can be tested against a fake server. The real one is CurlHttpClient.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace pim::cli {

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;

  // The first header `name` (lower-case), or "".
  [[nodiscard]] std::string Header(std::string_view name) const;
};

// Thread-compatible.
class HttpClient {
 public:
  virtual ~HttpClient() = default;

  // Sends `request` and returns the server's answer, whatever its status. Errors: Unavailable
  // when no answer arrived (connection, TLS verification, timeout); the message says why.
  [[nodiscard]] virtual absl::StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

}  // namespace pim::cli
