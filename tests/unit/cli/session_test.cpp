// Session: refreshing the sign-in when pimctl runs several times at once (two Sessions on one
// config directory stand for two processes: each opens the lock file itself), and what a
// failed refresh does to the cached sign-in.
#include "pim/cli/session.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "pim/cli/exit_code.h"
#include "pim/cli/token_cache.h"
#include "unit/cli/cli_test_util.h"
#include "unit/store/temp_dir.h"

namespace pim::cli {
namespace {

HttpResponse Json(int status, std::string body) {
  return HttpResponse{status, {{"content-type", "application/json"}}, std::move(body)};
}

// pimd's token endpoint as far as refreshing goes: each refresh token works once and rotates;
// a spent one presented again ends the whole session (reuse detection). The API takes only the
// newest access token.
class FakeTokenServer {
 public:
  HttpResponse Handle(const HttpRequest& r) {
    if (absl::EndsWith(r.url, "/oauth2/token")) {
      ++token_calls;
      if (answer_status != 200) return Json(answer_status, answer_body);
      const std::string presented = r.body.substr(r.body.find("refresh_token=") + 14);
      if (revoked || presented != absl::StrCat("refresh-", generation)) {
        revoked = true;
        return Json(400, R"({"error":"invalid_grant","error_description":"already used"})");
      }
      ++generation;
      return Json(200, absl::StrCat(R"({"access_token":"access-)", generation,
                                    R"(","refresh_token":"refresh-)", generation,
                                    R"(","expires_in":900})"));
    }
    for (const auto& [name, value] : r.headers) {
      if (name == "Authorization" && !revoked &&
          value == absl::StrCat("Bearer access-", generation)) {
        return Json(200, R"({"id":"me"})");
      }
    }
    return Json(401, R"({"error":{"code":"InvalidAuthenticationToken","message":"expired"}})");
  }

  int token_calls = 0;
  int generation = 0;  // refresh-N and access-N are the current tokens
  bool revoked = false;
  int answer_status = 200;  // anything else: the token endpoint's answer
  std::string answer_body;
};

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(TokenCache(dir_)
                    .Save(TestSignIn(clock_.Now() + absl::Minutes(15),
                                     "d0000000-0000-4000-8000-00000000000b", "", "0"))
                    .ok());
  }

  static ApiCall Me() {
    ApiCall call;
    call.path = "/v1.0/me";
    return call;
  }

  pim::testing::TempDir temp_;
  const std::string dir_ = temp_.path();
  FakeClock clock_;
  FakeTokenServer server_;
  std::vector<HttpRequest> log_a_;
  std::vector<HttpRequest> log_b_;
  FakeHttp http_a_{log_a_, [this](const HttpRequest& r) { return server_.Handle(r); }};
  FakeHttp http_b_{log_b_, [this](const HttpRequest& r) { return server_.Handle(r); }};
};

TEST_F(SessionTest, TwoProcessesWithAnExpiredTokenRefreshOnceAndBothStaySignedIn) {
  const TokenCache cache_a(dir_);
  const TokenCache cache_b(dir_);
  Session a(http_a_, cache_a, clock_, kServer);
  Session b(http_b_, cache_b, clock_, kServer);
  ASSERT_TRUE(a.Call(Me()).ok());
  ASSERT_TRUE(b.Call(Me()).ok());  // both hold refresh-0 in memory now
  clock_.Advance(absl::Minutes(16));

  auto first = a.Call(Me());
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = b.Call(Me());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(server_.token_calls, 1) << "the second process refreshed again";
  EXPECT_FALSE(server_.revoked);
  auto cached = TokenCache(dir_).Load(kServer);
  ASSERT_TRUE(cached.ok()) << cached.status();
  EXPECT_EQ(cached->refresh_token.reveal(), "refresh-1");
}

TEST_F(SessionTest, A401AfterAnotherProcessRefreshedUsesItsTokens) {
  const TokenCache cache_a(dir_);
  const TokenCache cache_b(dir_);
  FakeClock later;  // A's token has expired; by B's clock, B's has not
  later.Advance(absl::Minutes(16));
  Session a(http_a_, cache_a, later, kServer);
  Session b(http_b_, cache_b, clock_, kServer);
  ASSERT_TRUE(b.Call(Me()).ok());
  ASSERT_TRUE(a.Call(Me()).ok());  // refreshes: the server takes only access-1 now

  auto answer = b.Call(Me());  // access-0 is refused with 401
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(server_.token_calls, 1);
  EXPECT_FALSE(server_.revoked);
}

TEST_F(SessionTest, ARefreshWaitsForTheLockAndThenTakesTheTokensSavedMeanwhile) {
  const TokenCache cache(dir_);
  const TokenCache other(dir_);
  Session b(http_b_, cache, clock_, kServer);
  ASSERT_TRUE(b.Call(Me()).ok());
  clock_.Advance(absl::Minutes(16));
  // Another process is refreshing: it holds the lock until it has saved refresh-1.
  std::optional<SignInLock> held;
  {
    auto lock = other.Lock(kServer);
    ASSERT_TRUE(lock.ok()) << lock.status();
    held.emplace(std::move(*lock));
  }
  auto refreshed = other.Load(kServer);
  ASSERT_TRUE(refreshed.ok()) << refreshed.status();
  refreshed->access_token = Secret("access-1");
  refreshed->refresh_token = Secret("refresh-1");
  refreshed->access_expires = clock_.Now() + absl::Minutes(15);
  server_.generation = 1;
  absl::StatusOr<ApiResult> answer;
  std::thread waiting([&] { answer = b.Call(Me()); });
  const absl::Status saved = other.Save(*refreshed);
  held.reset();
  waiting.join();
  ASSERT_TRUE(saved.ok()) << saved;
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(server_.token_calls, 0);
  EXPECT_FALSE(server_.revoked);
}

TEST_F(SessionTest, ATransientTokenEndpointErrorKeepsTheSignIn) {
  for (const int status : {500, 502, 503, 429}) {
    const TokenCache cache(dir_);
    Session s(http_a_, cache, clock_, kServer);
    clock_.Advance(absl::Minutes(16));
    server_.answer_status = status;
    server_.answer_body = R"({"error":{"code":"ServiceUnavailable","message":"try later"}})";
    auto answer = s.Call(Me());
    ASSERT_FALSE(answer.ok()) << status;
    EXPECT_NE(ExitCodeFor(answer.status()), ExitCode::kAuth) << status;
    EXPECT_EQ(ExitCodeFor(answer.status()), ExitCode::kError) << status;
    auto cached = cache.Load(kServer);
    ASSERT_TRUE(cached.ok()) << status << ": " << cached.status();
    EXPECT_EQ(cached->refresh_token.reveal(), "refresh-0");
  }
  // Once the server is back, the same sign-in refreshes.
  server_.answer_status = 200;
  const TokenCache cache(dir_);
  Session s(http_a_, cache, clock_, kServer);
  EXPECT_TRUE(s.Call(Me()).ok());
}

TEST_F(SessionTest, ARefusedGrantForgetsTheSignIn) {
  const TokenCache cache(dir_);
  Session s(http_a_, cache, clock_, kServer);
  clock_.Advance(absl::Minutes(16));
  server_.answer_status = 400;
  server_.answer_body = R"({"error":"invalid_grant","error_description":"revoked"})";
  auto answer = s.Call(Me());
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(ExitCodeFor(answer.status()), ExitCode::kAuth);
  EXPECT_EQ(cache.Load(kServer).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace pim::cli
