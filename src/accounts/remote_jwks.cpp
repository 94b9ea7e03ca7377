#include "pim/accounts/remote_jwks.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace pim::accounts {
namespace {

// How long the refresher waits before looking again at a set that is due while another
// thread is fetching it.
constexpr absl::Duration kWhileAnotherThreadFetches = absl::Seconds(1);

absl::Duration RetryDelay(const RemoteJwksOptions& options, int consecutive_failures) {
  absl::Duration delay = options.first_retry;
  for (int i = 1; i < consecutive_failures && delay < options.max_retry; ++i) delay *= 2;
  return std::min(delay, options.max_retry);
}

}  // namespace

RemoteJwks::RemoteJwks(std::string issuer, std::string url, std::unique_ptr<JwksFetcher> fetcher,
                       const Clock& clock, RemoteJwksOptions options)
    : issuer_(std::move(issuer)),
      url_(std::move(url)),
      fetcher_(std::move(fetcher)),
      clock_(clock),
      options_(std::move(options)),
      keys_(std::make_shared<const KeySet>()),
      next_refresh_(clock.Now()) {}

std::shared_ptr<const RemoteJwks::KeySet> RemoteJwks::keys() const {
  absl::MutexLock lock(&mu_);
  return keys_;
}

absl::Time RemoteJwks::next_refresh() const {
  absl::MutexLock lock(&mu_);
  return next_refresh_;
}

bool RemoteJwks::fetching() const {
  absl::MutexLock lock(&mu_);
  return fetching_;
}

void RemoteJwks::BeginFetch(absl::Time now) {
  fetching_ = true;
  last_fetch_started_ = now;
}

std::shared_ptr<const RemoteJwks::KeySet> RemoteJwks::RefreshForUnknownKey() {
  const absl::Time now = clock_.Now();
  {
    absl::MutexLock lock(&mu_);
    if (fetching_ || now < last_fetch_started_ + options_.unknown_key_interval) return keys_;
    BeginFetch(now);
  }
  FetchAndInstall(JwksFetchReason::kUnknownKey);
  return keys();
}

bool RemoteJwks::RefreshIfDue() {
  const absl::Time now = clock_.Now();
  {
    absl::MutexLock lock(&mu_);
    if (fetching_ || now < next_refresh_) return false;
    BeginFetch(now);
  }
  FetchAndInstall(JwksFetchReason::kScheduled);
  return true;
}

void RemoteJwks::FetchAndInstall(JwksFetchReason reason) {
  // The network call and the parsing happen with no lock held: other threads keep verifying
  // with the current keys meanwhile, and fetching_ keeps every other fetch out.
  absl::StatusOr<FetchedDocument> document = fetcher_->Fetch(url_);
  absl::StatusOr<KeySet> parsed = document.ok()
                                      ? identity::VerificationKey::ParseJwks(document->body)
                                      : absl::StatusOr<KeySet>(document.status());
  if (document.ok() && !parsed.ok()) {
    parsed = absl::Status(parsed.status().code(),
                          absl::StrCat("the JWKS document from ", url_,
                                       " is not usable: ", parsed.status().message()));
  }
  const absl::Time now = clock_.Now();
  JwksFetchOutcome outcome{issuer_, url_, reason, parsed.status(), 0, absl::InfinitePast()};
  {
    absl::MutexLock lock(&mu_);
    fetching_ = false;
    if (parsed.ok()) {
      keys_ = std::make_shared<const KeySet>(std::move(*parsed));
      consecutive_failures_ = 0;
      next_refresh_ = now + std::clamp(document->max_age.value_or(options_.default_max_age),
                                       options_.min_max_age, options_.max_max_age);
    } else {
      ++consecutive_failures_;
      next_refresh_ = now + RetryDelay(options_, consecutive_failures_);
    }
    outcome.keys = keys_->size();
    outcome.next_refresh = next_refresh_;
  }
  if (options_.on_fetch) options_.on_fetch(outcome);
}

RemoteJwksRefresher::RemoteJwksRefresher(std::vector<RemoteJwks*> key_sets, const Clock& clock)
    : key_sets_(std::move(key_sets)), clock_(clock), thread_([this] { Run(); }) {}

RemoteJwksRefresher::~RemoteJwksRefresher() {
  sleep_.Stop();
  thread_.join();
}

void RemoteJwksRefresher::Run() {
  absl::Duration wait = absl::ZeroDuration();
  // A relative wait: the schedule is in the injected clock's time, which may be manual.
  while (sleep_.SleepFor(wait)) {
    absl::Time next = absl::InfiniteFuture();
    bool busy_elsewhere = false;
    for (RemoteJwks* key_set : key_sets_) {
      key_set->RefreshIfDue();
      next = std::min(next, key_set->next_refresh());
      busy_elsewhere = busy_elsewhere || key_set->fetching();
    }
    wait = std::max(next - clock_.Now(), absl::ZeroDuration());
    // A set still due is being fetched by a verifying thread: look again shortly rather than
    // spin until that fetch ends.
    if (busy_elsewhere && wait == absl::ZeroDuration()) wait = kWhileAnotherThreadFetches;
  }
}

}  // namespace pim::accounts
