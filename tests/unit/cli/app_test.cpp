// pimctl end to end in one process: the real command tree against a fake server (HttpClient),
// a fake clock and a temporary config directory.
#include "pim/cli/app.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "pim/cli/token_cache.h"
#include "unit/cli/cli_test_util.h"

namespace pim::cli {
namespace {

constexpr char kBen[] = "d0000000-0000-4000-8000-00000000000b";

HttpResponse Json(int status, std::string body) {
  return HttpResponse{status, {{"content-type", "application/json"}}, std::move(body)};
}

const char* kEmptyList = R"({"value":[]})";

class AppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pimctl-app-test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    env_vars_["PIMCTL_CONFIG_DIR"] = dir_ + "/cfg";
    env_vars_["PIMCTL_SERVER"] = kServer;
    env_.getenv = [this](const char* name) -> const char* {
      auto it = env_vars_.find(name);
      return it == env_vars_.end() ? nullptr : it->second.c_str();
    };
    env_.clock = &clock_;
    env_.sleep = [this](absl::Duration d) {
      ++sleeps_;
      sleep_log_.push_back(d);
      clock_.Advance(d);
      if (on_sleep_) on_sleep_();
    };
    env_.make_http = [this](const CurlOptions&) -> std::unique_ptr<HttpClient> {
      return std::make_unique<FakeHttp>(requests_,
                                        [this](const HttpRequest& r) { return handler_(r); });
    };
    env_.in = &in_;
    env_.out = &out_;
    env_.err = &err_;
  }
  void TearDown() override {
    const std::string cmd = "rm -rf -- '" + dir_ + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }

  void SignedIn(absl::Duration valid_for = absl::Minutes(15)) {
    ASSERT_TRUE(TokenCache(dir_ + "/cfg")
                    .Save(TestSignIn(clock_.Now() + valid_for, kBen, "ben@demo.pim"))
                    .ok());
  }

  int Run(std::vector<const char*> args) {
    args.insert(args.begin(), "pimctl");
    return pim::cli::Run(static_cast<int>(args.size()), args.data(), env_);
  }

  static std::string PathOf(const HttpRequest& r) {
    std::string p = r.url.substr(std::string(kServer).size());
    return p;
  }
  static std::string HeaderOf(const HttpRequest& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }

  // A server where Ben is eligible for User Administrator and nothing else.
  HttpResponse BenServer(const HttpRequest& r) {
    const std::string p = PathOf(r);
    if (absl::StartsWith(p, "/v1.0/roleManagement/directory/roleEligibilitySchedules")) {
      return Json(200, R"({"value":[{"id":"e1","principalId":"d0000000-0000-4000-8000-00000000000b",
        "roleDefinitionId":"fe930be7-5e62-47db-91af-98c3a49a38b1","directoryScopeId":"/",
        "memberType":"Direct","status":"Provisioned",
        "scheduleInfo":{"startDateTime":"2026-01-01T00:00:00Z","expiration":{"type":"noExpiration"}},
        "roleDefinition":{"id":"fe930be7-5e62-47db-91af-98c3a49a38b1","displayName":"User Administrator"}}]})");
    }
    if (absl::StartsWith(p, "/v1.0/") && r.method == "GET") return Json(200, kEmptyList);
    if (absl::StartsWith(p, "/providers/Microsoft.Authorization/")) {
      return Json(200, R"({"value":[],"nextLink":null})");
    }
    return Json(404, R"({"error":{"code":"NotFound","message":"no route"}})");
  }

  std::string dir_;
  std::map<std::string, std::string> env_vars_;
  FakeClock clock_;
  int sleeps_ = 0;
  std::vector<absl::Duration> sleep_log_;
  std::function<void()> on_sleep_;
  std::vector<HttpRequest> requests_;
  std::function<HttpResponse(const HttpRequest&)> handler_ = [](const HttpRequest&) {
    return Json(500, "");
  };
  std::istringstream in_;
  std::ostringstream out_;
  std::ostringstream err_;
  Environment env_;
};

TEST_F(AppTest, HelpExitsZeroOnEveryCommand) {
  EXPECT_EQ(Run({"--help"}), 0);
  EXPECT_NE(out_.str().find("activate"), std::string::npos);
  for (std::vector<const char*> cmd :
       std::vector<std::vector<const char*>>{{"login"},
                                             {"logout"},
                                             {"whoami"},
                                             {"roles"},
                                             {"activate"},
                                             {"deactivate"},
                                             {"extend"},
                                             {"renew"},
                                             {"requests"},
                                             {"cancel"},
                                             {"approvals"},
                                             {"approve"},
                                             {"deny"},
                                             {"assignment"},
                                             {"assignment", "add"},
                                             {"assignment", "update"},
                                             {"assignment", "remove"},
                                             {"policy"},
                                             {"policy", "show"},
                                             {"policy", "set"},
                                             {"policy", "export"},
                                             {"policy", "import"},
                                             {"directory", "import"},
                                             {"completion"}}) {
    out_.str("");
    cmd.push_back("--help");
    EXPECT_EQ(Run(cmd), 0) << cmd[0];
    EXPECT_NE(out_.str().find("Usage"), std::string::npos) << cmd[0];
  }
  EXPECT_TRUE(requests_.empty());
}

TEST_F(AppTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Run({}), 2);
  EXPECT_EQ(Run({"activate"}), 2);
  EXPECT_EQ(Run({"--output", "yaml", "roles"}), 2);
  EXPECT_EQ(Run({"no-such-command"}), 2);
  SignedIn();
  EXPECT_EQ(Run({"activate", "User Administrator", "--duration", "2x"}), 2);
  EXPECT_NE(err_.str().find("'2x' is not a duration"), std::string::npos);
  EXPECT_TRUE(requests_.empty());
}

TEST_F(AppTest, RefusesServersThatWouldCarryTokensInTheClear) {
  for (const char* server :
       {"http://pim.example.com", "http://localhost.example.com:80", "http://127.0.0.1.evil.test",
        "http://127.1:8080", "ftp://pim.test", "https://user@pim.test", "pim.test"}) {
    err_.str("");
    EXPECT_EQ(Run({"--server", server, "roles"}), 2) << server;
    EXPECT_NE(err_.str().find("--server"), std::string::npos) << err_.str();
  }
  EXPECT_TRUE(requests_.empty());
  // A pimd without TLS on this machine is allowed (then: not signed in).
  EXPECT_EQ(Run({"--server", "http://127.0.0.1:8080", "roles"}), 3);
  EXPECT_EQ(Run({"--server", "http://[::1]:8080", "roles"}), 3);
}

TEST_F(AppTest, NotSignedInExitsThree) {
  EXPECT_EQ(Run({"roles"}), 3);
  EXPECT_NE(err_.str().find("not signed in to https://pim.test"), std::string::npos) << err_.str();
}

TEST_F(AppTest, PasswordLoginCachesTokensAndPrintsNoSecret) {
  handler_ = [](const HttpRequest& r) {
    if (absl::EndsWith(r.url, "/oauth2/token")) {
      return Json(
          200,
          R"({"access_token":"AT-secret","refresh_token":"RT-secret","expires_in":900,"token_type":"Bearer"})");
    }
    if (absl::EndsWith(r.url, "/v1.0/me")) {
      return Json(
          200,
          R"({"id":"d0000000-0000-4000-8000-00000000000b","userPrincipalName":"ben@demo.pim"})");
    }
    return Json(404, "");
  };
  in_.str("pass word 1\n");
  EXPECT_EQ(Run({"login", "--username", "ben@demo.pim", "--password-stdin", "--otp", "123456"}), 0)
      << err_.str();
  ASSERT_EQ(requests_.size(), 2U);
  EXPECT_EQ(requests_[0].body,
            "grant_type=password&client_id=pimctl&username=ben%40demo.pim&password=pass%20word%201"
            "&otp=123456");
  EXPECT_EQ(HeaderOf(requests_[1], "Authorization"), "Bearer AT-secret");
  EXPECT_EQ(out_.str(), "Signed in to https://pim.test as ben@demo.pim\n");
  for (const std::string& text : {out_.str(), err_.str()}) {
    EXPECT_EQ(text.find("secret"), std::string::npos);
    EXPECT_EQ(text.find("pass word"), std::string::npos);
  }
  auto cached = TokenCache(dir_ + "/cfg").Load(kServer);
  ASSERT_TRUE(cached.ok());
  EXPECT_EQ(cached->refresh_token.reveal(), "RT-secret");
  EXPECT_EQ(cached->user_id, kBen);
}

TEST_F(AppTest, RefusedPasswordLoginShowsTheOAuthErrorAndExitsThree) {
  handler_ = [](const HttpRequest&) {
    return Json(
        400,
        R"({"error":"invalid_grant","error_description":"The user name, password or code is incorrect."})");
  };
  in_.str("wrong\n");
  EXPECT_EQ(Run({"login", "--username", "ben@demo.pim", "--password-stdin"}), 3);
  EXPECT_EQ(
      err_.str(),
      "pimctl: error: invalid_grant: The user name, password or code is incorrect. (HTTP 400)\n");
}

