// Proof Key for Code Exchange (RFC 7636), S256 only, and the random `state` of a sign-in.
#pragma once

#include <string>
#include <string_view>

namespace pim::cli {

// base64url without padding (RFC 4648 section 5).
[[nodiscard]] std::string Base64UrlEncode(std::string_view data);

// A fresh code verifier: 32 random bytes from OpenSSL's CSPRNG, base64url (43 characters).
[[nodiscard]] std::string NewCodeVerifier();

// The S256 challenge of `verifier`: base64url(SHA-256(verifier)).
[[nodiscard]] std::string CodeChallengeS256(std::string_view verifier);

// A fresh, unguessable `state` value (16 random bytes, base64url).
[[nodiscard]] std::string NewState();

}  // namespace pim::cli
