#include "pim/cli/loopback_redirect.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "boost/url/parse.hpp"

namespace pim::cli {
namespace {

constexpr char kPath[] = "/callback";
constexpr std::size_t kMaxHead = std::size_t{16} * 1024;

RedirectOutcome Refuse(absl::Status status, int http_status, std::string_view page) {
  return RedirectOutcome{std::move(status), http_status, std::string(page)};
}

void WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return;  // the browser went away; the outcome stands
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

RedirectOutcome HandleRedirect(std::string_view request_head, std::string_view path,
                               std::string_view expected_state) {
  const std::size_t eol = request_head.find("\r\n");
  const std::string_view line = request_head.substr(0, eol);
  const std::size_t sp1 = line.find(' ');
  const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) {
    return Refuse(absl::InvalidArgumentError("the redirect was not an HTTP request"), 400,
                  "Bad request.");
  }
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  auto url = boost::urls::parse_origin_form(boost::core::string_view(target.data(), target.size()));
  if (method != "GET" || !url || url->path() != path) {
    return Refuse(absl::InvalidArgumentError("unexpected request on the sign-in redirect"), 404,
                  "Not found.");
  }
  std::string code;
  std::string state;
  std::string error;
  std::string description;
  bool has_state = false;
  for (const auto& p : url->params()) {
    if (p.key == "code") code = p.value;
    if (p.key == "state") {
      state = p.value;
      has_state = true;
    }
    if (p.key == "error") error = p.value;
    if (p.key == "error_description") description = p.value;
  }
  if (!has_state || state != expected_state) {
    return Refuse(absl::PermissionDeniedError(
                      "the sign-in redirect carried a different state: it was not the answer to "
                      "this sign-in, and its code was not used"),
                  400, "This sign-in answer does not belong to pimctl's sign-in. Close this page.");
  }
  if (!error.empty()) {
    return Refuse(absl::UnauthenticatedError(absl::StrCat(
                      "sign-in failed: ", error, description.empty() ? "" : ": ", description)),
                  200, "Sign-in failed. Return to the terminal.");
  }
  if (code.empty()) {
    return Refuse(absl::InvalidArgumentError("the sign-in redirect carried no code"), 400,
                  "Bad request.");
  }
  return RedirectOutcome{std::move(code), 200,
                         "Signed in to pim. You may close this page and return to the terminal."};
}

absl::StatusOr<std::unique_ptr<LoopbackRedirect>> LoopbackRedirect::Listen() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("socket: ", std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd, 1) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return absl::UnavailableError(absl::StrCat("cannot listen on 127.0.0.1: ", why));
  }
  return std::unique_ptr<LoopbackRedirect>(new LoopbackRedirect(fd, ntohs(addr.sin_port)));
}

LoopbackRedirect::~LoopbackRedirect() { Close(); }

void LoopbackRedirect::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::string LoopbackRedirect::redirect_uri() const {
  return absl::StrCat("http://127.0.0.1:", port_, kPath);
}

absl::StatusOr<std::string> LoopbackRedirect::AwaitCode(std::string_view expected_state,
                                                        absl::Duration timeout) {
  if (fd_ < 0) return absl::FailedPreconditionError("the redirect was already served");
  pollfd p{fd_, POLLIN, 0};
  const int ready = ::poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  if (ready <= 0) {
    Close();
    return absl::DeadlineExceededError("no sign-in arrived in time");
  }
  const int conn = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
  Close();  // one request only
  if (conn < 0) return absl::UnavailableError(absl::StrCat("accept: ", std::strerror(errno)));
  std::string head;
  char buf[2048];
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < kMaxHead) {
    pollfd c{conn, POLLIN, 0};
    if (::poll(&c, 1, 10'000) <= 0) break;
    const ssize_t n = ::recv(conn, buf, sizeof(buf), 0);
    if (n <= 0) break;
    head.append(buf, static_cast<std::size_t>(n));
  }
  RedirectOutcome outcome = HandleRedirect(head, kPath, expected_state);
  const char* reason = outcome.http_status == 200   ? "OK"
                       : outcome.http_status == 404 ? "Not Found"
                                                    : "Bad Request";
  WriteAll(conn,
           absl::StrCat("HTTP/1.1 ", outcome.http_status, " ", reason,
                        "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ",
                        outcome.page.size(),
                        "\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n", outcome.page));
  ::close(conn);
  return std::move(outcome.code);
}

}  // namespace pim::cli