TEST_F(AppTest, RolesAsJsonHasTheDocumentedShape) {
  SignedIn();
  handler_ = [this](const HttpRequest& r) { return BenServer(r); };
  ASSERT_EQ(Run({"--output", "json", "roles"}), 0) << err_.str();
  const boost::json::value v = boost::json::parse(out_.str());
  const boost::json::array& roles = v.at("roles").as_array();
  ASSERT_EQ(roles.size(), 1U);
  const boost::json::object& r = roles[0].as_object();
  EXPECT_EQ(r.at("kind"), "directoryRole");
  EXPECT_EQ(r.at("state"), "eligible");
  EXPECT_EQ(r.at("name"), "User Administrator");
  EXPECT_EQ(r.at("id"), "fe930be7-5e62-47db-91af-98c3a49a38b1");
  EXPECT_EQ(r.at("scope"), "/");
  EXPECT_EQ(r.at("start"), "2026-01-01T00:00:00Z");
  EXPECT_TRUE(r.at("end").is_null());
  EXPECT_EQ(r.at("scheduleId"), "e1");
  for (const char* key : {"access", "scopeName", "assignmentType", "memberType"}) {
    EXPECT_TRUE(r.contains(key)) << key;
  }
  for (const HttpRequest& req : requests_) {
    EXPECT_EQ(HeaderOf(req, "Authorization"), "Bearer access-old");
  }
}

TEST_F(AppTest, RolesTableIsAlignedAndUncolouredOffATerminal) {
  SignedIn();
  handler_ = [this](const HttpRequest& r) { return BenServer(r); };
  env_.stdout_tty = false;
  ASSERT_EQ(Run({"roles"}), 0);
  EXPECT_EQ(out_.str().find('\x1b'), std::string::npos);
  EXPECT_EQ(
      out_.str(),
      "STATE     KIND           NAME                SCOPE/ACCESS  TYPE  START              END\n"
      "eligible  directoryRole  User Administrator  /                   2026-01-01 00:00Z  "
      "permanent\n");
}

TEST_F(AppTest, ActivationRetriesWithTheOtpWhenTheMfaRuleFails) {
  SignedIn();
  handler_ = [this](const HttpRequest& r) {
    if (r.method == "POST" && absl::EndsWith(r.url, "/roleAssignmentScheduleRequests")) {
      if (HeaderOf(r, "X-Pim-Mfa-Code").empty()) {
        return Json(
            400,
            R"({"error":{"code":"RoleAssignmentRequestPolicyValidationFailed","message":"The following policy rules failed: [\"MfaRule\"]"}})");
      }
      return Json(201, R"({"id":"req-1","status":"Provisioned","action":"selfActivate",
        "roleDefinitionId":"fe930be7-5e62-47db-91af-98c3a49a38b1","directoryScopeId":"/"})");
    }
    return BenServer(r);
  };
  ASSERT_EQ(Run({"activate", "user administrator", "--duration", "2h", "--reason", "INC-1", "--otp",
                 "654321"}),
            0)
      << err_.str();
  std::vector<HttpRequest> posts;
  for (const HttpRequest& r : requests_) {
    if (r.method == "POST") posts.push_back(r);
  }
  ASSERT_EQ(posts.size(), 2U);
  EXPECT_EQ(HeaderOf(posts[0], "X-Pim-Mfa-Code"), "");
  EXPECT_EQ(HeaderOf(posts[1], "X-Pim-Mfa-Code"), "654321");
  const boost::json::value body = boost::json::parse(posts[1].body);
  EXPECT_EQ(body.at("action"), "selfActivate");
  EXPECT_EQ(body.at("principalId"), kBen);
  EXPECT_EQ(body.at("justification"), "INC-1");
  EXPECT_EQ(body.at("scheduleInfo").at("expiration").at("duration"), "PT2H");
  EXPECT_FALSE(body.at("scheduleInfo").as_object().contains("startDateTime"));
  EXPECT_EQ(out_.str(), "selfActivate User Administrator: Provisioned (request req-1)\n");
}

TEST_F(AppTest, ServerRefusalIsShownWithCodeAndMessageAndExitsOne) {
  SignedIn();
  handler_ = [this](const HttpRequest& r) {
    if (r.method == "POST") {
      HttpResponse resp = Json(
          400,
          R"({"error":{"code":"RoleAssignmentExists","message":"The Role assignment already exists.","innerError":{"request-id":"rq-9"}}})");
      return resp;
    }
    return BenServer(r);
  };
  EXPECT_EQ(Run({"activate", "User Administrator"}), 1);
  EXPECT_EQ(err_.str(),
            "pimctl: error: RoleAssignmentExists: The Role assignment already exists. (HTTP 400, "
            "request-id rq-9)\n");
  err_.str("");
  EXPECT_EQ(Run({"-o", "json", "activate", "User Administrator"}), 1);
  const boost::json::value e = boost::json::parse(err_.str());
  EXPECT_EQ(e.at("error").at("code"), "RoleAssignmentExists");
  EXPECT_EQ(e.at("error").at("httpStatus"), 400);
  EXPECT_EQ(e.at("error").at("exitCode"), 1);
}

TEST_F(AppTest, UnknownRoleExitsFour) {
  SignedIn();
  handler_ = [this](const HttpRequest& r) { return BenServer(r); };
  EXPECT_EQ(Run({"activate", "Global Administrator"}), 4);
  EXPECT_NE(err_.str().find("you have no eligible role 'Global Administrator'"), std::string::npos);
}

class WaitTest : public AppTest {
 protected:
  // Ben's activation goes to PendingApproval; each GET of it answers the next of `statuses`.
  void Serve(std::vector<std::string> statuses) {
    statuses_ = std::move(statuses);
    handler_ = [this](const HttpRequest& r) {
      if (r.method == "POST") {
        return Json(
            201,
            R"({"id":"req-2","status":"PendingApproval","action":"selfActivate","approvalId":"req-2",
          "roleDefinitionId":"fe930be7-5e62-47db-91af-98c3a49a38b1","directoryScopeId":"/"})");
      }
      if (absl::StrContains(r.url, "/roleAssignmentScheduleRequests/req-2")) {
        const std::string s = gets_ < statuses_.size() ? statuses_[gets_] : statuses_.back();
        ++gets_;
        if (s == "429") {
          return HttpResponse{429,
                              {{"content-type", "application/json"}, {"retry-after", "7"}},
                              R"({"error":{"code":"TooManyRequests","message":"slow down"}})"};
        }
        if (s == "429-bare") {
          return Json(429, R"({"error":{"code":"TooManyRequests","message":"slow down"}})");
        }
        return Json(200, R"({"id":"req-2","action":"selfActivate","status":")" + s + R"("})");
      }
      return BenServer(r);
    };
  }
  std::vector<std::string> statuses_;
  std::size_t gets_ = 0;
};

TEST_F(WaitTest, ExitsZeroOnceApprovedAndActive) {
  SignedIn();
  Serve({"PendingApproval", "PendingApproval", "Provisioned"});
  ASSERT_EQ(Run({"activate", "User Administrator", "--wait"}), 0) << err_.str();
  EXPECT_EQ(gets_, 3U);
  // The first polls come soon after the request: an approver may be quick.
  EXPECT_EQ(sleep_log_,
            (std::vector<absl::Duration>{absl::Milliseconds(250), absl::Milliseconds(375),
                                         absl::Milliseconds(562)}));
  EXPECT_NE(out_.str().find("Provisioned"), std::string::npos);
  // Off a terminal, one line per status change rather than a live line.
  EXPECT_EQ(err_.str(), "request req-2: PendingApproval\nrequest req-2: Provisioned\n");
}

TEST_F(WaitTest, ShowsALiveStatusLineOnATerminal) {
  SignedIn();
  env_.stderr_tty = true;
  Serve({"PendingApproval", "PendingApproval", "PendingApproval", "Provisioned"});
  ASSERT_EQ(Run({"activate", "User Administrator", "--wait"}), 0);
  EXPECT_NE(err_.str().find("\r\x1b[2Kwaiting for User Administrator: PendingApproval (0)"),
            std::string::npos)
      << err_.str();
  // The line is rewritten on every poll (1.187 s after the request, then 2.030 s).
  EXPECT_NE(err_.str().find("\r\x1b[2Kwaiting for User Administrator: PendingApproval (1s)"),
            std::string::npos)
      << err_.str();
  EXPECT_NE(err_.str().find("Provisioned (2s)\n"), std::string::npos) << err_.str();
}

TEST_F(WaitTest, ExitsSixWhenDenied) {
  SignedIn();
  Serve({"PendingApproval", "Denied"});
  EXPECT_EQ(Run({"activate", "User Administrator", "--wait"}), 6);
  EXPECT_NE(err_.str().find("request req-2 ended Denied"), std::string::npos);
}

