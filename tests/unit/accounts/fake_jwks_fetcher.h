// A JWKS endpoint under a test's control (FakeIdp) and the JwksFetcher that asks it: no network,
// every fetch counted. Thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "boost/json.hpp"
#include "pim/accounts/jwks_fetcher.h"
#include "pim/identity/signing_key.h"

namespace pim::testing {

class FakeIdp {
 public:
  // From now on, answers 200 with a JWKS of `keys` and `max_age` (nullopt: no Cache-Control).
  void Serve(const std::vector<const identity::SigningKey*>& keys,
             std::optional<absl::Duration> max_age = std::nullopt) {
    boost::json::array jwks;
    for (const identity::SigningKey* k : keys) jwks.push_back(k->PublicJwk());
    ServeDocument(boost::json::serialize(boost::json::object{{"keys", std::move(jwks)}}), max_age);
  }
  void ServeDocument(std::string body, std::optional<absl::Duration> max_age = std::nullopt) {
    absl::MutexLock lock(&mu_);
    answer_ = accounts::FetchedDocument{std::move(body), max_age};
  }
  // From now on, every fetch fails with `status`.
  void Fail(absl::Status status) {
    absl::MutexLock lock(&mu_);
    answer_ = std::move(status);
  }
  // Runs `hook` inside each fetch, before it answers (on the fetching thread, no lock held).
  void DuringFetch(std::function<void()> hook) {
    absl::MutexLock lock(&mu_);
    during_fetch_ = std::move(hook);
  }

  absl::StatusOr<accounts::FetchedDocument> Answer(const std::string& url) {
    std::function<void()> hook;
    {
      absl::MutexLock lock(&mu_);
      urls_.push_back(url);
      hook = during_fetch_;
    }
    if (hook) hook();
    absl::MutexLock lock(&mu_);
    ++fetches_;
    return answer_;
  }

  [[nodiscard]] int fetches() const {
    absl::MutexLock lock(&mu_);
    return fetches_;
  }
  [[nodiscard]] std::vector<std::string> urls() const {
    absl::MutexLock lock(&mu_);
    return urls_;
  }
  // Blocks until `n` fetches have completed or `timeout` passed (for tests that run a thread).
  bool AwaitFetches(int n, absl::Duration timeout) const {
    absl::MutexLock lock(&mu_);
    auto reached = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return fetches_ >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }

 private:
  mutable absl::Mutex mu_;
  absl::StatusOr<accounts::FetchedDocument> answer_ ABSL_GUARDED_BY(mu_) =
      absl::UnavailableError("connection refused");
  std::function<void()> during_fetch_ ABSL_GUARDED_BY(mu_);
  int fetches_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::string> urls_ ABSL_GUARDED_BY(mu_);
};

class FakeJwksFetcher final : public accounts::JwksFetcher {
 public:
  explicit FakeJwksFetcher(FakeIdp& idp) : idp_(idp) {}
  absl::StatusOr<accounts::FetchedDocument> Fetch(const std::string& url) override {
    return idp_.Answer(url);
  }

 private:
  FakeIdp& idp_;
};

}  // namespace pim::testing
