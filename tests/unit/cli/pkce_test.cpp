#include "pim/cli/pkce.h"

#include <gtest/gtest.h>

#include <string>

namespace pim::cli {
namespace {

// RFC 7636 Appendix B.
TEST(PkceTest, MatchesTheRfc7636AppendixBVector) {
  const unsigned char octets[] = {116, 24,  223, 180, 151, 153, 224, 37,  79,  250, 96,
                                  125, 216, 173, 187, 186, 22,  212, 37,  77,  105, 214,
                                  191, 240, 91,  88,  5,   88,  83,  132, 141, 121};
  const std::string verifier =
      Base64UrlEncode(std::string(reinterpret_cast<const char*>(octets), sizeof(octets)));
  EXPECT_EQ(verifier, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  EXPECT_EQ(CodeChallengeS256(verifier), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(PkceTest, Base64UrlHasNoPadding) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
}

TEST(PkceTest, VerifiersAndStatesAreFreshAndWithinTheRfcAlphabet) {
  const std::string a = NewCodeVerifier();
  const std::string b = NewCodeVerifier();
  EXPECT_EQ(a.size(), 43U);  // RFC 7636: 43 to 128 characters
  EXPECT_NE(a, b);
  EXPECT_EQ(
      a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"),
      std::string::npos);
  EXPECT_NE(NewState(), NewState());
}

}  // namespace
}  // namespace pim::cli