TEST_F(WaitTest, ExitsFiveAfterTheTimeout) {
  SignedIn();
  Serve({"PendingApproval"});
  EXPECT_EQ(Run({"activate", "User Administrator", "--wait", "--timeout", "10s"}), 5);
  // The schedule (5.193 s in six polls), then every 2 s; the last poll falls on the deadline.
  EXPECT_EQ(sleep_log_,
            (std::vector<absl::Duration>{
                absl::Milliseconds(250), absl::Milliseconds(375), absl::Milliseconds(562),
                absl::Milliseconds(843), absl::Milliseconds(1265), absl::Milliseconds(1898),
                absl::Seconds(2), absl::Seconds(2), absl::Milliseconds(807)}));
  EXPECT_NE(err_.str().find("gave up waiting after 10s"), std::string::npos);
}

TEST_F(WaitTest, TooManyRequestsWaitsAsLongAsRetryAfterSaysAndKeepsWaiting) {
  SignedIn();
  Serve({"429", "429-bare", "PendingApproval", "Provisioned"});
  ASSERT_EQ(Run({"activate", "User Administrator", "--wait"}), 0) << err_.str();
  EXPECT_EQ(gets_, 4U);
  // 250 ms; Retry-After: 7; a 429 without Retry-After backs off to the longest pause (2 s);
  // then the schedule goes on where it was.
  EXPECT_EQ(sleep_log_, (std::vector<absl::Duration>{absl::Milliseconds(250), absl::Seconds(7),
                                                     absl::Seconds(2), absl::Milliseconds(843)}));
  EXPECT_EQ(err_.str(), "request req-2: PendingApproval\nrequest req-2: Provisioned\n");
}

TEST_F(WaitTest, AnotherErrorWhileWaitingEndsTheWaitWithTheServersError) {
  SignedIn();
  Serve({"PendingApproval"});
  handler_ = [inner = handler_](const HttpRequest& r) {
    if (r.method == "GET" && absl::StrContains(r.url, "/roleAssignmentScheduleRequests/req-2")) {
      return Json(403, R"({"error":{"code":"AuthorizationFailed","message":"no"}})");
    }
    return inner(r);
  };
  EXPECT_EQ(Run({"activate", "User Administrator", "--wait"}), 7);
  EXPECT_EQ(sleeps_, 1);
}

TEST_F(AppTest, RefreshesAnExpiredTokenAndSavesTheRotatedRefreshToken) {
  SignedIn(/*valid_for=*/absl::Seconds(10));  // within the refresh slack
  int refreshes = 0;
  handler_ = [&](const HttpRequest& r) {
    if (absl::EndsWith(r.url, "/oauth2/token")) {
      ++refreshes;
      EXPECT_EQ(r.body, "grant_type=refresh_token&client_id=pimctl&refresh_token=refresh-old");
      return Json(
          200, R"({"access_token":"access-new","refresh_token":"refresh-new","expires_in":900})");
    }
    EXPECT_EQ(HeaderOf(r, "Authorization"), "Bearer access-new");
    return BenServer(r);
  };
  ASSERT_EQ(Run({"roles"}), 0) << err_.str();
  EXPECT_EQ(refreshes, 1);
  auto cached = TokenCache(dir_ + "/cfg").Load(kServer);
  ASSERT_TRUE(cached.ok());
  EXPECT_EQ(cached->refresh_token.reveal(), "refresh-new");
  EXPECT_EQ(cached->access_token.reveal(), "access-new");
}

TEST_F(AppTest, A401RefreshesOnceAndRetries) {
  SignedIn();
  bool refreshed = false;
  handler_ = [&](const HttpRequest& r) {
    if (absl::EndsWith(r.url, "/oauth2/token")) {
      refreshed = true;
      return Json(
          200, R"({"access_token":"access-new","refresh_token":"refresh-new","expires_in":900})");
    }
    if (HeaderOf(r, "Authorization") == "Bearer access-old") {
      return Json(401, R"({"error":{"code":"InvalidAuthenticationToken","message":"expired"}})");
    }
    return BenServer(r);
  };
  ASSERT_EQ(Run({"roles", "--eligible"}), 0) << err_.str();
  EXPECT_TRUE(refreshed);
}

