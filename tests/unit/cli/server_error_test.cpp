#include "pim/cli/server_error.h"

#include <gtest/gtest.h>

#include "pim/cli/exit_code.h"

namespace pim::cli {
namespace {

TEST(ServerErrorTest, ReadsTheGraphEnvelope) {
  const ServerError e =
      ParseServerError(400,
                       R"({"error":{"code":"RoleAssignmentRequestPolicyValidationFailed",)"
                       R"("message":"The following policy rules failed: [\"MfaRule\"]",)"
                       R"("innerError":{"date":"2026-01-05T09:00:00","request-id":"r-1"}}})",
                       "header-id");
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.code, "RoleAssignmentRequestPolicyValidationFailed");
  EXPECT_EQ(e.message, "The following policy rules failed: [\"MfaRule\"]");
  EXPECT_EQ(e.request_id, "r-1");  // the body's id wins over the header
}

TEST(ServerErrorTest, ReadsTheArmEnvelope) {
  const ServerError e = ParseServerError(
      409,
      R"({"error":{"code":"RoleAssignmentRequestExists","message":"A role assignment request with Id: x already exists"}})",
      "h-2");
  EXPECT_EQ(e.code, "RoleAssignmentRequestExists");
  EXPECT_EQ(e.request_id, "h-2");
}

TEST(ServerErrorTest, ReadsTheOAuthEnvelope) {
  const ServerError e = ParseServerError(
      400,
      R"({"error":"invalid_grant","error_description":"Change your password first.","suberror":"PasswordChangeRequired"})");
  EXPECT_EQ(e.code, "invalid_grant");
  EXPECT_EQ(e.message, "Change your password first.");
  EXPECT_EQ(e.suberror, "PasswordChangeRequired");
}

TEST(ServerErrorTest, SurvivesBodiesThatAreNotEnvelopes) {
  for (const char* body : {"", "<html>", "[]", R"({"error":42})", R"({"other":1})"}) {
    const ServerError e = ParseServerError(502, body);
    EXPECT_EQ(e.http_status, 502) << body;
    EXPECT_EQ(e.code, "") << body;
  }
  EXPECT_EQ(ToStatus(ParseServerError(502, "")).message(), "the server answered HTTP 502");
}

TEST(ServerErrorTest, RoundTripsThroughAStatusAndRendersCodeAndMessage) {
  ServerError e{404, "RequestNotFound", "The request 'x' was not found.", "rid", "", ""};
  const absl::Status s = ToStatus(e);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  auto back = ServerErrorOf(s);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->code, "RequestNotFound");
  EXPECT_EQ(back->request_id, "rid");
  EXPECT_EQ(RenderError(s),
            "RequestNotFound: The request 'x' was not found. (HTTP 404, request-id rid)");
  EXPECT_EQ(RenderError(absl::InvalidArgumentError("bad --duration")), "bad --duration");
  EXPECT_FALSE(ServerErrorOf(absl::InvalidArgumentError("x")).has_value());
}

TEST(ServerErrorTest, KeepsRetryAfterThroughAStatus) {
  ServerError e{429, "TooManyRequests", "Slow down.", "", "", "7"};
  auto back = ServerErrorOf(ToStatus(e));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->retry_after, "7");
  EXPECT_EQ(ServerErrorOf(ToStatus(ServerError{429, "", "", "", "", ""}))->retry_after, "");
}

TEST(ServerErrorTest, RendersTheOAuthSuberror) {
  const absl::Status s =
      ToStatus(ServerError{400, "invalid_grant", "No.", "", "TotpEnrolmentRequired", ""});
  EXPECT_EQ(RenderError(s), "invalid_grant: No. [TotpEnrolmentRequired] (HTTP 400)");
}

TEST(ExitCodeTest, MapsServerAnswersByHttpStatus) {
  EXPECT_EQ(ExitCodeFor(ToStatus(ServerError{400, "RoleAssignmentExists", "", "", "", ""})),
            ExitCode::kError);  // a refusal, not a usage error
  EXPECT_EQ(ExitCodeFor(ToStatus(ServerError{401, "InvalidAuthenticationToken", "", "", "", ""})),
            ExitCode::kAuth);
  EXPECT_EQ(ExitCodeFor(ToStatus(ServerError{403, "AuthorizationFailed", "", "", "", ""})),
            ExitCode::kForbidden);
  EXPECT_EQ(ExitCodeFor(ToStatus(ServerError{404, "RequestNotFound", "", "", "", ""})),
            ExitCode::kNotFound);
  EXPECT_EQ(ExitCodeFor(ToStatus(ServerError{409, "ApprovalStageAlreadyDecided", "", "", "", ""})),
            ExitCode::kError);
  EXPECT_EQ(ExitCodeFor(ToStatus(ServerError{503, "", "", "", "", ""})), ExitCode::kError);
}

TEST(ExitCodeTest, MapsLocalStatusesByCanonicalCode) {
  EXPECT_EQ(ExitCodeFor(absl::OkStatus()), ExitCode::kOk);
  EXPECT_EQ(ExitCodeFor(absl::InvalidArgumentError("")), ExitCode::kUsage);
  EXPECT_EQ(ExitCodeFor(absl::UnauthenticatedError("")), ExitCode::kAuth);
  EXPECT_EQ(ExitCodeFor(absl::NotFoundError("")), ExitCode::kNotFound);
  EXPECT_EQ(ExitCodeFor(absl::DeadlineExceededError("")), ExitCode::kTimedOut);
  EXPECT_EQ(ExitCodeFor(absl::UnavailableError("")), ExitCode::kUnreachable);
  EXPECT_EQ(ExitCodeFor(absl::PermissionDeniedError("")), ExitCode::kForbidden);
  EXPECT_EQ(ExitCodeFor(absl::InternalError("")), ExitCode::kError);
}

TEST(ExitCodeTest, AnExplicitCodeWins) {
  EXPECT_EQ(ExitCodeFor(WithExitCode(absl::AbortedError("denied"), ExitCode::kDenied)),
            ExitCode::kDenied);
  EXPECT_EQ(
      ExitCodeFor(WithExitCode(ToStatus(ServerError{400, "x", "", "", "", ""}), ExitCode::kAuth)),
      ExitCode::kAuth);
  EXPECT_EQ(ToInt(ExitCode::kDenied), 6);
  EXPECT_EQ(ToInt(ExitCode::kTimedOut), 5);
}

}  // namespace
}  // namespace pim::cli
