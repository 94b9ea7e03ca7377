#include "pim/identity/password_hasher.h"

#include <sodium.h>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace pim::identity {
namespace {

// Made by the reference implementation (the `argon2` command line tool, salt
// "pim-kat-salt-16b"), not by libsodium.
constexpr char kPassword[] = "correct horse battery staple";
constexpr char kReferenceHash[] =
    "$argon2id$v=19$m=4096,t=2,p=1$cGltLWthdC1zYWx0LTE2Yg$"
    "9LjvjkXMaI5GNQfLFsIZmQArxoz93+Uv9rfWcfKjw4E";
constexpr char kReferenceHashMinimum[] =  // m=8 KiB, t=1: PasswordHashParams::ForTests()
    "$argon2id$v=19$m=8,t=1,p=1$cGltLWthdC1zYWx0LTE2Yg$"
    "BB3H6gh8W5GEVgIDVM0MbS17HYUZ/n2zysyTVzvR0Gs";
constexpr char kReferenceArgon2i[] =
    "$argon2i$v=19$m=4096,t=2,p=1$cGltLWthdC1zYWx0LTE2Yg$"
    "1JqpJl5MCPGSP4xKV1d597Fcr6eQENUfe4n99kdLfzQ";

class PasswordHasherTest : public ::testing::Test {
 protected:
  const PasswordHashParams params_ = PasswordHashParams::ForTests();
};

TEST_F(PasswordHasherTest, VerifiesHashesOfTheReferenceImplementation) {
  EXPECT_TRUE(VerifyPassword(kReferenceHash, kPassword));
  EXPECT_TRUE(VerifyPassword(kReferenceHashMinimum, kPassword));
  EXPECT_FALSE(VerifyPassword(kReferenceHash, "correct horse battery stapl"));
  EXPECT_FALSE(VerifyPassword(kReferenceHash, "Correct horse battery staple"));
}

TEST_F(PasswordHasherTest, HashesVerifyOnlyTheirOwnPassword) {
  const absl::StatusOr<std::string> hash = HashPassword(kPassword, params_);
  ASSERT_TRUE(hash.ok()) << hash.status();
  EXPECT_TRUE(absl::StartsWith(*hash, "$argon2id$v=19$m=8,t=1,p=1$")) << *hash;
  EXPECT_TRUE(VerifyPassword(*hash, kPassword));
  EXPECT_FALSE(VerifyPassword(*hash, "wrong"));
  EXPECT_FALSE(VerifyPassword(*hash, ""));
  // A fresh salt each time.
  EXPECT_NE(*HashPassword(kPassword, params_), *hash);
  // Any bytes are a password, NULs included.
  const std::string binary("a\0b", 3);
  const absl::StatusOr<std::string> binary_hash = HashPassword(binary, params_);
  ASSERT_TRUE(binary_hash.ok());
  EXPECT_TRUE(VerifyPassword(*binary_hash, binary));
  EXPECT_FALSE(VerifyPassword(*binary_hash, "a"));
}

// An absent form field reaches the hasher as a string_view whose data() is null, which
// libsodium must never see (UBSan aborts on it; found by oidc_api_fuzzer).
TEST_F(PasswordHasherTest, AnEmptyPasswordWithoutStorageHashesAndVerifies) {
  const std::string_view absent;
  ASSERT_EQ(absent.data(), nullptr);
  const absl::StatusOr<std::string> hash = HashPassword(absent, params_);
  ASSERT_TRUE(hash.ok()) << hash.status();
  EXPECT_TRUE(VerifyPassword(*hash, absent));
  EXPECT_TRUE(VerifyPassword(*hash, ""));
  EXPECT_FALSE(VerifyPassword(*hash, kPassword));
  const absl::StatusOr<std::string> real = HashPassword(kPassword, params_);
  ASSERT_TRUE(real.ok());
  EXPECT_FALSE(VerifyPassword(*real, absent));
  VerifyAgainstDummy(absent, params_);
}

TEST_F(PasswordHasherTest, MalformedHashesNeverVerify) {
  const std::string good = kReferenceHashMinimum;
  for (const std::string& bad :
       {std::string(), std::string("garbage"), good.substr(0, good.size() - 5), good.substr(0, 20),
        good + "A", std::string(200, '$'), std::string(100000, 'a'),
        std::string(good).replace(1, 8, "argon2xx"), std::string(good).insert(10, 1, '\0'),
        std::string("$argon2id$v=19$m=0,t=0,p=0$c2FsdA$aGFzaA")}) {
    EXPECT_FALSE(VerifyPassword(bad, kPassword)) << bad;
  }
}

TEST_F(PasswordHasherTest, NeedsRehashWhenParamsOrAlgorithmDiffer) {
  EXPECT_FALSE(NeedsRehash(kReferenceHashMinimum, params_));
  EXPECT_TRUE(NeedsRehash(kReferenceHash, params_));
  EXPECT_TRUE(NeedsRehash(kReferenceHashMinimum, PasswordHashParams::Interactive()));
  EXPECT_TRUE(NeedsRehash(kReferenceArgon2i, {2, std::size_t{4096} * 1024}));
  EXPECT_FALSE(NeedsRehash(kReferenceHash, {2, std::size_t{4096} * 1024}));
  EXPECT_TRUE(NeedsRehash("garbage", params_));
  EXPECT_TRUE(NeedsRehash("", params_));
}

TEST_F(PasswordHasherTest, ParamsOutsideArgon2LimitsAreInvalid) {
  EXPECT_EQ(HashPassword(kPassword, {0, params_.mem_limit}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HashPassword(kPassword, {1, 1024}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(PasswordHasherTest, InteractiveParamsAreLibsodiumsInteractiveLimits) {
  const PasswordHashParams interactive = PasswordHashParams::Interactive();
  EXPECT_EQ(interactive.ops_limit, crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
  EXPECT_EQ(interactive.mem_limit, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);
  EXPECT_EQ(params_.ops_limit, 1u);
  EXPECT_EQ(params_.mem_limit, 8192u);
}

TEST_F(PasswordHasherTest, VerifyAgainstDummyRunsForAnyPasswordAndParams) {
  // Nothing to observe but that it returns, repeatedly, for the same and for new params.
  VerifyAgainstDummy(kPassword, params_);
  VerifyAgainstDummy("", params_);
  VerifyAgainstDummy(kPassword, {2, 16384});
  VerifyAgainstDummy(kPassword, {0, 0});
}

}  // namespace
}  // namespace pim::identity