TEST_F(AppTest, ARefusedRefreshForgetsTheSignInAndExitsThree) {
  SignedIn(absl::ZeroDuration());
  handler_ = [](const HttpRequest&) {
    return Json(
        400,
        R"({"error":"invalid_grant","error_description":"The refresh token was already used."})");
  };
  EXPECT_EQ(Run({"roles"}), 3);
  EXPECT_EQ(TokenCache(dir_ + "/cfg").Load(kServer).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(AppTest, FollowsNextLinksOnlyOnTheSameServer) {
  SignedIn();
  handler_ = [this](const HttpRequest& r) {
    const std::string p = PathOf(r);
    if (absl::StartsWith(p, "/v1.0/roleManagement/directory/roleEligibilitySchedules")) {
      if (absl::StrContains(p, "page3")) return Json(200, kEmptyList);
      // The same origin spelled otherwise (case, the default port) is the same server.
      if (absl::StrContains(p, "page2")) {
        return Json(
            200,
            R"({"value":[],"@odata.nextLink":"https://PIM.Test:443/v1.0/roleManagement/directory/roleEligibilitySchedules?page3"})");
      }
      return Json(
          200,
          R"({"value":[],"@odata.nextLink":"https://pim.test/v1.0/roleManagement/directory/roleEligibilitySchedules?page2"})");
    }
    if (absl::StartsWith(p, "/v1.0/roleManagement/directory/roleAssignmentSchedules")) {
      return Json(200, R"({"value":[],"@odata.nextLink":"https://evil.test/steal"})");
    }
    return BenServer(r);
  };
  EXPECT_EQ(Run({"roles"}), 1);
  EXPECT_NE(err_.str().find("not following it"), std::string::npos) << err_.str();
  bool followed_same = false;
  bool followed_respelled = false;
  for (const HttpRequest& r : requests_) {
    EXPECT_FALSE(absl::StartsWith(r.url, "https://evil.test")) << r.url;
    followed_same = followed_same || absl::StrContains(r.url, "page2");
    if (absl::StrContains(r.url, "page3")) {
      followed_respelled = true;
      EXPECT_TRUE(absl::StartsWith(r.url, std::string(kServer) + "/")) << r.url;
    }
  }
  EXPECT_TRUE(followed_same);
  EXPECT_TRUE(followed_respelled);
}

TEST_F(AppTest, RequestsAndApprovalsReadEveryCollectionTheyCover) {
  SignedIn();
  handler_ = [this](const HttpRequest& r) { return BenServer(r); };
  ASSERT_EQ(Run({"requests"}), 0) << err_.str();
  ASSERT_EQ(Run({"approvals"}), 0) << err_.str();
  std::vector<std::string> paths;
  for (const HttpRequest& r : requests_) paths.push_back(PathOf(r));
  // Assignment and eligibility requests (an eligibility's extension or renewal is one).
  const std::string dir = "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests/";
  const std::string dir_e = "/v1.0/roleManagement/directory/roleEligibilityScheduleRequests/";
  const std::string group =
      "/v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleRequests/";
  const std::string group_e =
      "/v1.0/identityGovernance/privilegedAccess/group/eligibilityScheduleRequests/";
  const std::string arm = "/providers/Microsoft.Authorization/roleAssignmentScheduleRequests";
  const std::string arm_e = "/providers/Microsoft.Authorization/roleEligibilityScheduleRequests";
  const std::string mine = "?api-version=2020-10-01&$filter=asRequestor%28%29";
  const std::string to_decide =
      "?api-version=2020-10-01&$filter=asApprover%28%29%20and%20status%20eq%20%27PendingApproval%"
      "27";
  const std::string pending = "?$filter=status%20eq%20%27PendingApproval%27&";
  EXPECT_EQ(
      paths,
      (std::vector<std::string>{
          absl::StrCat(dir, "filterByCurrentUser(on='principal')?$expand=roleDefinition"),
          absl::StrCat(dir_e, "filterByCurrentUser(on='principal')?$expand=roleDefinition"),
          absl::StrCat(group, "filterByCurrentUser(on='principal')?$expand=group"),
          absl::StrCat(group_e, "filterByCurrentUser(on='principal')?$expand=group"), arm + mine,
          arm_e + mine,
          absl::StrCat(dir, "filterByCurrentUser(on='approver')", pending,
                       "$expand=roleDefinition"),
          absl::StrCat(dir_e, "filterByCurrentUser(on='approver')", pending,
                       "$expand=roleDefinition"),
          absl::StrCat(group, "filterByCurrentUser(on='approver')", pending, "$expand=group"),
          absl::StrCat(group_e, "filterByCurrentUser(on='approver')", pending, "$expand=group"),
          arm + to_decide, arm_e + to_decide}));
}

TEST_F(AppTest, AScopeMustBeginWithASlashAndLosesTrailingSlashes) {
  SignedIn();
  handler_ = [this](const HttpRequest& r) { return BenServer(r); };
  EXPECT_EQ(Run({"activate", "User Administrator", "--scope", "subscriptions/x", "--reason", "r"}),
            2);
  EXPECT_NE(err_.str().find("must begin with /"), std::string::npos) << err_.str();
  EXPECT_TRUE(requests_.empty());
  EXPECT_EQ(Run({"policy", "show", "Reader", "--scope", "providers/x"}), 2);
}

TEST_F(AppTest, RolesTakesEligibleOrActiveNotBoth) {
  SignedIn();
  handler_ = [this](const HttpRequest& r) { return BenServer(r); };
  EXPECT_EQ(Run({"roles", "--eligible", "--active"}), 2);
  EXPECT_TRUE(requests_.empty());
}

TEST_F(AppTest, LogoutAnswersJsonWhenAskedTo) {
  EXPECT_EQ(Run({"-o", "json", "logout"}), 0) << err_.str();
  const auto v = boost::json::parse(out_.str());
  EXPECT_EQ(v.at("signedOut"), false);
}

TEST_F(AppTest, CancelOfAnEligibilityRequestGoesToTheEligibilityRequests) {
  SignedIn();
  const std::string eligibility_requests =
      "/v1.0/roleManagement/directory/roleEligibilityScheduleRequests";
  constexpr char kRequest[] = R"({"id":"x1","action":"selfExtend","status":"PendingApproval",
      "principalId":"d0000000-0000-4000-8000-00000000000b","createdDateTime":"2026-01-05T09:00:00Z",
      "roleDefinitionId":"fe930be7-5e62-47db-91af-98c3a49a38b1","directoryScopeId":"/",
      "roleDefinition":{"displayName":"User Administrator"}})";
  handler_ = [&](const HttpRequest& r) {
    const std::string p = PathOf(r);
    if (absl::StartsWith(p, eligibility_requests + "/filterByCurrentUser")) {
      return Json(200, absl::StrCat(R"({"value":[)", kRequest, "]}"));
    }
    if (p == eligibility_requests + "/x1/cancel" && r.method == "POST") return Json(204, "");
    if (p == eligibility_requests + "/x1" || absl::StartsWith(p, eligibility_requests + "/x1?")) {
      std::string canceled = kRequest;
      canceled.replace(canceled.find("PendingApproval"), 15, "Canceled");
      return Json(200, canceled);
    }
    return BenServer(r);
  };
  ASSERT_EQ(Run({"cancel", "x1"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("Canceled"), std::string::npos) << out_.str();
}

TEST_F(AppTest, ApprovalsListAzureResourceRequestsWaitingForTheCaller) {
  SignedIn();
  handler_ = [this](const HttpRequest& r) {
    if (absl::StrContains(
            r.url, "roleAssignmentScheduleRequests?api-version=2020-10-01&$filter=asApprover")) {
      return Json(200, R"({"value":[{"name":"req-9","properties":{"principalId":"u-ben",
          "requestType":"SelfActivate","status":"PendingApproval","approvalId":"req-9",
          "scope":"/subscriptions/s","justification":"Scale web tier",
          "roleDefinitionId":"/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/r",
          "scheduleInfo":{"expiration":{"type":"AfterDuration","duration":"PT1H"}},
          "expandedProperties":{"roleDefinition":{"displayName":"Contributor"}}}}],"nextLink":null})");
    }
    return BenServer(r);
  };
  ASSERT_EQ(Run({"approvals", "--output", "json"}), 0) << err_.str();
  const auto v = boost::json::parse(out_.str());
  const auto& approvals = v.at("approvals").as_array();
  ASSERT_FALSE(approvals.empty()) << out_.str();
  const auto& last = approvals.back().as_object();
  EXPECT_EQ(last.at("kind"), "azureResource") << out_.str();
  EXPECT_EQ(last.at("approvalId"), "req-9");
  EXPECT_EQ(last.at("name"), "Contributor");
  EXPECT_EQ(last.at("scope"), "/subscriptions/s");
}

TEST_F(AppTest, ApproveOfAnAzureResourceRequestPatchesTheArmStage) {
  SignedIn();
  handler_ = [](const HttpRequest& r) {
    if (absl::StrContains(r.url,
                          "/providers/Microsoft.Authorization/roleAssignmentApprovals/ap-7?")) {
      return Json(200, R"({"id":"/providers/Microsoft.Authorization/roleAssignmentApprovals/ap-7",
          "name":"ap-7","type":"Microsoft.Authorization/roleAssignmentApprovals","properties":{"stages":[
          {"name":"ap-7","properties":{"status":"Completed"}},
          {"name":"ap-7-2","properties":{"status":"InProgress","assignedToMe":true}}]}})");
    }
    if (r.method == "PATCH")
      return Json(200, R"({"name":"ap-7-2","properties":{"status":"Completed"}})");
    return Json(404, R"({"error":{"code":"ApprovalNotFound","message":"no"}})");
  };
  ASSERT_EQ(Run({"deny", "ap-7", "--reason", "No ticket", "--output", "json"}), 0) << err_.str();
  ASSERT_EQ(requests_.back().method, "PATCH");
  EXPECT_TRUE(
      absl::EndsWith(requests_.back().url,
                     "/providers/Microsoft.Authorization/roleAssignmentApprovals/ap-7/stages/ap-7-2"
                     "?api-version=2021-01-01-preview"))
      << requests_.back().url;
  EXPECT_EQ(
      boost::json::parse(requests_.back().body),
      boost::json::parse(R"({"properties":{"reviewResult":"Deny","justification":"No ticket"}})"));
  EXPECT_EQ(
      boost::json::parse(out_.str()),
      boost::json::parse(R"({"approval":{"id":"ap-7","kind":"azureResource","decision":"Deny"}})"));
}

TEST_F(AppTest, ApproveFindsTheInProgressStepAndPatchesIt) {
  SignedIn();
  handler_ = [](const HttpRequest& r) {
    if (absl::EndsWith(r.url, "/v1.0/roleManagement/directory/roleAssignmentApprovals/ap-1")) {
      return Json(404, R"({"error":{"code":"ApprovalNotFound","message":"no"}})");
    }
    if (absl::EndsWith(r.url,
                       "/identityGovernance/privilegedAccess/group/assignmentApprovals/ap-1")) {
      return Json(
          200,
          R"({"id":"ap-1","stages":[{"id":"st-1","status":"InProgress","assignedToMe":true}]})");
    }
    if (r.method == "PATCH") return HttpResponse{204, {}, ""};
    return Json(500, "");
  };
  ASSERT_EQ(Run({"approve", "ap-1", "--reason", "ok"}), 0) << err_.str();
  ASSERT_EQ(requests_.back().method, "PATCH");
  EXPECT_TRUE(absl::EndsWith(requests_.back().url, "/assignmentApprovals/ap-1/stages/st-1"));
  EXPECT_EQ(boost::json::parse(requests_.back().body),
            boost::json::parse(R"({"reviewResult":"Approve","justification":"ok"})"));
  EXPECT_EQ(out_.str(), "Approved ap-1\n");
}

TEST_F(AppTest, ApprovePatchesTheParallelStageAssignedToTheCaller) {
  SignedIn();
  handler_ = [](const HttpRequest& r) {
    if (absl::EndsWith(r.url, "/v1.0/roleManagement/directory/roleAssignmentApprovals/ap-2")) {
      return Json(200, R"({"id":"ap-2","steps":[
          {"id":"ap-2","status":"InProgress","assignedToMe":false},
          {"id":"ap-2-2","status":"InProgress","assignedToMe":true}]})");
    }
    if (r.method == "PATCH") return HttpResponse{204, {}, ""};
    return Json(404, R"({"error":{"code":"ApprovalNotFound","message":"no"}})");
  };
  ASSERT_EQ(Run({"approve", "ap-2", "--reason", "ok"}), 0) << err_.str();
  ASSERT_EQ(requests_.back().method, "PATCH");
  EXPECT_TRUE(absl::EndsWith(requests_.back().url, "/roleAssignmentApprovals/ap-2/steps/ap-2-2"))
      << requests_.back().url;
}

TEST_F(AppTest, ApproveOfAnUnknownIdExitsFour) {
  SignedIn();
  handler_ = [](const HttpRequest&) {
    return Json(404, R"({"error":{"code":"ApprovalNotFound","message":"no"}})");
  };
  EXPECT_EQ(Run({"deny", "nope", "--reason", "x"}), 4);
}

