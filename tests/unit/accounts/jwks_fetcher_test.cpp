// The rules every jwksUri passes and the cache lifetime read from Cache-Control.
#include "pim/accounts/jwks_fetcher.h"

#include <gtest/gtest.h>

#include <string>

namespace pim::accounts {
namespace {

TEST(ValidateJwksUriTest, AcceptsHttpsAnywhereAndHttpOnlyOnLoopback) {
  for (const std::string url :
       {"https://login.example.org/tenant/discovery/v2.0/keys", "HTTPS://idp.example:8443/keys",
        "https://idp.example?x=1", "https://[2001:db8::1]/keys", "http://127.0.0.1:8080/keys",
        "http://127.8.9.10/keys", "http://localhost:1/k", "http://LOCALHOST/k", "http://[::1]:9/k",
        "http://[0:0:0:0:0:0:0:1]/k"}) {
    EXPECT_TRUE(ValidateJwksUri(url).ok()) << url << ": " << ValidateJwksUri(url);
  }
}

TEST(ValidateJwksUriTest, RefusesWhatCouldHandKeysToSomeoneElse) {
  for (const std::string url : {
           "http://idp.example/keys",             // clear text over a network
           "http://10.0.0.1/keys",                // not loopback
           "http://127.1/keys",                   // not a dotted quad
           "http://localhost.evil.example/keys",  // only the name itself
           "http://[::2]/keys",
           "ftp://idp.example/keys",
           "file:///etc/keys.json",
           "idp.example/keys",
           "https://",
           "https:///keys",
           "https://user:pw@idp.example/keys",  // credentials in a URL end up in logs
           "https://idp.example/keys#frag",
           "https://idp.example/ke ys",
           "https://idp.example/keys\n",
           "https://idp.example:0/keys",
           "https://idp.example:65536/keys",
           "https://idp.example:x/keys",
           "https://[::1/keys",
       }) {
    const absl::Status s = ValidateJwksUri(url);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << url;
  }
  EXPECT_EQ(ValidateJwksUri("https://idp.example/" + std::string(2048, 'a')).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(ValidateJwksUri("http://idp.example/keys").message()),
            "jwksUri must use https:// (http:// is allowed only for 127.0.0.1, [::1] or "
            "localhost)");
}

TEST(CacheControlMaxAgeTest, ReadsMaxAgeAndTreatsNoCacheAsZero) {
  EXPECT_EQ(CacheControlMaxAge("max-age=300"), absl::Seconds(300));
  EXPECT_EQ(CacheControlMaxAge("public, Max-Age = 86400 , must-revalidate"), absl::Hours(24));
  EXPECT_EQ(CacheControlMaxAge(R"(max-age="60")"), absl::Seconds(60));
  EXPECT_EQ(CacheControlMaxAge("max-age=99999999999999999999"), absl::Seconds(int64_t{1} << 31));
  EXPECT_EQ(CacheControlMaxAge("no-store"), absl::ZeroDuration());
  EXPECT_EQ(CacheControlMaxAge("max-age=3600, no-cache"), absl::ZeroDuration());
  EXPECT_EQ(CacheControlMaxAge(""), std::nullopt);
  EXPECT_EQ(CacheControlMaxAge("public"), std::nullopt);
  EXPECT_EQ(CacheControlMaxAge("max-age=-5"), std::nullopt);
  EXPECT_EQ(CacheControlMaxAge("max-age=1h"), std::nullopt);
  EXPECT_EQ(CacheControlMaxAge("max-age"), std::nullopt);
  EXPECT_EQ(CacheControlMaxAge("s-maxage=60"), std::nullopt);
}

}  // namespace
}  // namespace pim::accounts
