// Owning pointers to OpenSSL objects, each freed by its own OpenSSL function, and the one that
// the key classes hold: EvpKey.
#pragma once

#include <openssl/evp.h>

#include <memory>

namespace pim::identity {

template <auto Free>
struct OpenSslFree {
  template <typename T>
  void operator()(T* object) const {
    Free(object);
  }
};

// E.g. OpenSslPtr<BIO, BIO_free_all>.
template <typename T, auto Free>
using OpenSslPtr = std::unique_ptr<T, OpenSslFree<Free>>;

using EvpKey = OpenSslPtr<EVP_PKEY, EVP_PKEY_free>;

}  // namespace pim::identity