class PolicyImportTest : public AppTest {
 protected:
  void SetUp() override {
    AppTest::SetUp();
    SignedIn();
    file_ = dir_ + "/policies.json";
    FILE* f = std::fopen(file_.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(R"({"policies":[{"directoryRole":"User Administrator","rules":[
      {"id":"Expiration_EndUser_Assignment","maximumDuration":"PT4H"}]}]})",
               f);
    std::fclose(f);
    handler_ = [this](const HttpRequest& r) {
      const std::string p = PathOf(r);
      if (absl::StartsWith(p, "/v1.0/roleManagement/directory/roleDefinitions")) {
        return Json(200, R"({"value":[{"id":"fe93","displayName":"User Administrator"}]})");
      }
      if (absl::StartsWith(p, "/v1.0/policies/roleManagementPolicyAssignments")) {
        return Json(200, R"({"value":[{"policy":{"id":"p1","rules":[
          {"id":"Expiration_EndUser_Assignment",
           "@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyExpirationRule",
           "isExpirationRequired":true,"maximumDuration":"PT8H"}]}}]})");
      }
      if (r.method == "PATCH") return patch_answer_;
      return Json(404, "");
    };
  }
  int Patches() const {
    int n = 0;
    for (const HttpRequest& r : requests_) n += r.method == "PATCH" ? 1 : 0;
    return n;
  }
  std::string file_;
  HttpResponse patch_answer_{204, {}, ""};
};

TEST_F(PolicyImportTest, DryRunPrintsTheChangeAndSendsNothing) {
  ASSERT_EQ(Run({"policy", "import", file_.c_str(), "--dry-run"}), 0) << err_.str();
  EXPECT_EQ(out_.str(),
            "directoryRole User Administrator [policy p1]\n"
            "  Expiration_EndUser_Assignment: maximumDuration: \"PT8H\" -> \"PT4H\"\n"
            "1 rule would change (dry run: nothing was changed)\n");
  EXPECT_EQ(Patches(), 0);
}

TEST_F(PolicyImportTest, ImportPatchesTheWholeMergedRule) {
  ASSERT_EQ(Run({"policy", "import", file_.c_str()}), 0) << err_.str();
  ASSERT_EQ(Patches(), 1);
  const HttpRequest& patch = requests_.back();
  EXPECT_TRUE(
      absl::EndsWith(patch.url, "/roleManagementPolicies/p1/rules/Expiration_EndUser_Assignment"));
  EXPECT_EQ(boost::json::parse(patch.body),
            boost::json::parse(R"({"id":"Expiration_EndUser_Assignment",
              "@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyExpirationRule",
              "isExpirationRequired":true,"maximumDuration":"PT4H"})"));
  EXPECT_EQ(out_.str().substr(out_.str().rfind('\n', out_.str().size() - 2) + 1),
            "1 rule changed\n");
}

TEST_F(PolicyImportTest, ARefusedRuleIsNamedAndKeepsTheServersExitCode) {
  patch_answer_ = Json(400, R"({"error":{"code":"InvalidPolicy","message":"too long"}})");
  EXPECT_EQ(Run({"policy", "import", file_.c_str()}), 1);
  EXPECT_EQ(err_.str(),
            "pimctl: error: rule Expiration_EndUser_Assignment of User Administrator: "
            "InvalidPolicy: too long (HTTP 400)\n");
  patch_answer_ = Json(403, R"({"error":{"code":"AuthorizationFailed","message":"no"}})");
  EXPECT_EQ(Run({"policy", "import", file_.c_str()}), 7);
}

// An Azure subscription where Contributor's policy allows activations of up to eight hours.
class ArmPolicyTest : public AppTest {
 protected:
  static constexpr char kAuth[] = "/subscriptions/s1/providers/Microsoft.Authorization";
  static constexpr char kContributor[] = "b24988ac-6180-42a0-ab88-20f7382dd24c";

  void SetUp() override {
    AppTest::SetUp();
    SignedIn();
    const std::string policy_id = absl::StrCat(kAuth, "/roleManagementPolicies/g1");
    policy_ = absl::StrCat(R"({"id":")", policy_id, R"(","name":"g1",
      "type":"Microsoft.Authorization/RoleManagementPolicies","properties":{"rules":[
      {"id":"Expiration_EndUser_Assignment","ruleType":"RoleManagementPolicyExpirationRule",
       "isExpirationRequired":true,"maximumDuration":"PT8H",
       "target":{"caller":"EndUser","operations":["All"],"level":"Assignment",
                 "targetObjects":null,"inheritableSettings":null,"enforcedSettings":null}},
      {"id":"Approval_EndUser_Assignment","ruleType":"RoleManagementPolicyApprovalRule",
       "setting":{"isApprovalRequired":false,"approvalMode":"SingleStage",
                  "approvalStages":[{"approvalStageTimeOutInDays":1,"primaryApprovers":[]}]},
       "target":{"caller":"EndUser","operations":["All"],"level":"Assignment",
                 "targetObjects":null,"inheritableSettings":null,"enforcedSettings":null}}]}})");
    handler_ = [this, policy_id](const HttpRequest& r) {
      const std::string p = PathOf(r);
      if (absl::StartsWith(p, absl::StrCat(kAuth, "/roleDefinitions?"))) {
        return Json(200, absl::StrCat(R"({"value":[{"name":")", kContributor,
                                      R"(","properties":{"roleName":"Contributor"}}]})"));
      }
      if (absl::StartsWith(p, absl::StrCat(kAuth, "/roleManagementPolicyAssignments?"))) {
        return Json(200, absl::StrCat(R"({"value":[{"name":"g1_)", kContributor,
                                      R"(","properties":{"policyId":")", policy_id,
                                      R"(","roleDefinitionId":")", kAuth, "/roleDefinitions/",
                                      kContributor, R"(","policyAssignmentProperties":{)",
                                      R"("roleDefinition":{"displayName":"Contributor"}}}}]})"));
      }
      if (absl::StartsWith(p, absl::StrCat(kAuth, "/roleManagementPolicies?"))) {
        return Json(200, absl::StrCat(R"({"value":[)", policy_, "]}"));
      }
      if (absl::StartsWith(p, absl::StrCat(kAuth, "/roleManagementPolicies/g1?"))) {
        if (r.method == "PATCH") return patch_answer_;
        return Json(200, policy_);
      }
      if (absl::StartsWith(p, "/v1.0/") && r.method == "GET") return Json(200, kEmptyList);
      return Json(404, R"({"error":{"code":"NotFound","message":"no route"}})");
    };
  }
  std::vector<HttpRequest> Patches() const {
    std::vector<HttpRequest> out;
    for (const HttpRequest& r : requests_) {
      if (r.method == "PATCH") out.push_back(r);
    }
    return out;
  }
  std::string WriteFile(const char* text) {
    std::string file = dir_ + "/arm-policies.json";
    FILE* f = std::fopen(file.c_str(), "w");
    EXPECT_NE(f, nullptr);
    std::fputs(text, f);
    std::fclose(f);
    return file;
  }
  std::string policy_;
  HttpResponse patch_answer_ = Json(200, "{}");
};

TEST_F(ArmPolicyTest, ShowFindsThePolicyThroughThePolicyAssignmentOfTheRoleAtTheScope) {
  ASSERT_EQ(Run({"policy", "show", "contributor", "--scope", "/subscriptions/s1"}), 0)
      << err_.str();
  EXPECT_EQ(out_.str().substr(0, out_.str().find('\n')),
            "azureResource Contributor at /subscriptions/s1, policy \"g1\"");
  EXPECT_NE(out_.str().find(R"(Expiration_EndUser_Assignment  {"isExpirationRequired":true,)"
                            R"("maximumDuration":"PT8H"})"),
            std::string::npos)
      << out_.str();
  bool filtered = false;
  for (const HttpRequest& r : requests_) {
    filtered = filtered || (absl::StrContains(r.url, "roleManagementPolicyAssignments?") &&
                            absl::StrContains(r.url, "roleDefinitionId%20eq%20") &&
                            absl::StrContains(r.url, kContributor));
  }
  EXPECT_TRUE(filtered);
  out_.str("");
  ASSERT_EQ(
      Run({"--output", "json", "policy", "show", kContributor, "--scope", "/subscriptions/s1"}), 0);
  EXPECT_EQ(boost::json::parse(out_.str()).at("policy").at("name"), "g1");
  EXPECT_EQ(Run({"policy", "show", "Owner", "--scope", "/subscriptions/s1"}), 4);
}

TEST_F(ArmPolicyTest, SetDryRunPrintsTheChangeAndSendsNothing) {
  ASSERT_EQ(Run({"policy", "set", "Contributor", "--scope", "/subscriptions/s1", "--max-duration",
                 "4h", "--dry-run"}),
            0)
      << err_.str();
  EXPECT_EQ(out_.str(),
            "azureResource Contributor at /subscriptions/s1 [policy g1]\n"
            "  Expiration_EndUser_Assignment: maximumDuration: \"PT8H\" -> \"PT4H\"\n"
            "1 rule would change (dry run: nothing was changed)\n");
  EXPECT_TRUE(Patches().empty());
}

