#include "pim/identity/password_policy.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "absl/strings/ascii.h"
#include "pim/domain/status.h"

namespace pim::identity {
namespace {

constexpr std::size_t kMinCharacters = 12;
constexpr std::size_t kMaxPasswordBytes = 256;
constexpr std::size_t kMinPersonalWordCharacters = 4;

// Common passwords from public breach lists, lower case. Only those of at least 12 characters
// are listed: shorter ones already fail the length rule.
// clang-format off
constexpr std::string_view kCommonPasswords[] = {
    "123456789012", "1234567890123", "12345678901234", "123456789012345", "1234567890123456",
    "123456123456", "123123123123", "121212121212", "123321123321", "112233445566", "111222333444",
    "123456654321", "987654321987", "098765432109", "147258369147", "147258369123", "159753159753",
    "123654789123", "123456789abc", "1234567890abc", "1234567890qwe", "1234567890-=",
    "1234567890!@", "!@#$%^&*()_+", "qwertyuiop12", "qwertyuiop123", "qwertyuiop1234",
    "qwertyuiopasdf", "qwertyuiopasdfgh", "qwertyuiopasdfghjkl", "qwertyuiopasdfghjklzxcvbnm",
    "qwertyuiop[]", "qwertyqwerty", "qwerty123456", "qwerty1234567", "qwerty12345678",
    "qwerty123456789", "qwerty@12345", "qwerty!23456", "123456qwerty", "1234567qwerty",
    "12345678qwerty", "asdfghjkl123", "asdfghjkl1234", "asdfghjklqwe", "asdfasdfasdf",
    "asdfghjklzxcvbnm", "zxcvbnm12345", "zxcvbnm123456", "zxcvbnmasdfghjkl", "qwerasdfzxcv",
    "qweasdzxc123", "qweasdzxcvbn", "qwe123qwe123", "1qaz2wsx3edc", "1qaz2wsx3edc4rfv",
    "1qazxsw23edc", "1qaz2wsx1qaz2wsx", "1qaz!qaz2wsx@wsx", "!qaz2wsx3edc", "1q2w3e4r5t6y",
    "1q2w3e4r5t6y7u", "1q2w3e4r5t6y7u8i", "1q2w3e4r5t6y7u8i9o0p", "q1w2e3r4t5y6", "q1w2e3r4t5y6u7",
    "zaq12wsxcde3", "zaq1zaq1zaq1", "zaq1xsw2cde3", "qazwsxedcrfv", "qazwsxedcrfvtgb",
    "qazwsxedc123", "poiuytrewq12", "abcdefghijkl", "abcdefghijklmnop",
    "abcdefghijklmnopqrstuvwxyz", "abcd1234abcd", "abc123abc123", "abc123456789", "abcdef123456",
    "a1b2c3d4e5f6", "a1b2c3d4e5f6g7", "aaaaaa111111", "password1234", "password12345",
    "password123456", "password1234567", "password123456789", "password123!", "password@123",
    "password!123", "password2019", "password2020", "password2021", "password2022", "password2023",
    "password2024", "password2025", "password2026", "passwordpassword", "password1password1",
    "mypassword123", "mypassword1234", "newpassword1", "newpassword123", "p@ssw0rd1234",
    "p@ssw0rd123!", "p@ssword1234", "p@$$w0rd1234", "passw0rd1234", "passw0rd!234", "pa$$word1234",
    "changeme1234", "changeme123!", "changeme12345", "letmein12345", "letmein123456",
    "letmeinplease", "welcome12345", "welcome123456", "welcome@1234", "welcome2020!",
    "welcome2021!", "welcome2022!", "welcome2023!", "welcome2024!", "welcome2025!", "welcome2026!",
    "january2024!", "january2025!", "february2024", "february2025", "september2024",
    "september2025", "december2024", "december2025", "iloveyou1234", "iloveyou12345",
    "iloveyou123456", "iloveyouforever", "iloveyousomuch", "iloveyoubaby", "iloveyoutoo1",
    "administrator", "administrator1", "administrator123", "adminadmin123", "admin1234567",
    "admin123456789", "admin@123456", "rootpassword", "rootroot1234", "superman1234",
    "superman12345", "batman123456", "spiderman123", "spiderman1234", "starwars1234",
    "starwars12345", "football1234", "football12345", "baseball1234", "basketball12",
    "basketball123", "soccer123456", "hockey123456", "princess1234", "sunshine1234",
    "sunshine12345", "trustno1trustno1", "monkey123456", "dragon123456", "shadow123456",
    "master123456", "michael12345", "jennifer1234", "liverpool123", "liverpool1234",
    "manchester123", "manchesterunited", "barcelona123", "barcelona1234", "realmadrid123",
    "chelsea12345", "arsenal12345", "pokemon12345", "minecraft123", "minecraft1234", "fortnite1234",
    "charlie12345", "computer1234", "internet1234", "whatever1234", "cheese123456", "chocolate123",
    "blessed12345", "jesuschrist1", "jesus1234567", "correcthorsebatterystaple", "thequickbrownfox",
    "thequickbrownfoxjumpsoverthelazydog", "letmeinletmein", "helloworld12", "helloworld123",
    "hello1234567", "hellohello12", "loveyou12345", "lovelove1234", "iloveyouiloveyou",
};
// clang-format on

// The length of the UTF-8 sequence that `lead` starts, or 0 when none validly starts with it.
std::size_t SequenceLength(std::uint8_t lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xc2) return 0;  // a continuation byte, or an overlong two-byte form
  if (lead < 0xe0) return 2;
  if (lead < 0xf0) return 3;
  return lead < 0xf5 ? 4 : 0;
}

// The number of code points in `text`, or nullopt when it is not valid UTF-8 (overlong forms,
// surrogates and values past U+10FFFF are invalid).
std::optional<std::size_t> CodePoints(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++count) {
    const auto lead = static_cast<std::uint8_t>(text[i]);
    const std::size_t length = SequenceLength(lead);
    if (length == 0 || i + length > text.size()) return std::nullopt;
    std::uint32_t value = length == 1 ? lead : lead & (0xffu >> (length + 1));
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<std::uint8_t>(text[i + k]);
      if ((next & 0xc0) != 0x80) return std::nullopt;
      value = (value << 6) | (next & 0x3fu);
    }
    constexpr std::array<std::uint32_t, 5> kSmallest = {0, 0, 0x80, 0x800, 0x10000};
    if (value < kSmallest[length] || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) {
      return std::nullopt;
    }
    i += length;
  }
  return count;
}

