#include "pim/identity/password_policy.h"

#include "gtest/gtest.h"
#include "pim/domain/status.h"

namespace pim::identity {
namespace {

class PasswordPolicyTest : public ::testing::Test {
 protected:
  // The refusal's message, after checking its codes and that it does not echo the password.
  static std::string Refusal(std::string_view password,
                             const std::vector<std::string>& personal = {}) {
    const absl::Status status = CheckPasswordPolicy(password, personal);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << password;
    EXPECT_EQ(ErrorCodeOf(status), "PasswordPolicyViolation");
    EXPECT_TRUE(password.empty() ||
                status.message().find(absl::string_view(password.data(), password.size())) ==
                    absl::string_view::npos);
    return std::string(status.message());
  }
};

TEST_F(PasswordPolicyTest, AcceptsLongUncommonPasswords) {
  EXPECT_TRUE(CheckPasswordPolicy("violet-harbour-engine", {}).ok());
  EXPECT_TRUE(CheckPasswordPolicy("aaaaaaaaaaab", {}).ok());
  EXPECT_TRUE(CheckPasswordPolicy("dégât-élégant", {}).ok());  // 13 code points
  EXPECT_TRUE(CheckPasswordPolicy(std::string(256, 'x').replace(0, 1, "y"), {}).ok());
}

TEST_F(PasswordPolicyTest, CountsCharactersNotBytes) {
  EXPECT_EQ(Refusal("ééééééééééé"), "The password must be at least 12 characters long.");
  EXPECT_EQ(Refusal("short"), "The password must be at least 12 characters long.");
  EXPECT_EQ(Refusal(""), "The password must be at least 12 characters long.");
  EXPECT_EQ(Refusal("abcdefghijk"), "The password must be at least 12 characters long.");
  EXPECT_TRUE(CheckPasswordPolicy("日本語のパスワードです", {}).code() ==
              absl::StatusCode::kInvalidArgument);  // 11 characters, 33 bytes
  EXPECT_TRUE(CheckPasswordPolicy("日本語の長いパスワードです", {}).ok());
}

TEST_F(PasswordPolicyTest, RefusesMoreThan256Bytes) {
  EXPECT_EQ(Refusal(std::string(257, 'x').replace(0, 1, "y")),
            "The password must be at most 256 bytes long.");
}

TEST_F(PasswordPolicyTest, RefusesInvalidUtf8) {
  for (const std::string& bad : {std::string("abcdefghijkl\xff"), std::string("abcdefghijk\xc3"),
                                 std::string("abcdefghijkl\xc0\xaf"),          // overlong '/'
                                 std::string("abcdefghijkl\xed\xa0\x80"),      // surrogate
                                 std::string("abcdefghijkl\xf4\x90\x80\x80"),  // past U+10FFFF
                                 std::string("abcdefghijkl\xe0\x80\xaf")}) {   // overlong
    EXPECT_EQ(Refusal(bad), "The password must be valid UTF-8 text.");
  }
}

TEST_F(PasswordPolicyTest, RefusesOneRepeatedCharacter) {
  EXPECT_EQ(Refusal(std::string(20, 'a')), "The password must not be a single repeated character.");
  EXPECT_EQ(Refusal("éééééééééééé"), "The password must not be a single repeated character.");
}

TEST_F(PasswordPolicyTest, RefusesCommonPasswordsIgnoringCase) {
  for (const char* common : {"password1234", "Password1234", "QWERTYUIOP123", "1q2w3e4r5t6y",
                             "iloveyou1234", "administrator", "123456789012"}) {
    EXPECT_EQ(Refusal(common), "The password is too common.") << common;
  }
}

TEST_F(PasswordPolicyTest, RefusesPersonalWordsOfFourOrMoreCharacters) {
  const std::vector<std::string> personal = {"Ada", "Lovelace", "ada.lovelace", "Zoë"};
  EXPECT_EQ(Refusal("my-LOVELACE-secret", personal),
            "The password must not contain your name or mail address.");
  EXPECT_EQ(Refusal("x-ada.lovelace-y1", personal),
            "The password must not contain your name or mail address.");
  // "Ada" and "Zoë" have fewer than four characters: ignored.
  EXPECT_TRUE(CheckPasswordPolicy("ada-zoë-dances-tango", personal).ok());
  EXPECT_TRUE(CheckPasswordPolicy("violet-harbour-engine", {"", "harb"}).code() ==
              absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pim::identity