TEST_F(ArmPolicyTest, SetPatchesOneArmRuleAtTheScope) {
  ASSERT_EQ(
      Run({"policy", "set", "Contributor", "--scope", "/subscriptions/s1", "--max-duration", "4h"}),
      0)
      << err_.str();
  const auto patches = Patches();
  ASSERT_EQ(patches.size(), 1U);
  EXPECT_EQ(PathOf(patches[0]),
            absl::StrCat(kAuth, "/roleManagementPolicies/g1?api-version=2020-10-01"));
  EXPECT_EQ(boost::json::parse(patches[0].body), boost::json::parse(R"({"properties":{"rules":[
      {"id":"Expiration_EndUser_Assignment","ruleType":"RoleManagementPolicyExpirationRule",
       "isExpirationRequired":true,"maximumDuration":"PT4H",
       "target":{"caller":"EndUser","operations":["All"],"level":"Assignment",
                 "targetObjects":null,"inheritableSettings":null,"enforcedSettings":null}}]}})"));
  EXPECT_EQ(out_.str().substr(out_.str().rfind('\n', out_.str().size() - 2) + 1),
            "1 rule changed\n");
}

TEST_F(ArmPolicyTest, ApproversAreArmUserSets) {
  ASSERT_EQ(Run({"--output", "json", "policy", "set", "Contributor", "--scope", "/subscriptions/s1",
                 "--approval", "on", "--approver", "u1", "--dry-run"}),
            0)
      << err_.str();
  EXPECT_EQ(boost::json::parse(out_.str()), boost::json::parse(R"({"changes":[{
      "kind":"azureResource","id":"b24988ac-6180-42a0-ab88-20f7382dd24c","name":"Contributor",
      "access":null,"scope":"/subscriptions/s1","policyId":"g1",
      "ruleId":"Approval_EndUser_Assignment","changes":[
        {"path":"setting.isApprovalRequired","from":false,"to":true},
        {"path":"setting.approvalStages","from":[{"approvalStageTimeOutInDays":1,"primaryApprovers":[]}],
         "to":[{"approvalStageTimeOutInDays":1,
                "primaryApprovers":[{"id":"u1","isBackup":false,"userType":"User"}]}]}]}],
      "applied":false})"));
  EXPECT_TRUE(Patches().empty());
}

TEST_F(ArmPolicyTest, ExportWritesTheResourceRolesOfEachScopeAndImportsBack) {
  ASSERT_EQ(Run({"policy", "export", "--scope", "/subscriptions/s1"}), 0) << err_.str();
  const boost::json::value file = boost::json::parse(out_.str());
  const boost::json::array& policies = file.at("policies").as_array();
  ASSERT_EQ(policies.size(), 1U);
  EXPECT_EQ(policies[0].at("azureResourceRole"), "Contributor");
  EXPECT_EQ(policies[0].at("roleDefinitionId"), kContributor);
  EXPECT_EQ(policies[0].at("scope"), "/subscriptions/s1");
  EXPECT_EQ(policies[0].at("rules").as_array().size(), 2U);

  // Exported as is, nothing to change; with a lower maximum, one rule.
  out_.str("");
  EXPECT_EQ(Run({"policy", "import", WriteFile(boost::json::serialize(file).c_str()).c_str(),
                 "--dry-run"}),
            0);
  EXPECT_EQ(out_.str(), "No changes: the policies already match.\n");
  out_.str("");
  const std::string edited = WriteFile(R"({"policies":[{"azureResourceRole":"Contributor",
      "scope":"/subscriptions/s1","rules":[
      {"id":"Expiration_EndUser_Assignment","ruleType":"RoleManagementPolicyExpirationRule",
       "maximumDuration":"PT4H"}]}]})");
  ASSERT_EQ(Run({"policy", "import", edited.c_str(), "--dry-run"}), 0) << err_.str();
  EXPECT_EQ(out_.str(),
            "azureResource Contributor at /subscriptions/s1 [policy g1]\n"
            "  Expiration_EndUser_Assignment: maximumDuration: \"PT8H\" -> \"PT4H\"\n"
            "1 rule would change (dry run: nothing was changed)\n");
  EXPECT_TRUE(Patches().empty());
  ASSERT_EQ(Run({"policy", "import", edited.c_str()}), 0) << err_.str();
  EXPECT_EQ(Patches().size(), 1U);
}

TEST_F(ArmPolicyTest, FileAndScopeMistakesAreUsageErrors) {
  const std::string no_scope = WriteFile(R"({"policies":[{"azureResourceRole":"Contributor",
      "rules":[{"id":"Expiration_EndUser_Assignment","maximumDuration":"PT4H"}]}]})");
  EXPECT_EQ(Run({"policy", "import", no_scope.c_str(), "--dry-run"}), 2);
  EXPECT_NE(err_.str().find("needs its Azure \"scope\""), std::string::npos) << err_.str();
  EXPECT_EQ(Run({"policy", "export", "--scope", "/administrativeUnits/au1"}), 2);
}

TEST_F(ArmPolicyTest, ARefusedPatchKeepsTheServersCodeAndExitCode) {
  patch_answer_ = Json(403, R"({"error":{"code":"AuthorizationFailed","message":"not an Owner"}})");
  EXPECT_EQ(
      Run({"policy", "set", "Contributor", "--scope", "/subscriptions/s1", "--max-duration", "4h"}),
      7);
  EXPECT_EQ(err_.str(),
            "pimctl: error: rule Expiration_EndUser_Assignment of Contributor: "
            "AuthorizationFailed: not an Owner (HTTP 403)\n");
}

TEST_F(AppTest, CompletionScriptsNameEveryCommandAndOption) {
  ASSERT_EQ(Run({"completion", "bash"}), 0);
  const std::string bash = out_.str();
  EXPECT_NE(bash.find("complete -F _pimctl pimctl"), std::string::npos);
  EXPECT_NE(bash.find("\"activate\") words=\""), std::string::npos);
  EXPECT_NE(bash.find("--duration"), std::string::npos);
  EXPECT_NE(bash.find("\"directory import\")"), std::string::npos);
  EXPECT_NE(bash.find("\"policy import\")"), std::string::npos);
  EXPECT_NE(bash.find("--dry-run"), std::string::npos);
  out_.str("");
  ASSERT_EQ(Run({"completion", "zsh"}), 0);
  EXPECT_EQ(out_.str().rfind("#compdef pimctl", 0), 0U);
  EXPECT_NE(out_.str().find("--ticket-number"), std::string::npos);
  EXPECT_EQ(Run({"completion", "fish"}), 2);
}

// An eligibility for an Azure resource role is a roleEligibilityScheduleRequest; sent as an
// assignment request it would have granted standing access.
TEST_F(AppTest, EligibleAssignmentOfAnAzureRoleIsAnEligibilityRequest) {
  SignedIn();
  handler_ = [](const HttpRequest& r) {
    const std::string p = PathOf(r);
    if (absl::StartsWith(p, "/v1.0/users")) {
      return Json(200,
                  R"({"value":[{"id":"u-1","displayName":"Una","userPrincipalName":"una@x"}]})");
    }
    if (absl::StartsWith(p, "/v1.0/")) return Json(200, R"({"value":[]})");
    if (absl::StartsWith(p,
                         "/subscriptions/s1/providers/Microsoft.Authorization/roleDefinitions?")) {
      return Json(200, R"({"value":[{"name":"r-1","properties":{"roleName":"Contributor"}}]})");
    }
    if (r.method == "PUT") {
      return Json(201,
                  R"({"name":"q-1","properties":{"principalId":"u-1","requestType":"AdminAssign",
          "status":"Provisioned","scope":"/subscriptions/s1"}})");
    }
    return Json(404, R"({"error":{"code":"NotFound","message":"no route"}})");
  };
  ASSERT_EQ(Run({"assignment", "add", "u-1", "Contributor", "--scope", "/subscriptions/s1",
                 "--eligible", "--duration", "P30D", "--reason", "On call"}),
            0)
      << err_.str();
  ASSERT_EQ(requests_.back().method, "PUT");
  EXPECT_TRUE(absl::StartsWith(
      PathOf(requests_.back()),
      "/subscriptions/s1/providers/Microsoft.Authorization/roleEligibilityScheduleRequests/"))
      << requests_.back().url;
  const auto body = boost::json::parse(requests_.back().body);
  EXPECT_EQ(body.at("properties").at("requestType"), "AdminAssign");
  EXPECT_EQ(body.at("properties").at("principalId"), "u-1");
}

// A 5xx or 429 from the token endpoint says nothing about the sign-in: it stays, and the
// command fails with the exit code of that error rather than "not signed in".
TEST_F(AppTest, ATransientTokenEndpointErrorKeepsTheSignIn) {
  SignedIn(absl::ZeroDuration());
  handler_ = [](const HttpRequest& r) {
    if (absl::EndsWith(r.url, "/oauth2/token")) {
      return Json(503, R"({"error":{"code":"ServiceUnavailable","message":"try again"}})");
    }
    return Json(500, "");
  };
  EXPECT_EQ(Run({"roles"}), 1) << err_.str();
  EXPECT_NE(err_.str().find("ServiceUnavailable"), std::string::npos) << err_.str();
  auto cached = TokenCache(dir_ + "/cfg").Load(kServer);
  ASSERT_TRUE(cached.ok()) << cached.status();
  EXPECT_EQ(cached->refresh_token.reveal(), "refresh-old");
}

