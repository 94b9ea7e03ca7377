// An external identity provider's signing keys fetched from its `jwksUri` and kept fresh, and
// the background thread that refreshes them on schedule.
//
// Token verification reads the keys of the last good fetch as an immutable snapshot, so it
// never waits for the network, and:
//  - the keys are fetched when first due (pimd fetches at start-up; a failure is not fatal,
//    the issuer's tokens are refused until a fetch succeeds);
//  - they are fetched again when the last good answer's cache lifetime runs out: its
//    Cache-Control max-age clamped to [5 min, 24 h], 1 h when it gives none;
//  - a token naming a key the set lacks (the provider rotated its keys) makes the verifying
//    thread fetch at once, but at most once per 30 s, so tokens with made-up key ids cannot
//    make pimd hammer the provider;
//  - a failed fetch (network, TLS, HTTP status, a document with no usable key) keeps the last
//    good keys and is retried after 30 s, doubling with each further failure up to 5 min.
// At most one fetch per issuer is under way at a time, and it runs with no lock held. Every
// time is read from the injected Clock.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "pim/accounts/jwks_fetcher.h"
#include "pim/engine/clock.h"
#include "pim/engine/wakeable_sleep.h"
#include "pim/identity/jwk.h"

namespace pim::accounts {

// Why a fetch happened.
enum class JwksFetchReason { kScheduled, kUnknownKey };

// The outcome of one fetch, for logs and metrics.
struct JwksFetchOutcome {
  std::string issuer;
  std::string url;
  JwksFetchReason reason = JwksFetchReason::kScheduled;
  absl::Status status;      // of the fetch, or of parsing the document
  size_t keys = 0;          // keys held afterwards (the old ones after a failure)
  absl::Time next_refresh;  // when the next scheduled fetch is due
};

struct RemoteJwksOptions {
  absl::Duration default_max_age = absl::Hours(1);  // when an answer gives no max-age
  absl::Duration min_max_age = absl::Minutes(5);
  absl::Duration max_max_age = absl::Hours(24);
  // Fetches for unknown key ids start at least this long after the previous fetch started.
  absl::Duration unknown_key_interval = absl::Seconds(30);
  // After the n-th consecutive failure the next scheduled fetch is
  // min(first_retry * 2^(n-1), max_retry) later.
  absl::Duration first_retry = absl::Seconds(30);
  absl::Duration max_retry = absl::Minutes(5);
  // Called after every fetch on the thread that fetched, with no lock held. May be empty.
  std::function<void(const JwksFetchOutcome&)> on_fetch;
};

// One issuer's key cache. Thread-safe.
class RemoteJwks {
 public:
  using KeySet = std::vector<identity::VerificationKey>;

  // Keys for `issuer` (used only in outcomes) from `url`, which should pass ValidateJwksUri.
  // Nothing is fetched until the first RefreshIfDue() or RefreshForUnknownKey(); the first
  // scheduled fetch is due at once. `clock` must outlive this object.
  RemoteJwks(std::string issuer, std::string url, std::unique_ptr<JwksFetcher> fetcher,
             const Clock& clock, RemoteJwksOptions options = {});
  RemoteJwks(const RemoteJwks&) = delete;
  RemoteJwks& operator=(const RemoteJwks&) = delete;
  ~RemoteJwks() = default;

  // The keys of the last good fetch; empty (never null) before the first. Does not block on
  // a fetch under way.
  [[nodiscard]] std::shared_ptr<const KeySet> keys() const ABSL_LOCKS_EXCLUDED(mu_);

  // For a token that names a key keys() lacks, or when keys() is empty: fetches now, on the
  // calling thread, unless a fetch is under way (then the current keys are returned without
  // waiting for it, so verifying threads never queue behind the network) or the previous one
  // started less than `unknown_key_interval` ago. Returns the keys held afterwards.
  [[nodiscard]] std::shared_ptr<const KeySet> RefreshForUnknownKey() ABSL_LOCKS_EXCLUDED(mu_);

  // Fetches, on the calling thread, when next_refresh() has come and no fetch is under way.
  // Returns whether it fetched (whatever the outcome).
  bool RefreshIfDue() ABSL_LOCKS_EXCLUDED(mu_);

  // When the next scheduled fetch is due: at once after construction; after a good fetch,
  // its clamped max-age later; after a failure, the retry delay later.
  [[nodiscard]] absl::Time next_refresh() const ABSL_LOCKS_EXCLUDED(mu_);
  // Whether a fetch is under way.
  [[nodiscard]] bool fetching() const ABSL_LOCKS_EXCLUDED(mu_);

  [[nodiscard]] const std::string& issuer() const { return issuer_; }
  [[nodiscard]] const std::string& url() const { return url_; }

 private:
  // Marks a fetch under way; the caller then calls FetchAndInstall.
  void BeginFetch(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Fetches with no lock held, then installs the keys or schedules the retry.
  void FetchAndInstall(JwksFetchReason reason) ABSL_LOCKS_EXCLUDED(mu_);

  const std::string issuer_;
  const std::string url_;
  const std::unique_ptr<JwksFetcher> fetcher_;  // called only by the thread that set fetching_
  const Clock& clock_;
  const RemoteJwksOptions options_;

  // The key set and the fetch schedule.
  mutable absl::Mutex mu_;
  std::shared_ptr<const KeySet> keys_ ABSL_GUARDED_BY(mu_);
  bool fetching_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time last_fetch_started_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Time next_refresh_ ABSL_GUARDED_BY(mu_);
  int consecutive_failures_ ABSL_GUARDED_BY(mu_) = 0;
};

// A thread that keeps RemoteJwks fresh: it sleeps until the earliest next_refresh() (no polling
// interval), fetches the sets that are due, one after another, and repeats. A ManualClock does
// not wake it by moving; call Wake() after moving one (pimd's test-clock mode does). Thread-safe.
class RemoteJwksRefresher {
 public:
  // Starts the thread. `key_sets` and `clock` must outlive this object.
  RemoteJwksRefresher(std::vector<RemoteJwks*> key_sets, const Clock& clock);
  RemoteJwksRefresher(const RemoteJwksRefresher&) = delete;
  RemoteJwksRefresher& operator=(const RemoteJwksRefresher&) = delete;
  // Stops and joins the thread; a fetch under way finishes first (the fetcher's timeout bounds
  // it).
  ~RemoteJwksRefresher();

  // Makes the thread look at the schedule again now.
  void Wake() { sleep_.Wake(); }

 private:
  void Run();

  const std::vector<RemoteJwks*> key_sets_;
  const Clock& clock_;
  WakeableSleep sleep_;
  std::thread thread_;  // last: starts after the members above are ready
};

}  // namespace pim::accounts
