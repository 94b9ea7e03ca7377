#include "pim/server/self_signed.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>

#include "gtest/gtest.h"
#include "pim/engine/manual_clock.h"
#include "unit/store/temp_dir.h"

namespace pim::server {
namespace {

int ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return static_cast<int>(st.st_mode & 0777);
}

TEST(SelfSignedTest, GeneratesOnceWithPrivateKeysAndTheRequestedNames) {
  pim::testing::TempDir dir;
  ManualClock clock(absl::FromUnixSeconds(1'767'603'600));
  const std::string tls = dir.path() + "/tls";
  auto files = EnsureSelfSignedCertificate(tls, {"localhost", "127.0.0.1"}, clock);
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_TRUE(files->created);
  EXPECT_EQ(ModeOf(tls), 0700);
  EXPECT_EQ(ModeOf(files->private_key_file), 0600);
  EXPECT_EQ(ModeOf(tls + "/ca.key"), 0600);
  EXPECT_EQ(ModeOf(files->ca_file), 0644);

  FILE* f = std::fopen(files->certificate_file.c_str(), "r");
  ASSERT_NE(f, nullptr);
  X509* leaf = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  ASSERT_NE(leaf, nullptr);
  EXPECT_EQ(X509_check_host(leaf, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(leaf, "127.0.0.1", 0), 1);
  EXPECT_NE(X509_check_host(leaf, "evil.example", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ca(leaf), 0);
  // Valid from (an hour before) the clock's now, not the machine's.
  EXPECT_EQ(
      ASN1_TIME_cmp_time_t(X509_get0_notBefore(leaf), absl::ToTimeT(clock.Now() - absl::Hours(1))),
      0);
  X509_free(leaf);

  auto again = EnsureSelfSignedCertificate(tls, {"localhost"}, clock);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
}

}  // namespace
}  // namespace pim::server
