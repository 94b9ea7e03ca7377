// libsodium must be initialised once before use; every caller asks here first.
#pragma once

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace pim::identity {

inline void InitSodium() {
  // A function-local static runs sodium_init() once, thread-safely.
  static const bool initialised = sodium_init() >= 0;
  if (!initialised) {
    std::fputs("pim: libsodium failed to initialise\n", stderr);
    std::abort();
  }
}

}  // namespace pim::identity