// Whether `text` (valid UTF-8, not empty) is its first character repeated.
bool OneCharacterRepeated(std::string_view text) {
  const std::size_t width = SequenceLength(static_cast<std::uint8_t>(text[0]));
  for (std::size_t i = width; i < text.size(); i += width) {
    if (text.substr(i, width) != text.substr(0, width)) return false;
  }
  return true;
}

absl::Status Violation(std::string_view message) {
  return Error(absl::StatusCode::kInvalidArgument, kPasswordPolicyViolation, message);
}

}  // namespace

absl::Status CheckPasswordPolicy(std::string_view password,
                                 const std::vector<std::string>& personal_words) {
  if (password.size() > kMaxPasswordBytes)
    return Violation("The password must be at most 256 bytes long.");
  const std::optional<std::size_t> characters = CodePoints(password);
  if (!characters) return Violation("The password must be valid UTF-8 text.");
  if (*characters < kMinCharacters) {
    return Violation("The password must be at least 12 characters long.");
  }
  if (OneCharacterRepeated(password)) {
    return Violation("The password must not be a single repeated character.");
  }
  const std::string lower =
      absl::AsciiStrToLower(absl::string_view(password.data(), password.size()));
  for (const std::string_view common : kCommonPasswords) {
    if (lower == common) return Violation("The password is too common.");
  }
  for (const std::string& word : personal_words) {
    if (CodePoints(word).value_or(word.size()) < kMinPersonalWordCharacters) continue;
    if (lower.find(absl::AsciiStrToLower(word)) != std::string::npos) {
      return Violation("The password must not contain your name or mail address.");
    }
  }
  return absl::OkStatus();
}

}  // namespace pim::identity
