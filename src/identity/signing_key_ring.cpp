#include "pim/identity/signing_key_ring.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "pim/domain/status.h"

namespace pim::identity {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMetadataFile = "keyring.json";
constexpr std::size_t kMaxFileBytes = 1 << 20;

absl::Status IoError(std::string_view what, const fs::path& path, int error) {
  return absl::UnavailableError(absl::StrCat("signing keys: cannot ",
                                             absl::string_view(what.data(), what.size()), " ",
                                             path.string(), ": ", std::strerror(error)));
}

absl::Status Corrupt(std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("signing keys: ", absl::string_view(why.data(), why.size())));
}

// Writes `content` to `path` so that a reader sees the old file or the new one, never a part:
// a new 0600 temporary file (O_EXCL: never one planted there before), flushed, renamed over
// `path`, and the directory flushed so the rename survives a crash.
absl::Status WriteFileAtomically(const fs::path& path, std::string_view content) {
  const std::string temp = path.string() + ".tmp";
  ::unlink(temp.c_str());  // left over by a crash, if any
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return IoError("create", temp, errno);
  std::size_t done = 0;
  int error = 0;
  while (error == 0 && done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n >= 0) {
      done += static_cast<std::size_t>(n);
    } else if (errno != EINTR) {
      error = errno;
    }
  }
  if (error == 0 && ::fsync(fd) != 0) error = errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error == 0 && ::rename(temp.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    ::unlink(temp.c_str());
    return IoError("write", path, error);
  }
  const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("read", path, errno);
  std::string text;
  text.resize(kMaxFileBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return IoError("read", path, errno);
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxFileBytes) return Corrupt(absl::StrCat(path.string(), " is too large"));
  return text;
}

fs::path KeyFile(const fs::path& dir, std::string_view kid) {
  return dir / absl::StrCat(absl::string_view(kid.data(), kid.size()), ".pem");
}

// What a key file is sealed for: its key.
std::string SealContext(std::string_view kid) { return "signingKey\n" + std::string(kid); }

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_full, t, absl::UTCTimeZone());
}

std::optional<absl::Time> TimeMember(const boost::json::object& o, std::string_view name) {
  const boost::json::value* v = o.if_contains(name);
  absl::Time t;
  std::string error;
  if (v == nullptr || !v->is_string() ||
      !absl::ParseTime(absl::RFC3339_full,
                       absl::string_view(v->get_string().data(), v->get_string().size()), &t,
                       &error)) {
    return std::nullopt;
  }
  return t;
}

// A kid as SigningKey makes them (43 base64url characters), so it is also a safe file name.
bool WellFormedKid(std::string_view kid) {
  if (kid.size() != 43) return false;
  for (const char c : kid) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_')) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<SigningKeyRing> SigningKeyRing::Open(fs::path dir, absl::Time now,
                                                    std::optional<SecretBox> seal) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) return IoError("create directory", dir, ec.value());
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) return IoError("set the mode of", dir, ec.value());

  const fs::path metadata = dir / kMetadataFile;
  if (!fs::exists(metadata, ec)) {
    std::vector<Entry> entries;
    entries.push_back({SigningKey::Generate(), now, std::nullopt});
    SigningKeyRing ring(std::move(dir), std::move(entries), std::move(seal));
    PIM_RETURN_IF_ERROR(ring.WriteKey(ring.entries_.back().key));
    PIM_RETURN_IF_ERROR(ring.WriteMetadata());
    return ring;
  }

  PIM_ASSIGN_OR_RETURN(const std::string text, ReadFile(metadata));
  boost::system::error_code json_error;
  const boost::json::value root = boost::json::parse(text, json_error);
  const boost::json::value* list =
      root.is_object() ? root.get_object().if_contains("keys") : nullptr;
  if (json_error || list == nullptr || !list->is_array() || list->get_array().empty()) {
    return Corrupt("keyring.json has no \"keys\" array");
  }
  const boost::json::value* sealed_member = root.get_object().if_contains("sealed");
  const bool sealed =
      sealed_member != nullptr && sealed_member->is_bool() && sealed_member->get_bool();
  if (sealed && !seal) {
    return absl::FailedPreconditionError(
        absl::StrCat("signing keys: ", dir.string(), " is sealed, and no secrets key was given"));
  }
  bool reseal = false;  // a key file in the clear, or sealed with the previous key
  std::vector<Entry> entries;
  for (const boost::json::value& item : list->get_array()) {
    const boost::json::object* o = item.if_object();
    const boost::json::value* kid = o != nullptr ? o->if_contains("kid") : nullptr;
    if (kid == nullptr || !kid->is_string() ||
        !WellFormedKid(std::string_view(kid->get_string().data(), kid->get_string().size()))) {
      return Corrupt("keyring.json has an entry without a valid kid");
    }
    const std::optional<absl::Time> created = TimeMember(*o, "created");
    const std::optional<absl::Time> retired = TimeMember(*o, "retired");
    const bool last = &item == &list->get_array().back();
    if (!created || (o->contains("retired") && !retired) || retired.has_value() == last) {
      return Corrupt("keyring.json has invalid times (only the last key may be unretired)");
    }
    const std::string_view kid_text(kid->get_string().data(), kid->get_string().size());
    PIM_ASSIGN_OR_RETURN(std::string pem, ReadFile(KeyFile(dir, kid_text)));
    if (SecretBox::IsSealed(pem)) {
      const absl::Status wrong_key = absl::FailedPreconditionError(absl::StrCat(
          "signing keys: the key files in ", dir.string(), " do not open with the secrets key"));
      if (!seal) return wrong_key;
      bool stale = false;
      auto opened = seal->Open(pem, SealContext(kid_text), &stale);
      if (!opened.ok()) return wrong_key;
      pem = *std::move(opened);
      reseal = reseal || stale;
    } else if (sealed) {
      return Corrupt("a key file of a sealed key ring is in the clear");
    } else {
      reseal = true;
    }
    PIM_ASSIGN_OR_RETURN(SigningKey key, SigningKey::FromPem(pem));
    if (key.kid() != kid_text) return Corrupt("a key file does not match its kid");
    for (const Entry& e : entries) {
      if (e.key.kid() == kid_text) return Corrupt("keyring.json lists a key twice");
    }
    entries.push_back({std::move(key), *created, retired});
  }
  SigningKeyRing ring(std::move(dir), std::move(entries), std::move(seal));
  if (ring.seal_ && (reseal || !sealed)) {
    // Written before sealing was on, or sealed with the previous key: seal every key with the
    // key, then say so.
    for (const Entry& e : ring.entries_) PIM_RETURN_IF_ERROR(ring.WriteKey(e.key));
    PIM_RETURN_IF_ERROR(ring.WriteMetadata());
  }
  return ring;
}

