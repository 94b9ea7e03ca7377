// Password hashing with argon2id (libsodium). Hashes are self-describing strings
// ("$argon2id$v=19$m=...,t=...,p=1$salt$hash") holding their own random salt and cost, so a
// change of cost applies to new hashes while old ones still verify. All functions are
// thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace pim::identity {

// The cost of one hash: passes over memory and the memory used, in bytes.
struct PasswordHashParams {
  unsigned long long ops_limit;  // NOLINT(google-runtime-int): libsodium's own type
  std::size_t mem_limit;

  // libsodium's interactive limits (2 passes, 64 MiB): for sign-in.
  static PasswordHashParams Interactive();
  // The smallest limits argon2id allows (1 pass, 8 KiB): fast, for tests only.
  static PasswordHashParams ForTests();
};

// A new encoded argon2id hash of `password` with a fresh salt. Errors: InvalidArgument when the
// params are outside argon2id's limits; ResourceExhausted when the memory cannot be had.
[[nodiscard]] absl::StatusOr<std::string> HashPassword(std::string_view password,
                                                       const PasswordHashParams& params);

// Whether `password` is the one `encoded_hash` was made from. False, too, for a hash that is
// malformed or not argon2id. The hash is trusted for its cost: it comes from our own store.
[[nodiscard]] bool VerifyPassword(std::string_view encoded_hash, std::string_view password);

// Whether `encoded_hash` was made with other params than `params` (or is not a valid argon2id
// hash), so it should be replaced by a new hash after the next successful verification.
[[nodiscard]] bool NeedsRehash(std::string_view encoded_hash, const PasswordHashParams& params);

// Spends the time of a VerifyPassword against a hash made with `params`, always failing: the
// sign-in path calls it for an unknown user, so that timing does not tell which users exist.
void VerifyAgainstDummy(std::string_view password, const PasswordHashParams& params);

}  // namespace pim::identity
