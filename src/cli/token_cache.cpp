#include "pim/cli/token_cache.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "cli/json_fields.h"

namespace pim::cli {
namespace {

constexpr char kDefaultServerFile[] = "default-server";

absl::Status Errno(std::string_view what, const std::string& path) {
  return absl::InternalError(absl::StrCat(absl::string_view(what.data(), what.size()), " ", path,
                                          ": ", std::strerror(errno)));
}

absl::StatusOr<std::string> ReadPrivateFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat("no file ", path));
    return Errno("cannot open", path);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return Errno("cannot stat", path);
  }
  if ((st.st_mode & 077U) != 0) {
    ::close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat(path, " is readable by others; it holds tokens: remove it and sign in again"));
  }
  std::string content;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      ::close(fd);
      return Errno("cannot read", path);
    }
    if (n == 0) break;
    content.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return content;
}

}  // namespace

absl::StatusOr<std::string> ConfigDirectory(const char* config_dir, const char* xdg_config_home,
                                            const char* home) {
  if (config_dir != nullptr && config_dir[0] != '\0') return std::string(config_dir);
  if (xdg_config_home != nullptr && xdg_config_home[0] != '\0') {
    return absl::StrCat(xdg_config_home, "/pimctl");
  }
  if (home != nullptr && home[0] != '\0') return absl::StrCat(home, "/.config/pimctl");
  return absl::FailedPreconditionError(
      "no config directory: set PIMCTL_CONFIG_DIR, XDG_CONFIG_HOME or HOME");
}

std::string TokenCache::PathFor(const std::string& server) const {
  // A readable, collision-free name: the URL with every non-alphanumeric byte as _XX.
  std::string name;
  for (const char ch : server) {
    const auto c = static_cast<unsigned char>(ch);
    if (absl::ascii_isalnum(c) || c == '.' || c == '-') {
      name += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      name += '_';
      name += kHex[c >> 4U];
      name += kHex[c & 15U];
    }
  }
  return absl::StrCat(directory_, "/", name, ".json");
}

absl::Status TokenCache::EnsureDirectory() const {
  // Create each missing component 0700; existing ones are left as they are.
  for (std::size_t i = 1; i <= directory_.size(); ++i) {
    if (i != directory_.size() && directory_[i] != '/') continue;
    const std::string part = directory_.substr(0, i);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) return Errno("cannot create", part);
  }
  return absl::OkStatus();
}

absl::Status TokenCache::WriteAtomically(const std::string& path,
                                         const std::string& content) const {
  const std::string temp = absl::StrCat(path, ".tmp.", ::getpid());
  ::unlink(temp.c_str());  // a leftover of a crashed run
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Errno("cannot create", temp);
  std::string_view rest = content;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0) {
      absl::Status s = Errno("cannot write", temp);
      ::close(fd);
      ::unlink(temp.c_str());
      return s;
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    absl::Status s = Errno("cannot write", temp);
    ::unlink(temp.c_str());
    return s;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    absl::Status s = Errno("cannot replace", path);
    ::unlink(temp.c_str());
    return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<CachedSignIn> TokenCache::Load(const std::string& server) const {
  auto content = ReadPrivateFile(PathFor(server));
  if (!content.ok()) {
    if (absl::IsNotFound(content.status())) {
      return absl::NotFoundError(absl::StrCat("not signed in to ", server));
    }
    return content.status();
  }
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(*content, ec);
  if (ec || !v.is_object()) {
    return absl::DataLossError(absl::StrCat(PathFor(server), " is not a pimctl sign-in"));
  }
  const boost::json::object& o = v.get_object();
  CachedSignIn out;
  out.server = Str(o, "server");
  out.access_token = Secret(Str(o, "accessToken"));
  out.refresh_token = Secret(Str(o, "refreshToken"));
  out.user_id = Str(o, "userId");
  out.user_name = Str(o, "userName");
  if (const boost::json::value* e = o.if_contains("accessExpires"); e != nullptr && e->is_int64()) {
    out.access_expires = absl::FromUnixSeconds(e->get_int64());
  }
  if (out.server != server || out.access_token.empty()) {
    return absl::DataLossError(absl::StrCat(PathFor(server), " is not a pimctl sign-in"));
  }
  return out;
}

absl::Status TokenCache::Save(const CachedSignIn& sign_in) const {
  if (absl::Status s = EnsureDirectory(); !s.ok()) return s;
  boost::json::object o;
  o["server"] = sign_in.server;
  o["accessToken"] = sign_in.access_token.reveal();
  o["refreshToken"] = sign_in.refresh_token.reveal();
  o["accessExpires"] = absl::ToUnixSeconds(sign_in.access_expires);
  o["userId"] = sign_in.user_id;
  o["userName"] = sign_in.user_name;
  return WriteAtomically(PathFor(sign_in.server), boost::json::serialize(o));
}

absl::Status TokenCache::SetDefaultServer(const std::string& server) const {
  if (absl::Status s = EnsureDirectory(); !s.ok()) return s;
  return WriteAtomically(absl::StrCat(directory_, "/", kDefaultServerFile), server + "\n");
}

absl::StatusOr<SignInLock> TokenCache::Lock(const std::string& server) const {
  if (absl::Status s = EnsureDirectory(); !s.ok()) return s;
  std::string path = PathFor(server);
  path.replace(path.size() - std::strlen(".json"), std::string::npos, ".lock");
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Errno("cannot open", path);
  SignInLock lock(fd);
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) return Errno("cannot lock", path);
  }
  return lock;
}

SignInLock::~SignInLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

absl::Status TokenCache::Remove(const std::string& server) const {
  const std::string path = PathFor(server);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Errno("cannot delete", path);
  return absl::OkStatus();
}

std::optional<std::string> TokenCache::DefaultServer() const {
  auto content = ReadPrivateFile(absl::StrCat(directory_, "/", kDefaultServerFile));
  if (!content.ok()) return std::nullopt;
  std::string server(absl::StripAsciiWhitespace(*content));
  if (server.empty()) return std::nullopt;
  return server;
}

}  // namespace pim::cli
