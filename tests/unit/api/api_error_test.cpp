#include "pim/api/api_error.h"

#include "boost/json/parse.hpp"
#include "gtest/gtest.h"
#include "pim/domain/status.h"

namespace pim::api {
namespace {

// A Graph request by user "u" with request id "req-1" and client request id "client-1", at
// 2024-05-01T08:00:05Z.
RequestContext GraphContext(const HttpRequest& http) {
  return RequestContext{http,
                        "/v1.0/x",
                        "",
                        Caller::User("u"),
                        "req-1",
                        "client-1",
                        absl::FromUnixSeconds(1714550405)};
}

TEST(ApiErrorTest, CatalogueCodesAreBadRequestWhateverTheirCanonicalKind) {
  EXPECT_EQ(HttpStatusFor(Error(absl::StatusCode::kNotFound, code::kRoleAssignmentDoesNotExist,
                                "The Role assignment does not exist.")),
            400);
  EXPECT_EQ(HttpStatusFor(Error(absl::StatusCode::kAlreadyExists, code::kRoleAssignmentExists,
                                "The Role assignment already exists.")),
            400);
  // The legacy codes pim also returns, whatever kind the planners give them.
  for (const std::string_view c :
       {code::kPendingRequestExists, code::kRoleNotFound, code::kSubjectNotFound}) {
    EXPECT_EQ(HttpStatusFor(Error(absl::StatusCode::kNotFound, c, "x")), 400) << c;
    EXPECT_EQ(HttpStatusFor(Error(absl::StatusCode::kAlreadyExists, c, "x")), 400) << c;
  }
  EXPECT_EQ(HttpStatusFor(Error(absl::StatusCode::kNotFound, code::kRequestNotFound, "x")), 404);
  EXPECT_EQ(HttpStatusFor(absl::PermissionDeniedError("no")), 403);
  EXPECT_EQ(HttpStatusFor(absl::ResourceExhaustedError("slow down")), 429);
}

TEST(ApiErrorTest, GraphBodyCarriesCodeMessageAndInnerError) {
  HttpRequest http;
  const RequestContext ctx = GraphContext(http);
  const HttpResponse r =
      GraphError(Error(absl::StatusCode::kInvalidArgument, code::kPolicyValidationFailed,
                       "The following policy rules failed: [\"MfaRule\"]"),
                 ctx);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Header("content-type"), "application/json");
  const auto body = boost::json::parse(r.body).as_object();
  const auto& error = body.at("error").as_object();
  EXPECT_EQ(error.at("code"), "RoleAssignmentRequestPolicyValidationFailed");
  EXPECT_EQ(error.at("message"), "The following policy rules failed: [\"MfaRule\"]");
  EXPECT_EQ(error.at("innerError").at("date"), "2024-05-01T08:00:05");
  EXPECT_EQ(error.at("innerError").at("request-id"), "req-1");
  EXPECT_EQ(error.at("innerError").at("client-request-id"), "client-1");
}

TEST(ApiErrorTest, InternalErrorsDoNotLeakTheirText) {
  const HttpResponse r = ArmError(absl::InternalError("sqlite: disk I/O error at /var/lib/pim"));
  EXPECT_EQ(r.status, 500);
  const auto error = boost::json::parse(r.body).at("error").as_object();
  EXPECT_EQ(error.at("message"), "An internal error occurred.");
  EXPECT_EQ(r.body.find("sqlite"), std::string::npos);
}

// Fuzz regression (api_service_fuzzer): a message quoting client bytes that are not UTF-8 (an
// HTTP method "P\x9f...") made the error body invalid JSON.
TEST(ApiErrorTest, BodiesStayValidJsonWhenAMessageQuotesBytesThatAreNotUtf8) {
  HttpRequest http;
  const RequestContext ctx = GraphContext(http);
  const absl::Status status = Error(absl::StatusCode::kInvalidArgument, code::kBadRequest,
                                    "The HTTP method 'P\x9f\xe2\xc3\xa9' is not supported.");
  for (const HttpResponse& r : {GraphError(status, ctx), ArmError(status)}) {
    boost::system::error_code ec;
    const boost::json::value body = boost::json::parse(r.body, ec);
    ASSERT_FALSE(ec) << r.body;
    EXPECT_EQ(body.at("error").at("message"),
              "The HTTP method 'P\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9' is not supported.");
    EXPECT_EQ(body.at("error").at("code"), "BadRequest");
  }
}

}  // namespace
}  // namespace pim::api
