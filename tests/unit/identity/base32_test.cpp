#include "pim/identity/base32.h"

#include "gtest/gtest.h"

namespace pim::identity {
namespace {

TEST(Base32Test, EncodesRfc4648VectorsWithoutPadding) {
  EXPECT_EQ(Base32Encode(""), "");
  EXPECT_EQ(Base32Encode("f"), "MY");
  EXPECT_EQ(Base32Encode("fo"), "MZXQ");
  EXPECT_EQ(Base32Encode("foo"), "MZXW6");
  EXPECT_EQ(Base32Encode("foob"), "MZXW6YQ");
  EXPECT_EQ(Base32Encode("fooba"), "MZXW6YTB");
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(Base32Encode("12345678901234567890"), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

TEST(Base32Test, DecodesRfc4648VectorsWithOrWithoutPadding) {
  EXPECT_EQ(Base32Decode(""), "");
  EXPECT_EQ(Base32Decode("MY======"), "f");
  EXPECT_EQ(Base32Decode("MZXQ===="), "fo");
  EXPECT_EQ(Base32Decode("MZXW6==="), "foo");
  EXPECT_EQ(Base32Decode("MZXW6YQ="), "foob");
  EXPECT_EQ(Base32Decode("MZXW6YTB"), "fooba");
  EXPECT_EQ(Base32Decode("MZXW6YTBOI======"), "foobar");
  EXPECT_EQ(Base32Decode("MZXW6YTBOI"), "foobar");
  EXPECT_EQ(Base32Decode("MY"), "f");
}

TEST(Base32Test, DecodeIgnoresCaseAndSpaces) {
  EXPECT_EQ(Base32Decode("mzxw6ytboi"), "foobar");
  EXPECT_EQ(Base32Decode("MzXw 6yTb oI"), "foobar");
  EXPECT_EQ(Base32Decode(" MZXW 6YTB OI== ==== "), "foobar");
  const std::string binary("\x00\xff\x10\x80\x7f", 5);
  EXPECT_EQ(Base32Decode(Base32Encode(binary)), binary);
}

TEST(Base32Test, DecodeRefusesEverythingElse) {
  for (const char* bad : {
           "MZXW1", "MZXW8", "MZXW6-", "MZ\tXW", "MZXW\n", "MZ=XW6", "MY=====",  // bad padding
           "MY=======", "MZXW6YTB========", "========", "M", "MZX", "MZXW6Y",    // bad lengths
           "MZ", "MZXR", "MZXW7", "MZXW6YR", "\xc3\x89",                         // trailing bits
       }) {
    EXPECT_EQ(Base32Decode(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(Base32Decode(std::string("MY\0", 3)), std::nullopt);
}

}  // namespace
}  // namespace pim::identity
