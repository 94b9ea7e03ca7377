#include "pim/identity/totp.h"

#include "gtest/gtest.h"
#include "pim/identity/base32.h"

namespace pim::identity {
namespace {

constexpr char kSeed20[] = "12345678901234567890";
constexpr char kSeed32[] = "12345678901234567890123456789012";
constexpr char kSeed64[] = "1234567890123456789012345678901234567890123456789012345678901234";

TotpParams Params(TotpAlgorithm algorithm, int digits = 6) {
  TotpParams p;
  p.algorithm = algorithm;
  p.digits = digits;
  return p;
}

TEST(TotpTest, MatchesRfc4226AppendixD) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (int counter = 0; counter < 10; ++counter) {
    EXPECT_EQ(TotpCode(kSeed20, counter, TotpParams{}), expected[counter]) << counter;
  }
}

TEST(TotpTest, MatchesEveryRfc6238AppendixBVector) {
  struct Vector {
    std::int64_t unix_seconds;
    const char* sha1;
    const char* sha256;
    const char* sha512;
  };
  const Vector vectors[] = {
      {59, "94287082", "46119246", "90693936"},
      {1111111109, "07081804", "68084774", "25091201"},
      {1111111111, "14050471", "67062674", "99943326"},
      {1234567890, "89005924", "91819424", "93441116"},
      {2000000000, "69279037", "90698825", "38618901"},
      {20000000000, "65353130", "77737706", "47863826"},
  };
  for (const Vector& v : vectors) {
    const absl::Time t = absl::FromUnixSeconds(v.unix_seconds);
    const TotpParams sha1 = Params(TotpAlgorithm::kSha1, 8);
    const TotpParams sha256 = Params(TotpAlgorithm::kSha256, 8);
    const TotpParams sha512 = Params(TotpAlgorithm::kSha512, 8);
    EXPECT_EQ(TotpCode(kSeed20, TotpStep(t, sha1), sha1), v.sha1) << v.unix_seconds;
    EXPECT_EQ(TotpCode(kSeed32, TotpStep(t, sha256), sha256), v.sha256) << v.unix_seconds;
    EXPECT_EQ(TotpCode(kSeed64, TotpStep(t, sha512), sha512), v.sha512) << v.unix_seconds;
    EXPECT_EQ(VerifyTotp(kSeed64, v.sha512, t, std::nullopt, sha512), TotpStep(t, sha512));
  }
}

TEST(TotpTest, StepsAreFloorOfTimeOverPeriod) {
  const TotpParams p;
  EXPECT_EQ(TotpStep(absl::FromUnixSeconds(0), p), 0);
  EXPECT_EQ(TotpStep(absl::FromUnixSeconds(29), p), 0);
  EXPECT_EQ(TotpStep(absl::FromUnixSeconds(30), p), 1);
  EXPECT_EQ(TotpStep(absl::FromUnixSeconds(59) + absl::Milliseconds(999), p), 1);
  EXPECT_EQ(TotpStep(absl::FromUnixSeconds(-1), p), -1);
  EXPECT_EQ(TotpStep(absl::FromUnixSeconds(1111111109), p), 37037036);
  TotpParams minute;
  minute.period = absl::Seconds(60);
  EXPECT_EQ(TotpStep(absl::FromUnixSeconds(1111111109), minute), 18518518);
}

class VerifyTotpTest : public ::testing::Test {
 protected:
  const TotpParams params_{};
  const absl::Time now_ = absl::FromUnixSeconds(1111111111);  // inside step 37037037
  const std::int64_t step_ = 37037037;
  std::string Code(std::int64_t step) const { return TotpCode(kSeed20, step, params_); }
};

TEST_F(VerifyTotpTest, AcceptsTheCurrentStepAndOneStepOfSkew) {
  EXPECT_EQ(VerifyTotp(kSeed20, Code(step_), now_, std::nullopt, params_), step_);
  EXPECT_EQ(VerifyTotp(kSeed20, Code(step_ - 1), now_, std::nullopt, params_), step_ - 1);
  EXPECT_EQ(VerifyTotp(kSeed20, Code(step_ + 1), now_, std::nullopt, params_), step_ + 1);
  EXPECT_EQ(VerifyTotp(kSeed20, Code(step_ - 2), now_, std::nullopt, params_), std::nullopt);
  EXPECT_EQ(VerifyTotp(kSeed20, Code(step_ + 2), now_, std::nullopt, params_), std::nullopt);
  EXPECT_EQ(VerifyTotp("another key", Code(step_), now_, std::nullopt, params_), std::nullopt);
}

TEST_F(VerifyTotpTest, ACodeWorksOnlyOnce) {
  const std::optional<std::int64_t> used = VerifyTotp(kSeed20, Code(step_), now_, {}, params_);
  ASSERT_EQ(used, step_);
  EXPECT_EQ(VerifyTotp(kSeed20, Code(step_), now_, used, params_), std::nullopt);
  EXPECT_EQ(VerifyTotp(kSeed20, Code(step_ - 1), now_, used, params_), std::nullopt);
  EXPECT_EQ(VerifyTotp(kSeed20, Code(step_ + 1), now_, used, params_), step_ + 1);
  EXPECT_EQ(VerifyTotp(kSeed20, Code(step_ + 1), now_, step_ + 1, params_), std::nullopt);
}

TEST_F(VerifyTotpTest, RefusesMalformedCodes) {
  const std::string good = Code(step_);
  for (const std::string& bad :
       {std::string(), good.substr(0, 5), good + "0", " " + good.substr(1), good.substr(0, 5) + "a",
        std::string("+") + good.substr(1), good.substr(0, 5) + "\xd9", std::string(6, '\0'),
        std::string("\xd9\xa1\xd9\xa2\xd9\xa3"),
        TotpCode(kSeed20, step_, Params(TotpAlgorithm::kSha1, 8))}) {
    EXPECT_EQ(VerifyTotp(kSeed20, bad, now_, std::nullopt, params_), std::nullopt) << bad;
  }
}

TEST_F(VerifyTotpTest, InvalidParamsMakeNoCodes) {
  TotpParams five_digits;
  five_digits.digits = 5;
  TotpParams half_second;
  half_second.period = absl::Milliseconds(500);
  TotpParams no_period;
  no_period.period = absl::ZeroDuration();
  for (const TotpParams& p :
       {five_digits, Params(TotpAlgorithm::kSha1, 9), half_second, no_period}) {
    EXPECT_EQ(TotpCode(kSeed20, step_, p), "");
    EXPECT_EQ(VerifyTotp(kSeed20, "123456", now_, std::nullopt, p), std::nullopt);
  }
}

TEST_F(VerifyTotpTest, ExtremeTimesDoNotOverflow) {
  for (const absl::Time t : {absl::InfiniteFuture(), absl::InfinitePast()}) {
    const std::int64_t step = TotpStep(t, params_);
    EXPECT_EQ(VerifyTotp(kSeed20, TotpCode(kSeed20, step, params_), t, std::nullopt, params_),
              step);
  }
}

TEST(TotpKeyTest, NewKeysAreTwentyRandomBytes) {
  const std::string a = NewTotpKey();
  EXPECT_EQ(a.size(), 20u);
  EXPECT_NE(a, NewTotpKey());
}

TEST(OtpauthUriTest, PercentEncodesLabelAndParameters) {
  EXPECT_EQ(OtpauthUri("pim", "alice@example.com", kSeed20, TotpParams{}),
            "otpauth://totp/pim:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=pim&algorithm=SHA1&digits=6&period=30");
  TotpParams p = Params(TotpAlgorithm::kSha256, 8);
  p.period = absl::Seconds(60);
  EXPECT_EQ(OtpauthUri("Acme Co: PIM", "a&b=c/d?é", "\xff", p),
            "otpauth://totp/Acme%20Co%3A%20PIM:a%26b%3Dc%2Fd%3F%C3%A9?secret=74"
            "&issuer=Acme%20Co%3A%20PIM&algorithm=SHA256&digits=8&period=60");
  EXPECT_EQ(Base32Decode("74"), "\xff");
  EXPECT_NE(OtpauthUri("i", "a", "k", Params(TotpAlgorithm::kSha512)).find("algorithm=SHA512"),
            std::string::npos);
}

}  // namespace
}  // namespace pim::identity
