// Test fixture for the API surfaces: the engine fixture (in-memory store, manual clock) plus
// helpers that call a surface the way the dispatcher does, and read JSON answers.
#pragma once

#include <string>
#include <utility>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "pim/api/http.h"
#include "pim/api/request_context.h"
#include "pim/api/request_target.h"
#include "unit/engine/engine_fixture.h"

namespace pim::testing {

inline constexpr std::string_view kBaseUrl = "https://pim.test:8443";

// `s` as a JSON string value.
inline boost::json::value J(const std::string& s) { return boost::json::string(s); }

class ApiTest : public EngineTest {
 protected:
  // Calls `surface.Handle(ctx)` for `method target` with `body` as `caller`. Fails the test
  // when the surface declines the path (nullopt).
  template <typename Surface>
  api::HttpResponse Call(Surface& surface, const Caller& caller, std::string method,
                         std::string target, std::string body = "") {
    api::HttpRequest http;
    http.method = std::move(method);
    http.target = std::move(target);
    http.body = std::move(body);
    http.base_url = std::string(kBaseUrl);
    if (!http.body.empty()) http.headers.emplace_back("content-type", "application/json");
    auto parsed = api::ParseRequestTarget(http.target);
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    if (!parsed.ok()) return api::HttpResponse::Empty(0);
    const api::RequestContext ctx{http,
                                  std::move(parsed->path),
                                  std::move(parsed->raw_query),
                                  caller,
                                  "request-1",
                                  "client-1",
                                  clock_.Now()};
    auto response = surface.Handle(ctx);
    EXPECT_TRUE(response.has_value()) << "surface declined " << http.target;
    return response.has_value() ? std::move(*response) : api::HttpResponse::Empty(0);
  }

  // The body of `r` parsed as JSON (null when empty or not JSON, which fails the test).
  static boost::json::value Json(const api::HttpResponse& r) {
    boost::system::error_code ec;
    auto v = boost::json::parse(r.body, ec);
    EXPECT_FALSE(ec) << "not JSON: " << r.body;
    return ec ? boost::json::value() : v;
  }
  // The `error.code` of an error body.
  static std::string ErrorCode(const api::HttpResponse& r) {
    const auto v = Json(r);
    if (!v.is_object() || !v.as_object().contains("error")) return "";
    return std::string(v.at("error").at("code").as_string());
  }
};

}  // namespace pim::testing