// Only a sign-in chooses the default server; refreshing another server's sign-in does not.
TEST_F(AppTest, ARefreshDoesNotChangeTheDefaultServer) {
  handler_ = [](const HttpRequest& r) {
    if (absl::EndsWith(r.url, "/oauth2/token")) {
      return Json(200, R"({"access_token":"AT","refresh_token":"RT","expires_in":900})");
    }
    if (absl::EndsWith(r.url, "/v1.0/me")) return Json(200, R"({"id":"u-1","mail":"ben@x"})");
    if (r.method == "GET" && absl::StrContains(r.url, "/providers/")) {
      return Json(200, R"({"value":[]})");
    }
    if (r.method == "GET") return Json(200, kEmptyList);
    return Json(404, "");
  };
  in_.str("pw\n");
  ASSERT_EQ(Run({"login", "--username", "ben@x", "--password-stdin"}), 0) << err_.str();
  const TokenCache cache(dir_ + "/cfg");
  ASSERT_EQ(cache.DefaultServer(), kServer);
  CachedSignIn other;
  other.server = "https://other.test";
  other.access_token = Secret("access-other");
  other.refresh_token = Secret("refresh-other");
  other.access_expires = clock_.Now();  // expired: the next command refreshes it
  other.user_id = "u-1";
  ASSERT_TRUE(cache.Save(other).ok());
  ASSERT_EQ(Run({"--server", "https://other.test", "roles"}), 0) << err_.str();
  EXPECT_EQ(cache.Load("https://other.test")->refresh_token.reveal(), "RT");
  EXPECT_EQ(cache.DefaultServer(), kServer);
}

TEST_F(AppTest, HttpTimeoutMustBeAPositiveNumberOfSeconds) {
  SignedIn();
  handler_ = [this](const HttpRequest& r) { return BenServer(r); };
  for (const char* bad : {"0", "-1", "--http-timeout=-5", "0.0000001", "nan", "inf", "soon"}) {
    err_.str("");
    const bool joined = absl::StartsWith(bad, "--");
    std::vector<const char*> args = joined
                                        ? std::vector<const char*>{bad, "roles"}
                                        : std::vector<const char*>{"--http-timeout", bad, "roles"};
    EXPECT_EQ(Run(args), 2) << bad;
    EXPECT_NE(err_.str().find("http-timeout"), std::string::npos) << bad << ": " << err_.str();
  }
  EXPECT_TRUE(requests_.empty());
  EXPECT_EQ(Run({"--http-timeout", "0.5", "roles"}), 0) << err_.str();
}

TEST_F(AppTest, DirectoryImportAsJsonStillExitsOneWhenARowWasRejected) {
  SignedIn();
  const std::string file = dir_ + "/users.json";
  FILE* f = std::fopen(file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(R"({"users":[{"userPrincipalName":"a@x"},{"userPrincipalName":""}]})", f);
  std::fclose(f);
  const std::string answer =
      R"({"imported":1,"unchanged":0,"rejected":1,"rows":[{"row":1,"status":"imported","id":"u-1"},)"
      R"({"row":2,"status":"rejected","code":"InvalidUserPrincipalName","message":"empty"}]})";
  handler_ = [&answer](const HttpRequest& r) {
    if (r.method == "POST" && absl::EndsWith(r.url, "/pim/v1/directory/import")) {
      return Json(200, answer);
    }
    return Json(404, "");
  };
  EXPECT_EQ(Run({"-o", "json", "directory", "import", file.c_str()}), 1) << err_.str();
  EXPECT_EQ(boost::json::parse(out_.str()), boost::json::parse(answer));
  out_.str("");
  EXPECT_EQ(Run({"directory", "import", file.c_str()}), 1);
  EXPECT_NE(out_.str().find("rejected 1"), std::string::npos) << out_.str();
  // Nothing rejected: exit 0 in both formats.
  handler_ = [](const HttpRequest&) {
    return Json(200, R"({"imported":2,"unchanged":0,"rejected":0,"rows":[]})");
  };
  EXPECT_EQ(Run({"-o", "json", "directory", "import", file.c_str()}), 0) << err_.str();
  EXPECT_EQ(Run({"directory", "import", file.c_str()}), 0) << err_.str();
}

// A justification (or name) is written by the requester; shown to an approver in a table it
// must not be able to clear the screen or overwrite what the table says.
TEST_F(AppTest, RequesterTextReachesTablesWithoutControlCharacters) {
  SignedIn();
  const std::string evil = "\x1b[2Jx\rY\b\x7f\xc2\x9b";
  handler_ = [this](const HttpRequest& r) {
    if (absl::StrContains(r.url, "/roleAssignmentScheduleRequests/filterByCurrentUser")) {
      return Json(200,
                  R"({"value":[{"id":"req-7","status":"PendingApproval","action":"selfActivate",
        "principalId":"u-eve","approvalId":"req-7","justification":"\u001b[2Jx\rY\b\u007f\u009b",
        "roleDefinitionId":"fe93","directoryScopeId":"/",
        "roleDefinition":{"displayName":"Global\u001b]0;owned\u0007 Administrator"}}]})");
    }
    return BenServer(r);
  };
  for (const char* cmd : {"approvals", "requests"}) {
    out_.str("");
    ASSERT_EQ(Run({cmd}), 0) << err_.str();
    const std::string out = out_.str();
    for (const char bad : {'\x1b', '\r', '\b', '\x7f', '\x07'}) {
      EXPECT_EQ(out.find(bad), std::string::npos) << cmd << ": " << static_cast<int>(bad);
    }
    EXPECT_EQ(out.find("\xc2\x9b"), std::string::npos) << cmd;
    EXPECT_NE(out.find("\xef\xbf\xbd[2Jx\xef\xbf\xbdY"), std::string::npos) << out;
  }
  // JSON stays exact: the text as it was sent.
  out_.str("");
  ASSERT_EQ(Run({"-o", "json", "approvals"}), 0) << err_.str();
  EXPECT_EQ(boost::json::parse(out_.str()).at("approvals").at(0).at("justification").as_string(),
            evil);
}

// The eligibilities and assignments of Ben used by the extend and renew tests: a time-bound
// eligibility for User Administrator and, when `assigned`, also a time-bound active assignment
// of it and an activation (which cannot be extended).
class ExtendTest : public AppTest {
 protected:
  void Serve(bool assigned) {
    assigned_ = assigned;
    handler_ = [this](const HttpRequest& r) {
      const std::string p = PathOf(r);
      const std::string info =
          R"("scheduleInfo":{"startDateTime":"2026-01-01T00:00:00Z","expiration":{"type":"afterDateTime","endDateTime":"2026-01-12T00:00:00Z"}},
             "roleDefinition":{"displayName":"User Administrator"})";
      if (absl::StartsWith(p, "/v1.0/roleManagement/directory/roleEligibilitySchedules")) {
        return Json(200, absl::StrCat(R"({"value":[{"id":"e1","roleDefinitionId":"fe93",
          "directoryScopeId":"/","memberType":"Direct","status":"Provisioned",)",
                                      info, "}]}"));
      }
      if (assigned_ &&
          absl::StartsWith(p, "/v1.0/roleManagement/directory/roleAssignmentSchedules")) {
        return Json(200, absl::StrCat(R"({"value":[{"id":"a1","roleDefinitionId":"fe93",
          "directoryScopeId":"/","memberType":"Direct","assignmentType":"Assigned",
          "status":"Provisioned",)",
                                      info, R"(},{"id":"a2","roleDefinitionId":"fe93",
          "directoryScopeId":"/","memberType":"Direct","assignmentType":"Activated",
          "status":"Provisioned",)",
                                      info, "}]}"));
      }
      if (r.method == "POST") {
        const boost::json::value body = boost::json::parse(r.body);
        return Json(201, absl::StrCat(R"({"id":"req-x","status":"PendingApproval","action":")",
                                      std::string(body.at("action").as_string()),
                                      R"(","roleDefinitionId":"fe93","directoryScopeId":"/"})"));
      }
      if (absl::StartsWith(
              p, "/v1.0/roleManagement/directory/roleEligibilityScheduleRequests/req-x")) {
        return Json(200, R"({"id":"req-x","status":"Provisioned","action":"selfExtend"})");
      }
      return BenServer(r);
    };
  }
  std::vector<HttpRequest> Posts() const {
    std::vector<HttpRequest> out;
    for (const HttpRequest& r : requests_) {
      if (r.method == "POST") out.push_back(r);
    }
    return out;
  }
  bool assigned_ = false;
};

