// The libcurl JwksFetcher against pimd's own HTTP server on loopback (port 0): a self-signed CA
// trusted through caFile, refusals of untrusted or mismatched certificates, of redirects to
// http://, of other statuses and of oversized bodies, and the timeout.
#include "pim/server/curl_jwks_fetcher.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "pim/api/watch_feed.h"
#include "pim/server/http_server.h"
#include "pim/server/self_signed.h"
#include "unit/engine/engine_fixture.h"
#include "unit/store/temp_dir.h"

namespace pim::server {
namespace {

constexpr char kJwks[] =
    R"({"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"k1"}]})";

class CurlJwksFetcherTest : public pim::testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    watch_ = std::make_unique<api::WatchFeed>(*engine_, *store_);
  }

  void TearDown() override {
    if (!release_slow_.HasBeenNotified()) release_slow_.Notify();
    for (auto& s : servers_) s->Stop();
    EngineTest::TearDown();
  }

  // Starts a server on 127.0.0.1 (TLS with a certificate for `hostnames` from a CA made in
  // `tls_dir`, or plain HTTP) and returns its base URL.
  std::string Start(bool tls, const std::string& tls_dir = "tls",
                    const std::vector<std::string>& hostnames = {"localhost", "127.0.0.1"}) {
    ServerOptions options;
    options.listen_address = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    options.tls = tls;
    options.access_log = false;
    if (tls) {
      auto files = EnsureSelfSignedCertificate(dir_.File(tls_dir), hostnames, wall_clock_);
      EXPECT_TRUE(files.ok()) << files.status();
      if (!files.ok()) return "";
      options.certificate_file = files->certificate_file;
      options.private_key_file = files->private_key_file;
    }
    auto server = HttpServer::Start(
        options, [this](const api::HttpRequest& r) { return Handle(r); }, *engine_, *watch_,
        metrics_, wall_clock_);
    EXPECT_TRUE(server.ok()) << server.status();
    if (!server.ok()) return "";
    servers_.push_back(std::move(*server));
    return absl::StrCat(tls ? "https" : "http", "://127.0.0.1:", servers_.back()->port());
  }

  api::HttpResponse Handle(const api::HttpRequest& r) {
    if (r.target == "/keys") {
      api::HttpResponse res = api::HttpResponse::Json(200, kJwks);
      res.SetHeader("Cache-Control", "public, max-age=600");
      return res;
    }
    if (r.target == "/plain") return api::HttpResponse::Json(200, kJwks);
    if (r.target == "/big") return api::HttpResponse::Json(200, std::string(2 << 20, ' '));
    if (r.target == "/slow") {
      release_slow_.WaitForNotification();
      return api::HttpResponse::Json(200, kJwks);
    }
    if (r.target == "/redirect") {
      api::HttpResponse res = api::HttpResponse::Empty(302);
      res.SetHeader("Location", redirect_to_);
      res.SetHeader("Cache-Control", "max-age=5");  // the redirect's own, not the answer's
      return res;
    }
    return api::HttpResponse::Json(404, R"({"error":"not found"})");
  }

  std::string CaFile(const std::string& tls_dir = "tls") const {
    return dir_.File(tls_dir) + "/ca.pem";
  }
  static CurlJwksFetcher Trusting(const std::string& ca_file) {
    CurlJwksFetcherOptions options;
    options.ca_file = ca_file;
    return CurlJwksFetcher(options);
  }

  CurlLibrary curl_;
  pim::testing::TempDir dir_;
  SystemClock wall_clock_;
  Metrics metrics_;
  std::unique_ptr<api::WatchFeed> watch_;
  std::vector<std::unique_ptr<HttpServer>> servers_;
  absl::Notification release_slow_;
  std::string redirect_to_;
};

TEST_F(CurlJwksFetcherTest, FetchesOverHttpsTrustingTheIssuersCaFile) {
  ASSERT_TRUE(curl_.ok());
  const std::string base = Start(true);
  auto doc = Trusting(CaFile()).Fetch(base + "/keys");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->body, kJwks);
  EXPECT_EQ(doc->max_age, absl::Minutes(10));
  auto plain = Trusting(CaFile()).Fetch(base + "/plain");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->max_age, std::nullopt);
}

TEST_F(CurlJwksFetcherTest, RefusesACertificateItDoesNotTrust) {
  const std::string base = Start(true);
  // The system's CA store does not know the test CA.
  auto system = CurlJwksFetcher().Fetch(base + "/keys");
  EXPECT_EQ(system.status().code(), absl::StatusCode::kUnavailable) << system.status();
  EXPECT_TRUE(absl::StrContains(system.status().message(), "certificate")) << system.status();
  // Nor does another CA, even one the system would not know either.
  ASSERT_FALSE(Start(true, "other-tls").empty());
  auto other = Trusting(CaFile("other-tls")).Fetch(base + "/keys");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kUnavailable) << other.status();
}

TEST_F(CurlJwksFetcherTest, RefusesACertificateForAnotherHost) {
  const std::string base = Start(true, "named-tls", {"idp.example"});
  auto doc = Trusting(CaFile("named-tls")).Fetch(base + "/keys");
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kUnavailable) << doc.status();
}

TEST_F(CurlJwksFetcherTest, OnlyA200Counts) {
  const std::string base = Start(true);
  auto doc = Trusting(CaFile()).Fetch(base + "/missing");
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(doc.status().message(), "HTTP 404")) << doc.status();
}

TEST_F(CurlJwksFetcherTest, ABodyOverTheCapIsRefused) {
  const std::string base = Start(true);
  auto doc = Trusting(CaFile()).Fetch(base + "/big");
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kResourceExhausted) << doc.status();
}

TEST_F(CurlJwksFetcherTest, FollowsRedirectsOnlyToHttps) {
  const std::string base = Start(true);
  redirect_to_ = base + "/keys";
  auto followed = Trusting(CaFile()).Fetch(base + "/redirect");
  ASSERT_TRUE(followed.ok()) << followed.status();
  EXPECT_EQ(followed->body, kJwks);
  EXPECT_EQ(followed->max_age, absl::Minutes(10));  // the final answer's

  redirect_to_ = Start(false) + "/plain";  // a clear-text server, loopback though it is
  auto refused = Trusting(CaFile()).Fetch(base + "/redirect");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "not https://")) << refused.status();

  redirect_to_ = base + "/redirect";  // a loop
  EXPECT_EQ(Trusting(CaFile()).Fetch(base + "/redirect").status().code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(CurlJwksFetcherTest, PlainHttpOnlyOnLoopback) {
  const std::string base = Start(false);
  auto doc = CurlJwksFetcher().Fetch(base + "/plain");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->body, kJwks);
  // Refused before any connection is tried.
  EXPECT_EQ(CurlJwksFetcher().Fetch("http://idp.example/keys").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CurlJwksFetcher().Fetch("file:///etc/passwd").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(CurlJwksFetcherTest, GivesUpOnASlowServer) {
  const std::string base = Start(true);
  CurlJwksFetcherOptions options;
  options.ca_file = CaFile();
  options.total_timeout = absl::Milliseconds(300);
  auto doc = CurlJwksFetcher(options).Fetch(base + "/slow");
  release_slow_.Notify();
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kUnavailable) << doc.status();
  EXPECT_TRUE(absl::StrContains(doc.status().message(), "imed out")) << doc.status();
}

}  // namespace
}  // namespace pim::server
