#include "pim/identity/recovery_codes.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "pim/identity/base32.h"
#include "pim/identity/secure_random.h"

namespace pim::identity {

std::vector<std::string> NewRecoveryCodes(int n) {
  std::vector<std::string> codes;
  for (int i = 0; i < n; ++i) {
    // 8 random bytes make 13 base32 characters; the first 12 carry 60 uniform bits.
    const std::string symbols = absl::AsciiStrToLower(Base32Encode(RandomBytes(8)));
    codes.push_back(
        absl::StrCat(symbols.substr(0, 4), "-", symbols.substr(4, 4), "-", symbols.substr(8, 4)));
  }
  return codes;
}

std::string HashRecoveryCode(std::string_view code) {
  std::string normal;
  for (const char c : code) {
    if (c != '-' && c != ' ') normal.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return Sha256Hex(normal);
}

std::optional<std::size_t> MatchRecoveryCode(std::string_view code,
                                             const std::vector<std::string>& hashes) {
  const std::string hash = HashRecoveryCode(code);
  std::optional<std::size_t> found;
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    if (ConstantTimeEquals(hashes[i], hash) && !found) found = i;
  }
  return found;
}

}  // namespace pim::identity
