#include "pim/api/static_token_authenticator.h"

#include "gtest/gtest.h"
#include "pim/domain/status.h"
#include "pim/engine/manual_clock.h"

namespace pim::api {
namespace {

constexpr char kToken[] = "pim_test_token_0123456789abcdef0123456789";

HttpRequest WithAuthorization(std::string value) {
  HttpRequest r;
  r.headers.emplace_back("authorization", std::move(value));
  return r;
}

class StaticTokenAuthenticatorTest : public ::testing::Test {
 protected:
  ManualClock clock_{absl::FromUnixSeconds(1'767'603'600)};
};

TEST_F(StaticTokenAuthenticatorTest, AKnownTokenIsItsPrincipalWithMfaNow) {
  auto auth = StaticTokenAuthenticator::Create({{kToken, "user-1", true, {"c1"}}}, clock_);
  ASSERT_TRUE(auth.ok()) << auth.status();
  auto caller = auth->Authenticate(WithAuthorization(std::string("Bearer ") + kToken));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->id.str(), "user-1");
  EXPECT_EQ(caller->mfa_at, clock_.Now());
  EXPECT_EQ(caller->authentication_contexts, std::vector<std::string>{"c1"});
  EXPECT_FALSE(caller->is_system);
  // The scheme is case-insensitive.
  EXPECT_TRUE(auth->Authenticate(WithAuthorization(std::string("bearer ") + kToken)).ok());
}

TEST_F(StaticTokenAuthenticatorTest, ATokenWithoutMfaNeverCarriesIt) {
  auto auth = StaticTokenAuthenticator::Create({{kToken, "user-1", false, {}}}, clock_);
  ASSERT_TRUE(auth.ok());
  auto caller = auth->Authenticate(WithAuthorization(std::string("Bearer ") + kToken));
  ASSERT_TRUE(caller.ok());
  EXPECT_FALSE(caller->mfa_at.has_value());
}

TEST_F(StaticTokenAuthenticatorTest, MissingMalformedOrUnknownCredentialsAreUnauthenticated) {
  auto auth = StaticTokenAuthenticator::Create({{kToken, "user-1", true, {}}}, clock_);
  ASSERT_TRUE(auth.ok());
  for (const HttpRequest& r :
       {HttpRequest{}, WithAuthorization(kToken), WithAuthorization("Basic dXNlcjpwYXNz"),
        WithAuthorization("Bearer "), WithAuthorization(std::string("Bearer ") + kToken + "x"),
        WithAuthorization(std::string("Bearer  ") + kToken)}) {
    auto caller = auth->Authenticate(r);
    EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_EQ(ErrorCodeOf(caller.status()), "InvalidAuthenticationToken");
    EXPECT_EQ(caller.status().message().find(kToken), std::string_view::npos);
  }
}

TEST_F(StaticTokenAuthenticatorTest, ShortOrRepeatedTokensAreRefused) {
  EXPECT_EQ(StaticTokenAuthenticator::Create({{"short", "u", true, {}}}, clock_).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      StaticTokenAuthenticator::Create({{kToken, "u", true, {}}, {kToken, "v", true, {}}}, clock_)
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StaticTokenAuthenticator::Create({{kToken, "", true, {}}}, clock_).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(StaticTokenAuthenticatorTest, ParsesTheFileAndNamesWhatIsWrongWithoutEchoingTokens) {
  auto tokens = StaticTokenAuthenticator::ParseFile(
      R"({"tokens":[{"token":"abc","principalId":"p1","mfa":true,"authenticationContexts":["c1"]},
                    {"token":"def","principalId":"p2"}]})");
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  ASSERT_EQ(tokens->size(), 2u);
  EXPECT_EQ((*tokens)[0].principal_id, "p1");
  EXPECT_TRUE((*tokens)[0].mfa);
  EXPECT_FALSE((*tokens)[1].mfa);
  for (const char* bad :
       {"", "[]", R"({"tokens":{}})", R"({"tokens":[1]})",
        R"({"tokens":[{"token":"secret-value-123"}]})",
        R"({"tokens":[{"token":"secret-value-123","principalId":"p","mfa":"yes"}]})"}) {
    auto parsed = StaticTokenAuthenticator::ParseFile(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(parsed.status().message().find("secret-value-123"), std::string_view::npos);
  }
}

}  // namespace
}  // namespace pim::api