absl::Status SigningKeyRing::WriteKey(const SigningKey& key) const {
  const std::string pem = key.PrivatePem();
  return WriteFileAtomically(KeyFile(dir_, key.kid()),
                             seal_ ? seal_->Seal(pem, SealContext(key.kid())) : pem);
}

absl::Status SigningKeyRing::Rotate(absl::Time now) {
  SigningKey key = SigningKey::Generate();
  PIM_RETURN_IF_ERROR(WriteKey(key));
  entries_.back().retired = now;
  entries_.push_back({std::move(key), now, std::nullopt});
  absl::Status written = WriteMetadata();
  if (!written.ok()) {  // undo; the orphan key file is harmless
    entries_.pop_back();
    entries_.back().retired.reset();
  }
  return written;
}

std::string SigningKeyRing::JwksJson(absl::Time now, absl::Duration max_token_lifetime) const {
  boost::json::array keys;
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (Published(*it, now, max_token_lifetime)) keys.push_back(it->key.PublicJwk());
  }
  return boost::json::serialize(boost::json::object{{"keys", std::move(keys)}});
}

std::vector<VerificationKey> SigningKeyRing::VerificationKeys(
    absl::Time now, absl::Duration max_token_lifetime) const {
  std::vector<VerificationKey> keys;
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (Published(*it, now, max_token_lifetime)) {
      keys.push_back(VerificationKey::FromSigningKey(it->key));
    }
  }
  return keys;
}

std::optional<absl::Time> SigningKeyRing::RetiredAt(std::string_view kid) const {
  for (const Entry& e : entries_) {
    if (e.key.kid() == kid) return e.retired;
  }
  return std::nullopt;
}

absl::Status SigningKeyRing::Prune(absl::Time now, absl::Duration max_token_lifetime) {
  std::vector<std::string> expired;
  // Unpublished keys verify nothing any more, so they may leave memory before the files go.
  std::erase_if(entries_, [&](const Entry& e) {
    if (Published(e, now, max_token_lifetime)) return false;
    expired.push_back(e.key.kid());
    return true;
  });
  if (expired.empty()) return absl::OkStatus();
  PIM_RETURN_IF_ERROR(WriteMetadata());
  for (const std::string& kid : expired) {
    const fs::path file = KeyFile(dir_, kid);
    if (::unlink(file.c_str()) != 0 && errno != ENOENT) return IoError("delete", file, errno);
  }
  return absl::OkStatus();
}

bool SigningKeyRing::Published(const Entry& e, absl::Time now, absl::Duration max_token_lifetime) {
  return !e.retired || *e.retired + max_token_lifetime > now;
}

absl::Status SigningKeyRing::WriteMetadata() const {
  boost::json::array keys;
  for (const Entry& e : entries_) {
    boost::json::object o = {{"kid", e.key.kid()}, {"created", Rfc3339(e.created)}};
    if (e.retired) o["retired"] = Rfc3339(*e.retired);
    keys.push_back(std::move(o));
  }
  boost::json::object root{{"keys", std::move(keys)}};
  if (seal_) root["sealed"] = true;
  return WriteFileAtomically(dir_ / kMetadataFile, boost::json::serialize(root));
}

}  // namespace pim::identity
