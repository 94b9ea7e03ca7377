// Private to pim_identity: the RSA key sizes pimd accepts, in a JWK (jwk.cpp) as in an X.509
// certificate (x509_certificate.cpp).
#pragma once

namespace pim::identity {

inline constexpr int kMinRsaBits = 2048;
inline constexpr int kMaxRsaBits = 8192;

}  // namespace pim::identity
