#include "pim/server/pimd_config.h"

#include <array>
#include <cstdlib>
#include <fstream>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "unit/store/temp_dir.h"

namespace pim::server {
namespace {

ParsedCommandLine Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "pimd");
  return ParsePimdCommandLine(static_cast<int>(args.size()), args.data());
}

TEST(PimdConfigTest, DefaultsAreTlsOnLoopbackWithoutTestClock) {
  const ParsedCommandLine p = Parse({});
  ASSERT_TRUE(p.run) << p.message;
  EXPECT_TRUE(p.config.server.tls);
  EXPECT_EQ(p.config.server.listen_address, "127.0.0.1");
  EXPECT_FALSE(p.config.test_clock);
  EXPECT_FALSE(p.config.demo);
  EXPECT_EQ(p.config.issuer, "https://localhost:8443");
  EXPECT_EQ(p.config.access_token_lifetime, absl::Minutes(15));
  EXPECT_EQ(p.config.mfa_max_age, absl::Hours(1));
  EXPECT_TRUE(ValidatePimdConfig(p.config).ok());
}

TEST(PimdConfigTest, FlagsAndEnvironmentSetOptions) {
  ::setenv("PIMD_RATE_LIMIT", "5", 1);
  const ParsedCommandLine p = Parse({"--data-dir", "/tmp/d", "--port", "0", "--read-timeout", "2.5",
                                     "--plain-http", "--tls-hostname", "pim.test,10.0.0.1"});
  ::unsetenv("PIMD_RATE_LIMIT");
  ASSERT_TRUE(p.run) << p.message;
  EXPECT_EQ(p.config.data_dir, "/tmp/d");
  EXPECT_EQ(p.config.issuer, "https://pim.test");  // port 0: no port in the issuer
  EXPECT_EQ(p.config.server.port, 0);
  EXPECT_EQ(p.config.server.read_timeout, absl::Milliseconds(2500));
  EXPECT_FALSE(p.config.server.tls);
  EXPECT_EQ(p.config.server.rate_limit_per_second, 5);
  EXPECT_EQ(p.config.tls_hostnames, (std::vector<std::string>{"pim.test", "10.0.0.1"}));
}

TEST(PimdConfigTest, TheSecretsKeyIsInTheDataDirectoryUnlessSetElsewhere) {
  EXPECT_EQ(Parse({"--data-dir", "/srv/pim"}).config.secrets_key_file, "/srv/pim/secrets.key");
  EXPECT_EQ(Parse({"--data-dir", "/srv/pim", "--secrets-key-file", "/run/secrets/pim.key"})
                .config.secrets_key_file,
            "/run/secrets/pim.key");
  ::setenv("PIMD_SECRETS_KEY_FILE", "/etc/pim/key", 1);
  const ParsedCommandLine p = Parse({});
  ::unsetenv("PIMD_SECRETS_KEY_FILE");
  EXPECT_EQ(p.config.secrets_key_file, "/etc/pim/key");
}

TEST(PimdConfigTest, AConfigFileSetsOptionsAndFlagsWinOverIt) {
  pim::testing::TempDir dir;
  const std::string file = dir.path() + "/pimd.toml";
  {
    std::ofstream out(file);
    out << "data-dir = \"/srv/pim\"\nport = 9443\nmax-connections = 10\ndemo = true\n";
  }
  const ParsedCommandLine p = Parse({"--config", file.c_str(), "--port", "8000"});
  ASSERT_TRUE(p.run) << p.message;
  EXPECT_EQ(p.config.data_dir, "/srv/pim");
  EXPECT_EQ(p.config.server.max_connections, 10);
  EXPECT_TRUE(p.config.demo);
  EXPECT_EQ(p.config.server.port, 8000);
}

TEST(PimdConfigTest, TheEnvironmentWinsOverTheFileAndTheCommandLineOverBoth) {
  pim::testing::TempDir dir;
  const std::string file = dir.path() + "/pimd.toml";
  {
    std::ofstream out(file);
    out << "port = 9443\nmax-connections = 10\n";
  }
  ::setenv("PIMD_PORT", "7443", 1);
  ::setenv("PIMD_DEMO", "true", 1);
  ::setenv("PIMD_TLS_HOSTNAMES", "a.test,b.test", 1);
  const ParsedCommandLine from_env = Parse({"--config", file.c_str()});
  const ParsedCommandLine from_flag = Parse({"--config", file.c_str(), "--port=8000"});
  ::unsetenv("PIMD_PORT");
  ::unsetenv("PIMD_DEMO");
  ::unsetenv("PIMD_TLS_HOSTNAMES");
  ASSERT_TRUE(from_env.run) << from_env.message;
  EXPECT_EQ(from_env.config.server.port, 7443);
  EXPECT_EQ(from_env.config.server.max_connections, 10);  // only in the file
  EXPECT_TRUE(from_env.config.demo);
  EXPECT_EQ(from_env.config.tls_hostnames, (std::vector<std::string>{"a.test", "b.test"}));
  ASSERT_TRUE(from_flag.run) << from_flag.message;
  EXPECT_EQ(from_flag.config.server.port, 8000);
}

