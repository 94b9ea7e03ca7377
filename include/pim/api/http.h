// HTTP messages as the API layer sees them: already framed by the server, independent of the
// network library. Handlers are pure functions from HttpRequest to HttpResponse.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pim::api {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw request-target: path, then "?" and the query, still percent-encoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string remote_address;  // peer IP, for logs and rate limits
  std::string base_url;        // "https://host:port" as the client reached us, for absolute links
  std::string request_id;      // assigned by the server, logged and echoed as `request-id`

  // The first value of header `name` (lower-case), or "" when absent.
  [[nodiscard]] std::string_view Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Set on a successful watch: after these headers and `body`, the server keeps the connection
  // open and streams the change events after this revision (WatchFeed).
  std::optional<std::int64_t> stream_after;

  void SetHeader(std::string name, std::string value);
  [[nodiscard]] std::string_view Header(std::string_view name) const;

  // 200/201 with a JSON body and `Content-Type: application/json`.
  [[nodiscard]] static HttpResponse Json(int status, std::string body);
  // A status with no body (204, or ARM's empty 200).
  [[nodiscard]] static HttpResponse Empty(int status);
};

}  // namespace pim::api
