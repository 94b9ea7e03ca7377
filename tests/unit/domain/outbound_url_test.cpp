#include "pim/domain/outbound_url.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"

namespace pim {
namespace {

TEST(OutboundUrlTest, ParsesSchemeHostAndLoopback) {
  auto u = ParseOutboundUrl("HTTPS://hooks.example.com:8443/p?q=1", "webhook url");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "hooks.example.com");
  EXPECT_FALSE(u->loopback);
  EXPECT_TRUE(ParseOutboundUrl("smtp://127.0.0.1:2525", "x")->loopback);
  EXPECT_TRUE(ParseOutboundUrl("http://[::1]/", "x")->loopback);
  EXPECT_TRUE(ParseOutboundUrl("http://localhost", "x")->loopback);
}

TEST(OutboundUrlTest, LookalikeHostsAreNotLoopback) {
  EXPECT_FALSE(ParseOutboundUrl("http://127.0.0.1.evil.example/", "x")->loopback);
  EXPECT_FALSE(ParseOutboundUrl("http://127.1/", "x")->loopback);
  EXPECT_FALSE(ParseOutboundUrl("http://0x7f.0.0.1/", "x")->loopback);
  EXPECT_FALSE(ParseOutboundUrl("http://[::2]/", "x")->loopback);
  EXPECT_FALSE(IsLoopbackHost("localhost.example"));
}

TEST(OutboundUrlTest, RefusesWhatIsNotAPlainAbsoluteUrl) {
  for (const char* url :
       {"", "hooks.example.com", "://x", "https://", "https://user:pw@host/", "https://h/#frag",
        "https://h:0/", "https://h:65536/", "https://h:80x/", "https://[::1/", "https://h/ a",
        "https://h/\n", "ht tp://h/", "https://[]/"}) {
    auto u = ParseOutboundUrl(url, "webhook url");
    EXPECT_EQ(u.status().code(), absl::StatusCode::kInvalidArgument) << url;
    if (!u.ok()) {
      EXPECT_TRUE(absl::StartsWith(u.status().message(), "webhook url ")) << url;
    }
  }
  EXPECT_FALSE(ParseOutboundUrl(std::string(3000, 'a'), "x").ok());
}

}  // namespace
}  // namespace pim
