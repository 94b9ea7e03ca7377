// A secret (password, access or refresh token) that cannot be printed by accident: no
// stream operator, no implicit conversion; reading it takes an explicit reveal().
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace pim::cli {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  [[nodiscard]] const std::string& reveal() const { return value_; }
  [[nodiscard]] bool empty() const { return value_.empty(); }

  // Constant-time comparison (length aside).
  [[nodiscard]] bool Equals(const Secret& other) const {
    if (value_.size() != other.value_.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < value_.size(); ++i) {
      diff |= static_cast<unsigned char>(value_[i] ^ other.value_[i]);
    }
    return diff == 0;
  }

 private:
  std::string value_;
};

}  // namespace pim::cli
