#include "pim/identity/password_hasher.h"

#include <sodium.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "pim/identity/secure_random.h"
#include "sodium_init.h"

namespace pim::identity {
namespace {

using Hash = std::array<char, crypto_pwhash_STRBYTES>;

bool InLimits(const PasswordHashParams& p) {
  return p.ops_limit >= crypto_pwhash_argon2id_OPSLIMIT_MIN &&
         p.ops_limit <= crypto_pwhash_argon2id_OPSLIMIT_MAX &&
         p.mem_limit >= crypto_pwhash_argon2id_MEMLIMIT_MIN &&
         p.mem_limit <= crypto_pwhash_argon2id_MEMLIMIT_MAX;
}

// `encoded_hash` as the NUL-terminated buffer libsodium reads, or false when it cannot be one.
bool ToBuffer(std::string_view encoded_hash, Hash& out) {
  out.fill('\0');
  if (encoded_hash.size() >= out.size() || encoded_hash.find('\0') != std::string_view::npos) {
    return false;
  }
  encoded_hash.copy(out.data(), encoded_hash.size());
  return true;
}

// libsodium declares its password pointers non-null, while an empty string_view's data() may
// be null (an absent form field): an empty password is passed as "".
const char* PasswordBytes(std::string_view password) {
  return password.empty() ? "" : password.data();
}

}  // namespace

PasswordHashParams PasswordHashParams::Interactive() {
  return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}

PasswordHashParams PasswordHashParams::ForTests() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

absl::StatusOr<std::string> HashPassword(std::string_view password,
                                         const PasswordHashParams& params) {
  InitSodium();
  if (!InLimits(params)) return absl::InvalidArgumentError("password hash limits out of range");
  Hash out{};
  if (crypto_pwhash_str_alg(out.data(), PasswordBytes(password), password.size(), params.ops_limit,
                            params.mem_limit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return absl::ResourceExhaustedError("not enough memory to hash a password");
  }
  return std::string(out.data());
}

bool VerifyPassword(std::string_view encoded_hash, std::string_view password) {
  InitSodium();
  Hash hash;
  return ToBuffer(encoded_hash, hash) &&
         crypto_pwhash_str_verify(hash.data(), PasswordBytes(password), password.size()) == 0;
}

bool NeedsRehash(std::string_view encoded_hash, const PasswordHashParams& params) {
  InitSodium();
  Hash hash;
  // The argon2id variant of the check: an argon2i hash with the same limits needs a rehash too.
  return !ToBuffer(encoded_hash, hash) || crypto_pwhash_argon2id_str_needs_rehash(
                                              hash.data(), params.ops_limit, params.mem_limit) != 0;
}

void VerifyAgainstDummy(std::string_view password, const PasswordHashParams& params) {
  // One dummy hash per distinct params, made once from a random password nobody knows.
  struct Dummies {
    absl::Mutex mu;
    std::map<std::pair<unsigned long long, std::size_t>, std::string> hashes  // NOLINT
        ABSL_GUARDED_BY(mu);
  };
  static Dummies dummies;
  std::string dummy;
  {
    absl::MutexLock lock(&dummies.mu);
    auto [it, inserted] = dummies.hashes.try_emplace({params.ops_limit, params.mem_limit});
    if (inserted) it->second = HashPassword(RandomBytes(16), params).value_or("");
    dummy = it->second;
  }
  static_cast<void>(VerifyPassword(dummy, password));
}

}  // namespace pim::identity
