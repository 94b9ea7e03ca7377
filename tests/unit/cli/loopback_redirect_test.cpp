#include "pim/cli/loopback_redirect.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace pim::cli {
namespace {

TEST(HandleRedirectTest, AcceptsTheCodeWithTheRightState) {
  RedirectOutcome o = HandleRedirect(
      "GET /callback?code=abc%2Fdef&state=s1 HTTP/1.1\r\nHost: x\r\n\r\n", "/callback", "s1");
  ASSERT_TRUE(o.code.ok()) << o.code.status();
  EXPECT_EQ(*o.code, "abc/def");
  EXPECT_EQ(o.http_status, 200);
}

TEST(HandleRedirectTest, RefusesAStateMismatchAndDropsTheCode) {
  RedirectOutcome o =
      HandleRedirect("GET /callback?code=abc&state=other HTTP/1.1\r\n\r\n", "/callback", "s1");
  EXPECT_EQ(o.code.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(o.http_status, 400);
  RedirectOutcome missing =
      HandleRedirect("GET /callback?code=abc HTTP/1.1\r\n\r\n", "/callback", "s1");
  EXPECT_EQ(missing.code.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST(HandleRedirectTest, ReportsTheServersError) {
  RedirectOutcome o = HandleRedirect(
      "GET /callback?error=access_denied&error_description=no%20way&state=s1 HTTP/1.1\r\n\r\n",
      "/callback", "s1");
  EXPECT_EQ(o.code.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(std::string(o.code.status().message()).find("no way"), std::string::npos);
}

TEST(HandleRedirectTest, RefusesOtherPathsMethodsAndGarbage) {
  EXPECT_EQ(HandleRedirect("GET /favicon.ico HTTP/1.1\r\n\r\n", "/callback", "s1").http_status,
            404);
  EXPECT_EQ(HandleRedirect("POST /callback?code=a&state=s1 HTTP/1.1\r\n\r\n", "/callback", "s1")
                .code.status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HandleRedirect("garbage", "/callback", "s1").code.status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HandleRedirect("GET /callback?state=s1 HTTP/1.1\r\n\r\n", "/callback", "s1")
                .code.status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

// Sends `request` to 127.0.0.1:`port` and returns the whole answer.
std::string Exchange(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    static_cast<void>(::send(fd, request.data(), request.size(), 0));
    char buf[1024];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof(buf), 0)) > 0;)
      answer.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

TEST(LoopbackRedirectTest, ServesOneRequestOnLoopbackAndRefusesAForeignState) {
  auto server = LoopbackRedirect::Listen();
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->port();
  EXPECT_GT(port, 0);
  EXPECT_EQ((*server)->redirect_uri(), "http://127.0.0.1:" + std::to_string(port) + "/callback");
  std::string answer;
  std::thread browser([&] {
    answer = Exchange(port, "GET /callback?code=stolen&state=forged HTTP/1.1\r\nHost: x\r\n\r\n");
  });
  auto code = (*server)->AwaitCode("expected", absl::Seconds(30));
  browser.join();
  EXPECT_EQ(code.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(answer.rfind("HTTP/1.1 400 ", 0), 0U) << answer;
  // One request only: the listening socket is closed now.
  EXPECT_EQ(Exchange(port, "GET /callback?code=x&state=expected HTTP/1.1\r\n\r\n"), "");
}

TEST(LoopbackRedirectTest, ReturnsTheCodeOfAMatchingRedirect) {
  auto server = LoopbackRedirect::Listen();
  ASSERT_TRUE(server.ok());
  const int port = (*server)->port();
  std::string answer;
  std::thread browser(
      [&] { answer = Exchange(port, "GET /callback?code=c0de&state=st HTTP/1.1\r\n\r\n"); });
  auto code = (*server)->AwaitCode("st", absl::Seconds(30));
  browser.join();
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, "c0de");
  EXPECT_EQ(answer.rfind("HTTP/1.1 200 OK", 0), 0U);
}

TEST(LoopbackRedirectTest, TimesOutWithoutARequest) {
  auto server = LoopbackRedirect::Listen();
  ASSERT_TRUE(server.ok());
  EXPECT_EQ((*server)->AwaitCode("st", absl::ZeroDuration()).status().code(),
            absl::StatusCode::kDeadlineExceeded);
}

}  // namespace
}  // namespace pim::cli
