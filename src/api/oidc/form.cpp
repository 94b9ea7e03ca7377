#include "api/oidc/form.h"

#include "boost/url/params_view.hpp"
#include "boost/url/parse_query.hpp"

namespace pim::api::oidc {

absl::StatusOr<Form> ParseForm(std::string_view body) {
  auto encoded = boost::urls::parse_query(boost::urls::string_view(body.data(), body.size()));
  if (!encoded) return absl::InvalidArgumentError("The form body is not validly encoded.");
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  // Already validated above, so this constructor (which throws on bad input) cannot throw.
  const boost::urls::params_view params(boost::urls::string_view(body.data(), body.size()), opts);
  Form form;
  for (const auto& p : params) {
    if (body.empty()) break;
    if (form.size() >= 64) return absl::InvalidArgumentError("Too many form parameters.");
    if (p.value.size() > 8192) return absl::InvalidArgumentError("A form value is too long.");
    if (!form.emplace(std::string(p.key), std::string(p.value)).second) {
      return absl::InvalidArgumentError("A form parameter is repeated.");
    }
  }
  return form;
}

bool HasPrefixIgnoreCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    const auto lower = [](char c) {
      return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    };
    if (lower(text[i]) != lower(prefix[i])) return false;
  }
  return true;
}

std::string_view FormValue(const Form& form, std::string_view name) {
  auto it = form.find(std::string(name));
  return it == form.end() ? std::string_view() : std::string_view(it->second);
}

std::string FormEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' ||
        u == '.' || u == '_' || u == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

}  // namespace pim::api::oidc