TEST(PimdConfigTest, OnlyTheCommandLineTurnsTheTestClockOn) {
  ::setenv("PIMD_TEST_CLOCK", "true", 1);
  const ParsedCommandLine from_env = Parse({});
  ::unsetenv("PIMD_TEST_CLOCK");
  ASSERT_TRUE(from_env.run) << from_env.message;
  EXPECT_FALSE(from_env.config.test_clock);
  pim::testing::TempDir dir;
  const std::string file = dir.path() + "/pimd.toml";
  {
    std::ofstream out(file);
    out << "test-clock = true\n";
  }
  const ParsedCommandLine from_file = Parse({"--config", file.c_str()});
  EXPECT_FALSE(from_file.run && from_file.config.test_clock) << from_file.message;
  EXPECT_TRUE(Parse({"--test-clock"}).config.test_clock);
}

TEST(PimdConfigTest, HelpDocumentsEverySettingAndExitsZero) {
  const ParsedCommandLine p = Parse({"--help"});
  EXPECT_FALSE(p.run);
  EXPECT_EQ(p.exit_code, 0);
  for (const char* option : {"--data-dir", "--listen", "--tls-cert", "--plain-http", "--test-clock",
                             "--rate-limit", "--max-body-bytes", "PIMD_PORT"}) {
    EXPECT_TRUE(absl::StrContains(p.message, option)) << option;
  }
}

TEST(PimdConfigTest, UnknownFlagsAreUsageErrors) {
  const ParsedCommandLine p = Parse({"--no-such-flag"});
  EXPECT_FALSE(p.run);
  EXPECT_NE(p.exit_code, 0);
}

TEST(PimdConfigTest, PlainHttpAndTheTestClockAreRefusedOffLoopback) {
  for (const char* flag : {"--plain-http", "--test-clock"}) {
    ParsedCommandLine p = Parse({flag, "--listen", "0.0.0.0"});
    ASSERT_TRUE(p.run);
    EXPECT_EQ(ValidatePimdConfig(p.config).code(), absl::StatusCode::kInvalidArgument) << flag;
    p = Parse({flag, "--listen", "::1"});
    EXPECT_TRUE(ValidatePimdConfig(p.config).ok()) << flag;
  }
}

TEST(PimdConfigTest, CommandThreadsAreSetAndBounded) {
  EXPECT_EQ(Parse({}).config.server.command_threads, 32);
  const ParsedCommandLine p = Parse({"--command-threads", "64"});
  ASSERT_TRUE(p.run) << p.message;
  EXPECT_EQ(p.config.server.command_threads, 64);
  EXPECT_TRUE(ValidatePimdConfig(p.config).ok());
  for (const char* bad : {"0", "1025"}) {
    const ParsedCommandLine q = Parse({"--command-threads", bad});
    ASSERT_TRUE(q.run) << q.message;
    EXPECT_EQ(ValidatePimdConfig(q.config).code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(PimdConfigTest, ACertificateNeedsItsKey) {
  const ParsedCommandLine p = Parse({"--tls-cert", "/etc/pim/cert.pem"});
  ASSERT_TRUE(p.run);
  EXPECT_EQ(ValidatePimdConfig(p.config).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pim::server

namespace pim::server {
namespace {

TEST(PimdConfigIdentityTest, IssuerFollowsThePublicUrlUnlessSet) {
  const ParsedCommandLine from_url = ParsePimdCommandLine(
      3, std::array<const char*, 3>{"pimd", "--public-url", "https://pim.example.com/"}.data());
  ASSERT_TRUE(from_url.run) << from_url.message;
  EXPECT_EQ(from_url.config.issuer, "https://pim.example.com");
  const ParsedCommandLine explicit_issuer = ParsePimdCommandLine(
      7, std::array<const char*, 7>{"pimd", "--issuer", "https://id.example.com",
                                    "--access-token-lifetime", "5", "--mfa-max-age", "10"}
             .data());
  ASSERT_TRUE(explicit_issuer.run) << explicit_issuer.message;
  EXPECT_EQ(explicit_issuer.config.issuer, "https://id.example.com");
  EXPECT_EQ(explicit_issuer.config.access_token_lifetime, absl::Minutes(5));
  EXPECT_EQ(explicit_issuer.config.mfa_max_age, absl::Minutes(10));
  const ParsedCommandLine too_long = ParsePimdCommandLine(
      3, std::array<const char*, 3>{"pimd", "--access-token-lifetime", "100000"}.data());
  EXPECT_FALSE(too_long.run);
}

}  // namespace
}  // namespace pim::server
