// Randomness, constant-time comparison and SHA-256: the primitives every identity secret is
// made and checked with. All functions are thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pim::identity {

// `n` bytes from OpenSSL's CSPRNG. Aborts the process when the generator fails: nothing that
// needs a secret can safely go on without one.
[[nodiscard]] std::string RandomBytes(std::size_t n);
// A version 4 GUID (lowercase 8-4-4-4-12) from the same generator, drawn 64 at a time per
// thread: request ids and request names, never secrets.
[[nodiscard]] std::string RandomGuid();

// Whether `a` and `b` are equal, in time that depends only on their lengths (never on where
// they first differ). Strings of different lengths are unequal.
[[nodiscard]] bool ConstantTimeEquals(std::string_view a, std::string_view b);

// The 32-byte SHA-256 digest of `data`, and the same as 64 lowercase hexadecimal digits.
[[nodiscard]] std::string Sha256(std::string_view data);
[[nodiscard]] std::string Sha256Hex(std::string_view data);

}  // namespace pim::identity
