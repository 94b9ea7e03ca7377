#include "api/oidc/pending_sign_ins.h"

#include "pim/identity/base64url.h"
#include "pim/identity/secure_random.h"

namespace pim::api::oidc {
namespace {

constexpr size_t kMaxEntries = 10'000;

}  // namespace

std::string PendingSignIns::Put(Map& map, PendingSignIn&& entry, absl::Time now) {
  if (map.size() >= kMaxEntries) {
    // Drop what has expired; if that is not enough, everything goes (those users sign in again).
    absl::erase_if(map, [&](const auto& kv) { return kv.second.expires <= now; });
    if (map.size() >= kMaxEntries) map.clear();
  }
  std::string key = identity::Base64UrlEncode(identity::RandomBytes(32));
  map.emplace(key, std::move(entry));
  return key;
}

std::optional<PendingSignIn> PendingSignIns::Take(Map& map, std::string_view key, absl::Time now) {
  auto it = map.find(std::string(key));
  if (it == map.end()) return std::nullopt;
  PendingSignIn entry = std::move(it->second);
  map.erase(it);
  if (now >= entry.expires) return std::nullopt;
  return entry;
}

std::string PendingSignIns::PutFlow(PendingSignIn entry, absl::Time now) {
  absl::MutexLock lock(&mu_);
  return Put(flows_, std::move(entry), now);
}

std::string PendingSignIns::PutCode(PendingSignIn entry, absl::Time now) {
  absl::MutexLock lock(&mu_);
  return Put(codes_, std::move(entry), now);
}

std::optional<PendingSignIn> PendingSignIns::TakeFlow(std::string_view handle, absl::Time now) {
  absl::MutexLock lock(&mu_);
  return Take(flows_, handle, now);
}

std::optional<PendingSignIn> PendingSignIns::TakeCode(std::string_view code, absl::Time now) {
  absl::MutexLock lock(&mu_);
  return Take(codes_, code, now);
}

}  // namespace pim::api::oidc
