#include "pim/identity/secure_random.h"

#include <set>
#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "pim/domain/ids.h"

namespace pim::identity {
namespace {

TEST(SecureRandomTest, RandomBytesHaveTheRequestedLengthAndDiffer) {
  EXPECT_EQ(RandomBytes(0), "");
  std::set<std::string> seen;
  for (int i = 0; i < 32; ++i) {
    const std::string bytes = RandomBytes(16);
    EXPECT_EQ(bytes.size(), 16u);
    seen.insert(bytes);
  }
  EXPECT_EQ(seen.size(), 32u);
}

TEST(SecureRandomTest, RandomGuidsAreLowercaseVersion4AndDiffer) {
  const std::string a = RandomGuid();
  const std::string b = RandomGuid();
  for (const std::string& guid : {a, b}) {
    ASSERT_TRUE(ParseLowercaseGuid(guid).has_value()) << guid;
    EXPECT_EQ(guid[14], '4') << guid;
    EXPECT_NE(std::string_view("89ab").find(guid[19]), std::string_view::npos) << guid;
  }
  EXPECT_NE(a, b);
}

TEST(SecureRandomTest, ConstantTimeEqualsComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_TRUE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret2"));
  EXPECT_FALSE(ConstantTimeEquals("secret2", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("", "x"));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(SecureRandomTest, Sha256MatchesFips180Vectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256("abc").size(), 32u);
  EXPECT_EQ(Sha256("abc").substr(0, 2), "\xba\x78");
}

}  // namespace
}  // namespace pim::identity
