#include "pim/domain/outbound_url.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace pim {
namespace {

constexpr std::size_t kMaxUrlBytes = 2048;

bool IsPort(std::string_view digits) {
  if (digits.empty() || digits.size() > 5) return false;
  int value = 0;
  for (const char c : digits) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    value = value * 10 + (c - '0');
  }
  return value > 0 && value <= 65535;
}

}  // namespace

bool IsLoopbackHost(std::string_view host) {
  const std::string h(host);
  if (absl::EqualsIgnoreCase(h, "localhost")) return true;
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') {
    const std::string literal = h.substr(1, h.size() - 2);
    in6_addr v6{};
    return inet_pton(AF_INET6, literal.c_str(), &v6) == 1 &&
           std::memcmp(&v6, &in6addr_loopback, sizeof v6) == 0;
  }
  in_addr v4{};
  // inet_pton takes only the dotted quad, so "127.1" or "0x7f.1" are not taken for loopback.
  return inet_pton(AF_INET, h.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
}

absl::StatusOr<OutboundUrl> ParseOutboundUrl(std::string_view url, std::string_view what) {
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(what), " ", std::string(why)));
  };
  if (url.size() > kMaxUrlBytes) return bad("is longer than 2048 bytes");
  for (const char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return bad("contains whitespace or control characters");
  }
  if (url.find('#') != std::string_view::npos) return bad("must not have a fragment");
  const std::size_t colon_slashes = url.find("://");
  if (colon_slashes == std::string_view::npos || colon_slashes == 0) {
    return bad("must be an absolute URL (scheme://host)");
  }
  OutboundUrl out;
  out.scheme = absl::AsciiStrToLower(std::string(url.substr(0, colon_slashes)));
  for (const char c : out.scheme) {
    if (!absl::ascii_isalpha(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return bad("has a malformed scheme");
    }
  }
  const std::string_view rest = url.substr(colon_slashes + 3);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
  if (authority.find('@') != std::string_view::npos) return bad("must not carry user information");
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("has a malformed IPv6 address");
    host = authority.substr(0, close + 1);
    port = authority.substr(close + 1);
  } else if (const std::size_t colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon);
  }
  if (host.empty() || host == "[]") return bad("has no host");
  if (!port.empty() && (port.front() != ':' || !IsPort(port.substr(1)))) {
    return bad("has a malformed port");
  }
  out.host = std::string(host);
  out.loopback = IsLoopbackHost(host);
  return out;
}

}  // namespace pim
