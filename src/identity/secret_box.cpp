#include "pim/identity/secret_box.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "pim/identity/base64url.h"
#include "pim/identity/secure_random.h"
#include "sodium_init.h"

namespace pim::identity {
namespace {

constexpr std::string_view kPrefix = "pimbox1.";
constexpr std::size_t kNonceSize = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTagSize = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(SecretBox::kKeySize == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

absl::Status NotAKey(const std::filesystem::path& path) {
  return absl::InvalidArgumentError(absl::StrCat(path.string(), " does not hold a secrets key (",
                                                 SecretBox::kKeySize, " bytes in base64url)"));
}

}  // namespace

absl::StatusOr<SecretBox> SecretBox::FromKey(std::string_view key) {
  if (key.size() != kKeySize) {
    return absl::InvalidArgumentError(
        absl::StrCat("a secrets key has ", kKeySize, " bytes, not ", key.size()));
  }
  SecretBox box;
  std::memcpy(box.key_.data(), key.data(), kKeySize);
  return box;
}

SecretBox SecretBox::Generate() {
  std::string key = RandomBytes(kKeySize);
  SecretBox box = *FromKey(key);
  sodium_memzero(key.data(), key.size());
  return box;
}

absl::StatusOr<SecretBox> SecretBox::LoadOrCreateKeyFile(const std::filesystem::path& path,
                                                         bool create) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return absl::UnavailableError(absl::StrCat("cannot read ", path.string()));
    if (!create) return absl::NotFoundError(absl::StrCat("no secrets key at ", path.string()));
    SecretBox box = Generate();
    std::string text = Base64UrlEncode(std::string_view(
                           reinterpret_cast<const char*>(box.key_.data()), kKeySize)) +
                       "\n";
    // O_EXCL: never replace a key that appeared meanwhile (values sealed with it would be lost).
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return absl::UnavailableError(absl::StrCat("cannot create ", path.string()));
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                    ::fsync(fd) == 0;
    ::close(fd);
    sodium_memzero(text.data(), text.size());
    if (!ok) {
      ::unlink(path.c_str());  // a part of a key would stop the next start
      return absl::UnavailableError(absl::StrCat("cannot write ", path.string()));
    }
    return box;
  }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(path.string(), " is open to group or others; make it mode 0600"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::UnavailableError(absl::StrCat("cannot read ", path.string()));
  // Read straight into the one string that is wiped below.
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::string_view trimmed = text;
  while (!trimmed.empty() && absl::ascii_isspace(static_cast<unsigned char>(trimmed.back()))) {
    trimmed.remove_suffix(1);
  }
  std::optional<std::string> key = Base64UrlDecode(trimmed);
  sodium_memzero(text.data(), text.size());
  if (!key || key->size() != kKeySize) return NotAKey(path);
  auto box = FromKey(*key);
  sodium_memzero(key->data(), key->size());
  return box;
}

SecretBox SecretBox::WithPrevious(const SecretBox& previous) const {
  SecretBox box = *this;
  box.has_previous_ = true;
  box.previous_key_ = previous.key_;
  return box;
}

SecretBox::~SecretBox() {
  sodium_memzero(key_.data(), key_.size());
  sodium_memzero(previous_key_.data(), previous_key_.size());
}

std::string SecretBox::Seal(std::string_view plaintext, std::string_view context) const {
  InitSodium();
  const std::string nonce = RandomBytes(kNonceSize);
  std::string out(kNonceSize + plaintext.size() + kTagSize, '\0');
  std::memcpy(out.data(), nonce.data(), kNonceSize);
  unsigned long long length = 0;  // NOLINT(google-runtime-int): libsodium's type
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      reinterpret_cast<unsigned char*>(out.data() + kNonceSize), &length, Bytes(plaintext),
      plaintext.size(), Bytes(context), context.size(), nullptr, Bytes(nonce), key_.data());
  return std::string(kPrefix) + Base64UrlEncode(out);
}

absl::StatusOr<std::string> SecretBox::Open(std::string_view sealed, std::string_view context,
                                            bool* stale) const {
  if (stale != nullptr) *stale = false;
  auto opened = OpenWith(key_, sealed, context);
  if (opened.ok() || !has_previous_) return opened;
  auto previous = OpenWith(previous_key_, sealed, context);
  if (previous.ok() && stale != nullptr) *stale = true;
  return previous.ok() ? previous : opened;
}

absl::StatusOr<std::string> SecretBox::OpenWith(const std::array<std::uint8_t, kKeySize>& key,
                                                std::string_view sealed, std::string_view context) {
  InitSodium();
  const absl::Status not_sealed = absl::DataLossError(
      "a sealed secret does not open with this key: it is not sealed, was sealed with another "
      "key or for another record, or was altered");
  if (!sealed.starts_with(kPrefix)) return not_sealed;
  const auto raw = Base64UrlDecode(sealed.substr(kPrefix.size()));
  if (!raw || raw->size() < kNonceSize + kTagSize) return not_sealed;
  std::string plaintext(raw->size() - kNonceSize - kTagSize, '\0');
  unsigned long long length = 0;  // NOLINT(google-runtime-int): libsodium's type
  const std::string_view cipher = std::string_view(*raw).substr(kNonceSize);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plaintext.data()), &length, nullptr, Bytes(cipher),
          cipher.size(), Bytes(context), context.size(), Bytes(*raw), key.data()) != 0) {
    return not_sealed;
  }
  plaintext.resize(length);
  return plaintext;
}

bool SecretBox::IsSealed(std::string_view text) { return text.starts_with(kPrefix); }

}  // namespace pim::identity
