// VerificationKey::ParseJwks is total on any input: usable keys, or InvalidArgument
// (ResourceExhausted only past 1 MiB). Every key it returns allows one of the supported
// algorithms and rejects signatures that are not its own, of any length. A JSON object input is
// also tried as a single JWK, with the same guarantees.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "boost/json/parse.hpp"
#include "fuzz_check.h"
#include "pim/identity/jwk.h"

namespace {

void CheckKey(const pim::identity::VerificationKey& key, std::string_view input) {
  PIM_FUZZ_CHECK(
      key.alg() == "EdDSA" || key.alg() == "RS256" || key.alg() == "PS256" || key.alg() == "ES256",
      input);
  for (const std::size_t length : std::initializer_list<std::size_t>{0, 1, 64, 256, 512}) {
    PIM_FUZZ_CHECK(!key.Verify(input, std::string(length, '\x5a')), input);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto keys = pim::identity::VerificationKey::ParseJwks(input);
  if (keys.ok()) {
    PIM_FUZZ_CHECK(!keys->empty() && keys->size() <= 100, input);
    for (const auto& key : *keys) CheckKey(key, input);
  } else {
    PIM_FUZZ_CHECK(
        keys.status().code() == absl::StatusCode::kInvalidArgument ||
            (keys.status().code() == absl::StatusCode::kResourceExhausted && size > (1u << 20)),
        input);
  }

  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(input, ec);
  if (ec || !parsed.is_object()) return 0;
  const auto key = pim::identity::VerificationKey::FromJwk(parsed.get_object());
  if (key.ok()) {
    CheckKey(*key, input);
  } else {
    PIM_FUZZ_CHECK(key.status().code() == absl::StatusCode::kInvalidArgument, input);
  }
  return 0;
}
