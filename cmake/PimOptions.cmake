# Warning flags, sanitizers and coverage, defined once for every pim target.
option(PIM_WERROR "Treat warnings as errors" ON)
set(PIM_SANITIZE "" CACHE STRING "Sanitizers, e.g. address;undefined or thread")
option(PIM_COVERAGE "Build with gcov instrumentation" OFF)
option(PIM_FUZZ "Build libFuzzer targets (clang)" OFF)

add_library(pim_options INTERFACE)
target_compile_features(pim_options INTERFACE cxx_std_20)
target_compile_options(pim_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  target_compile_options(pim_options INTERFACE -Wthread-safety)
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 reports false positives inside libstdc++'s std::string at -O2/-O3 (GCC bug 105329).
  target_compile_options(pim_options INTERFACE -Wno-restrict)
endif()
if(PIM_WERROR)
  target_compile_options(pim_options INTERFACE -Werror)
endif()
if(PIM_SANITIZE)
  string(REPLACE ";" "," _pim_san "${PIM_SANITIZE}")
  target_compile_options(pim_options INTERFACE -fsanitize=${_pim_san} -fno-sanitize-recover=all
                                              -fno-omit-frame-pointer)
  target_link_options(pim_options INTERFACE -fsanitize=${_pim_san})
  if("thread" IN_LIST PIM_SANITIZE)
    # Debian's abseil is not built for ThreadSanitizer: use stand-ins for its synchronization
    # headers that it can see through (cmake/tsan-absl/absl/synchronization/mutex.h).
    target_include_directories(pim_options BEFORE INTERFACE
                               "${PROJECT_SOURCE_DIR}/cmake/tsan-absl")
  endif()
endif()
if(PIM_COVERAGE)
  target_compile_options(pim_options INTERFACE --coverage -O0)
  target_link_options(pim_options INTERFACE --coverage)
endif()

# Precompiles the headers that nearly every translation unit of `target` parses (Boost.JSON,
# abseil, the engine's interface, and any given in ARGN): each costs seconds per file under the
# sanitizers otherwise. Debug builds only: with GCC 12 at -O3 the precompiled context turns up
# false -Wstringop-overflow reports in libstdc++, and release builds are not the slow ones.
function(pim_precompile_common_headers target)
  if(NOT CMAKE_BUILD_TYPE STREQUAL "Debug")
    return()
  endif()
  target_precompile_headers(${target} PRIVATE <boost/json.hpp> <absl/status/statusor.h>
                            <absl/strings/str_cat.h> <absl/time/time.h> <optional> <string>
                            <vector> "${PROJECT_SOURCE_DIR}/include/pim/engine/engine.h" ${ARGN})
endfunction()
