// An always-on check for fuzz targets: on failure prints the condition and the input (escaped)
// and aborts, so that libFuzzer and the corpus runner both report it as a crash.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace pim::fuzz {

[[noreturn]] inline void Fail(const char* condition, std::string_view input, const char* file,
                              int line) {
  std::fprintf(stderr, "%s:%d: check failed: %s\ninput (%zu bytes): \"", file, line, condition,
               input.size());
  for (const char c : input) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && c != '"' && c != '\\') {
      std::fputc(c, stderr);
    } else {
      std::fprintf(stderr, "\\x%02x", byte);
    }
  }
  std::fputs("\"\n", stderr);
  std::abort();
}

}  // namespace pim::fuzz

// Aborts unless `condition` holds; `input` is the fuzz input being checked.
#define PIM_FUZZ_CHECK(condition, input) \
  ((condition) ? static_cast<void>(0) : ::pim::fuzz::Fail(#condition, (input), __FILE__, __LINE__))
