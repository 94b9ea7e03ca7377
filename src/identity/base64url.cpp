#include "pim/identity/base64url.h"

#include <sodium.h>

namespace pim::identity {
namespace {
constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
}  // namespace

std::string Base64UrlEncode(std::string_view data) {
  // libsodium's codec runs in time independent of the bytes, which suits tokens and keys.
  std::string out(sodium_base64_ENCODED_LEN(data.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()),
                    data.size(), kVariant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 2, '\0');
  std::size_t length = 0;
  // No characters to ignore and no end pointer: the whole text must be canonical base64url
  // (libsodium also refuses non-zero trailing bits and an impossible final length).
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &length, nullptr, kVariant) != 0) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

}  // namespace pim::identity
