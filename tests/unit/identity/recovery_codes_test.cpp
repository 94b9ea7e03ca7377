#include "pim/identity/recovery_codes.h"

#include <regex>
#include <set>

#include "gtest/gtest.h"
#include "pim/identity/secure_random.h"

namespace pim::identity {
namespace {

TEST(RecoveryCodesTest, NewCodesAreDistinctGroupsOfLowerCaseBase32) {
  const std::vector<std::string> codes = NewRecoveryCodes();
  ASSERT_EQ(codes.size(), 10u);
  const std::regex shape("[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}");
  for (const std::string& code : codes) EXPECT_TRUE(std::regex_match(code, shape)) << code;
  EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), codes.size());
  EXPECT_EQ(NewRecoveryCodes(3).size(), 3u);
  EXPECT_TRUE(NewRecoveryCodes(0).empty());
}

TEST(RecoveryCodesTest, HashIsSha256OfTheNormalisedCode) {
  EXPECT_EQ(HashRecoveryCode("abcd-efgh-jkmn"), Sha256Hex("abcdefghjkmn"));
  EXPECT_EQ(HashRecoveryCode("ABCD EFGH JKMN"), Sha256Hex("abcdefghjkmn"));
  EXPECT_EQ(HashRecoveryCode("abcdefghjkmn"), Sha256Hex("abcdefghjkmn"));
  EXPECT_NE(HashRecoveryCode("abcd-efgh-jkmm"), Sha256Hex("abcdefghjkmn"));
}

TEST(RecoveryCodesTest, MatchFindsTheIndexOfTheCodeOnly) {
  const std::vector<std::string> codes = NewRecoveryCodes(5);
  std::vector<std::string> hashes;
  hashes.reserve(codes.size());
  for (const std::string& code : codes) hashes.push_back(HashRecoveryCode(code));
  for (std::size_t i = 0; i < codes.size(); ++i) {
    EXPECT_EQ(MatchRecoveryCode(codes[i], hashes), i);
  }
  std::string shouted = codes[2];
  for (char& c : shouted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(MatchRecoveryCode(shouted, hashes), 2u);
  EXPECT_EQ(MatchRecoveryCode("aaaa-bbbb-cccc", hashes), std::nullopt);
  EXPECT_EQ(MatchRecoveryCode("", hashes), std::nullopt);
  EXPECT_EQ(MatchRecoveryCode(codes[0], {}), std::nullopt);
}

}  // namespace
}  // namespace pim::identity