TEST_F(ExtendTest, ATimeBoundEligibilityIsExtendedThroughTheEligibilityRequests) {
  SignedIn();
  Serve(/*assigned=*/false);
  ASSERT_EQ(Run({"extend", "User Administrator", "--until", "2026-03-01T00:00:00Z", "--reason",
                 "Still on call", "--wait"}),
            0)
      << err_.str();
  const std::vector<HttpRequest> posts = Posts();
  ASSERT_EQ(posts.size(), 1U);
  EXPECT_EQ(PathOf(posts[0]), "/v1.0/roleManagement/directory/roleEligibilityScheduleRequests");
  const boost::json::value body = boost::json::parse(posts[0].body);
  EXPECT_EQ(body.at("action"), "selfExtend");
  EXPECT_EQ(body.at("roleDefinitionId"), "fe93");
  EXPECT_EQ(body.at("scheduleInfo").at("expiration").at("endDateTime"), "2026-03-01T00:00:00Z");
  // --wait follows the request where it is: among the eligibility requests.
  EXPECT_EQ(PathOf(requests_.back()),
            "/v1.0/roleManagement/directory/roleEligibilityScheduleRequests/"
            "req-x?$expand=roleDefinition");
  EXPECT_NE(out_.str().find("Provisioned"), std::string::npos);
}

TEST_F(ExtendTest, AnEligibilityAndAnAssignmentOfOneRoleAreToldApartByEligibleOrActive) {
  SignedIn();
  Serve(/*assigned=*/true);
  EXPECT_EQ(Run({"extend", "User Administrator", "--duration", "P30D"}), 2);
  EXPECT_NE(err_.str().find("--eligible or --active"), std::string::npos) << err_.str();
  // The two to choose from; not the activation, which cannot be extended.
  EXPECT_TRUE(absl::EndsWith(err_.str(),
                             "Matches: eligible directoryRole User Administrator / until "
                             "2026-01-12 00:00Z; active directoryRole User Administrator / until "
                             "2026-01-12 00:00Z\n"))
      << err_.str();
  EXPECT_TRUE(Posts().empty());

  ASSERT_EQ(Run({"extend", "User Administrator", "--duration", "P30D", "--eligible"}), 0)
      << err_.str();
  ASSERT_EQ(Run({"extend", "User Administrator", "--duration", "P30D", "--active"}), 0)
      << err_.str();
  const std::vector<HttpRequest> posts = Posts();
  ASSERT_EQ(posts.size(), 2U);
  EXPECT_EQ(PathOf(posts[0]), "/v1.0/roleManagement/directory/roleEligibilityScheduleRequests");
  EXPECT_EQ(PathOf(posts[1]), "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests");
  for (const HttpRequest& post : posts) {
    EXPECT_EQ(boost::json::parse(post.body).at("action"), "selfExtend");
  }
  EXPECT_EQ(Run({"extend", "User Administrator", "--duration", "P30D", "--eligible", "--active"}),
            2);
}

TEST_F(AppTest, RenewEligibleGoesToTheEligibilityRequestsOfTheArea) {
  SignedIn();
  handler_ = [](const HttpRequest& r) {
    if (absl::EndsWith(r.url, "/v1.0/groups")) {
      return Json(200, R"({"value":[{"id":"g-1","displayName":"Prod Operators"}]})");
    }
    if (r.method == "POST") {
      return Json(201, R"({"id":"req-g","status":"PendingApproval","action":"selfRenew",
        "groupId":"g-1","accessId":"member"})");
    }
    return Json(404, R"({"error":{"code":"NotFound","message":"no route"}})");
  };
  ASSERT_EQ(Run({"renew", "Prod Operators", "--group", "--eligible", "--duration", "P30D"}), 0)
      << err_.str();
  ASSERT_EQ(Run({"renew", "Prod Operators", "--group", "--duration", "P30D"}), 0) << err_.str();
  std::vector<HttpRequest> posts;
  for (const HttpRequest& r : requests_) {
    if (r.method == "POST") posts.push_back(r);
  }
  ASSERT_EQ(posts.size(), 2U);
  EXPECT_EQ(PathOf(posts[0]),
            "/v1.0/identityGovernance/privilegedAccess/group/eligibilityScheduleRequests");
  EXPECT_EQ(PathOf(posts[1]),
            "/v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleRequests");
  for (const HttpRequest& post : posts) {
    const boost::json::value body = boost::json::parse(post.body);
    EXPECT_EQ(body.at("action"), "selfRenew");
    EXPECT_EQ(body.at("groupId"), "g-1");
    EXPECT_EQ(body.at("accessId"), "member");
  }
}

TEST_F(AppTest, ExtendOfAnAzureEligibilityIsARoleEligibilityScheduleRequest) {
  SignedIn();
  handler_ = [](const HttpRequest& r) {
    const std::string p = PathOf(r);
    if (absl::StartsWith(p, "/providers/Microsoft.Authorization/roleEligibilitySchedules?")) {
      return Json(200, R"({"value":[{"name":"e9","properties":{"scope":"/subscriptions/s1",
        "roleDefinitionId":"/subscriptions/s1/providers/Microsoft.Authorization/roleDefinitions/r-1",
        "memberType":"Direct","status":"Provisioned","startDateTime":"2026-01-01T00:00:00Z",
        "endDateTime":"2026-01-12T00:00:00Z",
        "expandedProperties":{"roleDefinition":{"displayName":"Contributor"}}}}]})");
    }
    if (absl::StartsWith(p, "/providers/")) return Json(200, R"({"value":[]})");
    if (r.method == "GET") return Json(200, kEmptyList);
    if (r.method == "PUT") {
      return Json(201, R"({"name":"q-2","properties":{"requestType":"SelfExtend",
        "status":"PendingApproval","scope":"/subscriptions/s1"}})");
    }
    return Json(404, R"({"error":{"code":"NotFound","message":"no route"}})");
  };
  ASSERT_EQ(Run({"extend", "Contributor", "--duration", "P30D", "--reason", "project"}), 0)
      << err_.str();
  ASSERT_EQ(requests_.back().method, "PUT");
  EXPECT_TRUE(absl::StartsWith(
      PathOf(requests_.back()),
      "/subscriptions/s1/providers/Microsoft.Authorization/roleEligibilityScheduleRequests/"))
      << requests_.back().url;
  const auto body = boost::json::parse(requests_.back().body);
  EXPECT_EQ(body.at("properties").at("requestType"), "SelfExtend");
  EXPECT_EQ(body.at("properties").at("roleDefinitionId"),
            "/subscriptions/s1/providers/Microsoft.Authorization/roleDefinitions/r-1");
}

// Two groups (or roles) may share a display name: acting on the first one listed would be a
// guess. Like principals, they are refused, naming the ids to choose from.
TEST_F(AppTest, AnAmbiguousDisplayNameIsRefusedListingTheIds) {
  SignedIn();
  handler_ = [](const HttpRequest& r) {
    if (absl::EndsWith(r.url, "/v1.0/groups")) {
      return Json(200, R"({"value":[{"id":"g-1","displayName":"Ops"},
                                    {"id":"g-2","displayName":"ops"}]})");
    }
    if (absl::StrContains(r.url,
                          "/subscriptions/s1/providers/Microsoft.Authorization/roleDefinitions?")) {
      return Json(200, R"({"value":[{"name":"r-1","properties":{"roleName":"Reader"}},
                                    {"name":"r-2","properties":{"roleName":"Reader"}}]})");
    }
    if (r.method == "POST") {
      return Json(201, R"({"id":"req-g","status":"PendingApproval","action":"selfRenew",
        "groupId":"g-2","accessId":"member"})");
    }
    return Json(404, R"({"error":{"code":"NotFound","message":"no route"}})");
  };
  for (std::vector<const char*> cmd : std::vector<std::vector<const char*>>{
           {"renew", "Ops", "--group", "--duration", "P7D"},
           {"policy", "show", "Ops", "--group"},
           {"policy", "set", "Ops", "--group", "--max-duration", "4h", "--dry-run"}}) {
    err_.str("");
    EXPECT_EQ(Run(cmd), 2) << cmd[0] << " " << cmd[1];
    EXPECT_NE(err_.str().find("g-1, g-2"), std::string::npos) << err_.str();
  }
  err_.str("");
  EXPECT_EQ(Run({"policy", "show", "Reader", "--scope", "/subscriptions/s1"}), 2);
  EXPECT_NE(err_.str().find("r-1, r-2"), std::string::npos) << err_.str();
  for (const HttpRequest& r : requests_) EXPECT_EQ(r.method, "GET") << r.url;
  // The id is never ambiguous.
  ASSERT_EQ(Run({"renew", "g-2", "--group", "--duration", "P7D"}), 0) << err_.str();
  EXPECT_EQ(boost::json::parse(requests_.back().body).at("groupId"), "g-2");
}

}  // namespace
}  // namespace pim::cli
