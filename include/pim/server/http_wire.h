// The bytes of an HTTP/1.1 response as pimd sends them, written without an intermediate message
// object: the reply to a single check is one append into the connection's reused buffer.
#pragma once

#include <string>

#include "pim/api/http.h"

namespace pim::server {

// Appends to `out`: the status line, `Server: pimd`, `response.headers` in order, then
// `Content-Length` (never for 1xx, 204 and 304, which carry no body), `Connection: close` when
// `keep_alive` is false, a blank line and the body (left out when answering HEAD, whose
// Content-Length is still the body's). A header whose name is not an HTTP token
// or whose value holds a control character other than tab is left out rather than written:
// no value can split the response (CR, LF) or end up as a header of its own.
void AppendHttpResponse(const api::HttpResponse& response, bool keep_alive, bool head_request,
                        std::string& out);
// Appends the head of a response whose body is streamed until the connection closes (the watch
// feed): the status line, `Server: pimd`, the safe headers, `Connection: close`, no length.
void AppendHttpStreamHead(const api::HttpResponse& response, std::string& out);

}  // namespace pim::server
