#include "pim/server/http_wire.h"

#include <algorithm>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "boost/beast/http/status.hpp"

namespace pim::server {
namespace {

// RFC 9110 token characters.
bool IsTokenChar(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool IsSafeHeader(std::string_view name, std::string_view value) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) {
        return IsTokenChar(static_cast<unsigned char>(c));
      })) {
    return false;
  }
  return std::none_of(value.begin(), value.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && u != '\t') || u == 0x7f;
  });
}

bool HasBody(int status) { return status >= 200 && status != 204 && status != 304; }

// The status line, `Server: pimd` and the response's safe headers.
void AppendHead(const api::HttpResponse& response, std::string& out) {
  const auto status = static_cast<unsigned>(response.status);
  const boost::beast::string_view reason =
      boost::beast::http::obsolete_reason(boost::beast::http::int_to_status(status));
  absl::StrAppend(&out, "HTTP/1.1 ", status, " ", absl::string_view(reason.data(), reason.size()),
                  "\r\nServer: pimd\r\n");
  for (const auto& [name, value] : response.headers) {
    if (IsSafeHeader(name, value)) absl::StrAppend(&out, name, ": ", value, "\r\n");
  }
}

}  // namespace

void AppendHttpResponse(const api::HttpResponse& response, bool keep_alive, bool head_request,
                        std::string& out) {
  AppendHead(response, out);
  if (HasBody(response.status))
    absl::StrAppend(&out, "Content-Length: ", response.body.size(), "\r\n");
  if (!keep_alive) out += "Connection: close\r\n";
  out += "\r\n";
  if (HasBody(response.status) && !head_request) out += response.body;
}

void AppendHttpStreamHead(const api::HttpResponse& response, std::string& out) {
  AppendHead(response, out);
  out += "Connection: close\r\n\r\n";
}

}  // namespace pim::server
