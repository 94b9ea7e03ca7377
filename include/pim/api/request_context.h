// Everything a handler knows about the request it serves, after the dispatcher has framed the
// path, authenticated the caller and assigned a request id.
#pragma once

#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "pim/api/http.h"
#include "pim/engine/caller.h"

namespace pim::api {

struct RequestContext {
  const HttpRequest& http;
  std::string path;        // percent-decoded path, duplicate slashes collapsed, no trailing '/'
  std::string raw_query;   // the part after '?', still encoded (odata::ParseQuery decodes it)
  Caller caller;           // authenticated; handlers authorise through the engine
  std::string request_id;  // ours, echoed as `request-id`
  std::string client_request_id;  // the client's `client-request-id` header, or ours
  absl::Time now;                 // the server clock at dispatch (for error bodies and paging)
};

}  // namespace pim::api
