#include "pim/identity/base64url.h"

#include "gtest/gtest.h"

namespace pim::identity {
namespace {

TEST(Base64UrlTest, EncodesRfc4648VectorsWithoutPadding) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foob"), "Zm9vYg");
  EXPECT_EQ(Base64UrlEncode("fooba"), "Zm9vYmE");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
}

TEST(Base64UrlTest, UsesTheUrlSafeAlphabet) {
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlDecode("-_8"), std::string("\xfb\xff"));
}

TEST(Base64UrlTest, DecodesRfc4648Vectors) {
  for (const char* plain : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(plain)), std::string(plain)) << plain;
  }
  const std::string binary("\x00\x01\xfe\xff\x80", 5);
  EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(binary)), binary);
}

TEST(Base64UrlTest, DecodeRefusesAnythingNonCanonical) {
  for (const char* bad : {"Zg==", "Zm8=", "Zm 9v", "Zm9v\n", " Zm9v", "Zm+v", "Zm/v", "Zm9v.", "Z",
                          "Zm9vY", "Zh", "Zm9", "Zm9vYh", "\xc3\xa9"}) {
    EXPECT_EQ(Base64UrlDecode(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(Base64UrlDecode(std::string("Zm9v\0", 5)), std::nullopt);
}

}  // namespace
}  // namespace pim::identity
