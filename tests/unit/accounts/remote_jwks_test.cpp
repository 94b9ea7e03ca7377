// RemoteJwks against a fake identity provider and a manual clock: when keys are fetched, kept,
// refreshed and retried. The refresher thread is driven by Wake() and awaited, never slept on.
#include "pim/accounts/remote_jwks.h"

#include <gtest/gtest.h>

#include <memory>
#include <thread>
#include <vector>

#include "pim/engine/manual_clock.h"
#include "pim/identity/signing_key.h"
#include "unit/accounts/fake_jwks_fetcher.h"
#include "unit/engine/engine_fixture.h"

namespace pim::testing {
namespace {

using accounts::JwksFetchOutcome;
using accounts::JwksFetchReason;
using accounts::RemoteJwks;

constexpr char kUrl[] = "https://idp.example/keys";

class RemoteJwksTest : public ::testing::Test {
 protected:
  RemoteJwksTest() {
    accounts::RemoteJwksOptions options;
    options.on_fetch = [this](const JwksFetchOutcome& o) { outcomes_.push_back(o); };
    jwks_ = std::make_unique<RemoteJwks>("https://idp.example", kUrl,
                                         std::make_unique<FakeJwksFetcher>(idp_), clock_, options);
  }

  // The kids of the keys held now.
  std::vector<std::string> Kids() const {
    std::vector<std::string> kids;
    for (const auto& k : *jwks_->keys()) kids.push_back(k.kid());
    return kids;
  }

  ManualClock clock_{T0()};
  FakeIdp idp_;
  identity::SigningKey key1_ = identity::SigningKey::Generate();
  identity::SigningKey key2_ = identity::SigningKey::Generate();
  std::vector<JwksFetchOutcome> outcomes_;
  std::unique_ptr<RemoteJwks> jwks_;
};

TEST_F(RemoteJwksTest, FetchesWhenFirstDueAndServesTheKeys) {
  idp_.Serve({&key1_});
  EXPECT_TRUE(jwks_->keys()->empty());
  EXPECT_EQ(jwks_->next_refresh(), clock_.Now());
  EXPECT_EQ(idp_.fetches(), 0);  // nothing happens at construction

  EXPECT_TRUE(jwks_->RefreshIfDue());
  EXPECT_EQ(Kids(), std::vector<std::string>{key1_.kid()});
  EXPECT_EQ(idp_.urls(), std::vector<std::string>{kUrl});
  EXPECT_FALSE(jwks_->RefreshIfDue());  // fresh for an hour (no Cache-Control)
  EXPECT_EQ(idp_.fetches(), 1);
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_TRUE(outcomes_[0].status.ok());
  EXPECT_EQ(outcomes_[0].reason, JwksFetchReason::kScheduled);
  EXPECT_EQ(outcomes_[0].keys, 1u);
  EXPECT_EQ(outcomes_[0].next_refresh, T0() + absl::Hours(1));
}

TEST_F(RemoteJwksTest, MaxAgeDecidesTheNextRefreshClampedToFiveMinutesAndOneDay) {
  idp_.Serve({&key1_}, absl::Minutes(10));
  ASSERT_TRUE(jwks_->RefreshIfDue());
  EXPECT_EQ(jwks_->next_refresh(), clock_.Now() + absl::Minutes(10));
  clock_.Advance(absl::Minutes(10) - absl::Seconds(1));
  EXPECT_FALSE(jwks_->RefreshIfDue());
  clock_.Advance(absl::Seconds(1));
  idp_.Serve({&key2_}, absl::Seconds(1));  // too short: 5 min
  EXPECT_TRUE(jwks_->RefreshIfDue());
  EXPECT_EQ(Kids(), std::vector<std::string>{key2_.kid()});  // the rotated-out key is gone
  EXPECT_EQ(jwks_->next_refresh(), clock_.Now() + absl::Minutes(5));

  clock_.Advance(absl::Minutes(5));
  idp_.Serve({&key2_}, absl::ZeroDuration());  // no-store / no-cache: 5 min
  EXPECT_TRUE(jwks_->RefreshIfDue());
  EXPECT_EQ(jwks_->next_refresh(), clock_.Now() + absl::Minutes(5));

  clock_.Advance(absl::Minutes(5));
  idp_.Serve({&key2_}, absl::Hours(24 * 30));  // too long: a day
  EXPECT_TRUE(jwks_->RefreshIfDue());
  EXPECT_EQ(jwks_->next_refresh(), clock_.Now() + absl::Hours(24));
  clock_.Advance(absl::Hours(23));
  EXPECT_FALSE(jwks_->RefreshIfDue());
  EXPECT_EQ(idp_.fetches(), 4);
}

TEST_F(RemoteJwksTest, AnUnknownKeyFetchesAtOnceButAtMostEveryThirtySeconds) {
  idp_.Serve({&key1_});
  ASSERT_TRUE(jwks_->RefreshIfDue());
  idp_.Serve({&key1_, &key2_});  // the provider rotates

  clock_.Advance(absl::Seconds(29));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(jwks_->RefreshForUnknownKey()->size(), 1u);
  EXPECT_EQ(idp_.fetches(), 1);  // within 30 s of the last fetch: none

  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(jwks_->RefreshForUnknownKey()->size(), 2u);
  EXPECT_EQ(idp_.fetches(), 2);
  EXPECT_EQ(outcomes_.back().reason, JwksFetchReason::kUnknownKey);
  for (int i = 0; i < 100; ++i) {
    clock_.Advance(absl::Milliseconds(290));  // 29 s in all
    (void)jwks_->RefreshForUnknownKey();
  }
  EXPECT_EQ(idp_.fetches(), 2);
  clock_.Advance(absl::Seconds(1));
  (void)jwks_->RefreshForUnknownKey();
  EXPECT_EQ(idp_.fetches(), 3);
}

TEST_F(RemoteJwksTest, AFailedRefreshKeepsTheLastGoodKeysAndRetriesWithBackoff) {
  idp_.Serve({&key1_}, absl::Minutes(5));
  ASSERT_TRUE(jwks_->RefreshIfDue());
  idp_.Fail(absl::UnavailableError("connection refused"));
  clock_.Advance(absl::Minutes(5));

  // Retries after 30 s, 1, 2, 4 min, then every 5 min; the old key stays all along.
  for (const absl::Duration retry : {absl::Seconds(30), absl::Minutes(1), absl::Minutes(2),
                                     absl::Minutes(4), absl::Minutes(5), absl::Minutes(5)}) {
    EXPECT_TRUE(jwks_->RefreshIfDue());
    EXPECT_EQ(jwks_->next_refresh(), clock_.Now() + retry);
    EXPECT_EQ(Kids(), std::vector<std::string>{key1_.kid()});
    EXPECT_EQ(outcomes_.back().status.code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ(outcomes_.back().keys, 1u);
    clock_.Advance(retry - absl::Seconds(1));
    EXPECT_FALSE(jwks_->RefreshIfDue());
    clock_.Advance(absl::Seconds(1));
  }
  idp_.Serve({&key2_}, absl::Hours(2));
  EXPECT_TRUE(jwks_->RefreshIfDue());
  EXPECT_EQ(Kids(), std::vector<std::string>{key2_.kid()});
  EXPECT_EQ(jwks_->next_refresh(), clock_.Now() + absl::Hours(2));
  idp_.Fail(absl::UnavailableError("down again"));
  clock_.Advance(absl::Hours(2));
  EXPECT_TRUE(jwks_->RefreshIfDue());
  EXPECT_EQ(jwks_->next_refresh(), clock_.Now() + absl::Seconds(30));  // the backoff restarts
}

TEST_F(RemoteJwksTest, ADocumentWithoutUsableKeysIsAFailure) {
  idp_.Serve({&key1_});
  ASSERT_TRUE(jwks_->RefreshIfDue());
  clock_.Advance(absl::Hours(1));
  idp_.ServeDocument(R"({"keys":[{"kty":"oct","k":"c2VjcmV0"}]})");  // an HMAC key: never
  EXPECT_TRUE(jwks_->RefreshIfDue());
  EXPECT_EQ(Kids(), std::vector<std::string>{key1_.kid()});
  EXPECT_EQ(outcomes_.back().status.code(), absl::StatusCode::kInvalidArgument);
  clock_.Advance(absl::Seconds(30));
  idp_.ServeDocument("<html>not json</html>");
  EXPECT_TRUE(jwks_->RefreshIfDue());
  EXPECT_EQ(Kids(), std::vector<std::string>{key1_.kid()});
  EXPECT_EQ(outcomes_.back().status.code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RemoteJwksTest, AFailureAtStartLeavesNoKeysUntilAFetchSucceeds) {
  idp_.Fail(absl::UnavailableError("connection refused"));
  EXPECT_TRUE(jwks_->RefreshIfDue());
  EXPECT_TRUE(jwks_->keys()->empty());
  EXPECT_EQ(outcomes_.back().keys, 0u);
  idp_.Serve({&key1_});
  EXPECT_TRUE(jwks_->RefreshForUnknownKey()->empty());  // rate-limited: 30 s since the failure
  clock_.Advance(absl::Seconds(30));
  EXPECT_EQ(jwks_->RefreshForUnknownKey()->size(), 1u);
  EXPECT_EQ(idp_.fetches(), 2);
}

TEST_F(RemoteJwksTest, AFetchUnderWayHoldsNoLockAndIsNeverDoubled) {
  idp_.Serve({&key1_});
  ASSERT_TRUE(jwks_->RefreshIfDue());
  clock_.Advance(absl::Hours(1));
  idp_.Serve({&key2_});
  size_t seen = 0;
  size_t after_unknown = 0;
  bool refreshed = true;
  bool fetching = false;
  idp_.DuringFetch([&] {
    // Another thread, while the fetch is under way: reads the old keys at once, and neither an
    // unknown key nor the schedule starts a second fetch. A held lock would hang here.
    std::thread other([&] {
      seen = jwks_->keys()->size();
      after_unknown = jwks_->RefreshForUnknownKey()->size();
      refreshed = jwks_->RefreshIfDue();
      fetching = jwks_->fetching();
    });
    other.join();
  });
  EXPECT_TRUE(jwks_->RefreshIfDue());
  EXPECT_EQ(seen, 1u);
  EXPECT_EQ(after_unknown, 1u);
  EXPECT_FALSE(refreshed);
  EXPECT_TRUE(fetching);
  EXPECT_EQ(idp_.fetches(), 2);
  EXPECT_FALSE(jwks_->fetching());
  EXPECT_EQ(Kids(), std::vector<std::string>{key2_.kid()});
}

TEST_F(RemoteJwksTest, RefresherThreadFetchesAtOnceThenWhenDue) {
  // Counts installed fetches (on_fetch runs after the keys are in place) for the test to await.
  absl::Mutex mu;
  int installed = 0;
  auto await_installed = [&](int n) {
    absl::MutexLock lock(&mu);
    auto reached = [&]() { return installed >= n; };
    return mu.AwaitWithTimeout(absl::Condition(&reached), absl::Seconds(30));
  };
  accounts::RemoteJwksOptions options;
  options.on_fetch = [&](const JwksFetchOutcome&) {
    absl::MutexLock lock(&mu);
    ++installed;
  };
  RemoteJwks jwks("https://idp.example", kUrl, std::make_unique<FakeJwksFetcher>(idp_), clock_,
                  options);
  idp_.Serve({&key1_}, absl::Minutes(10));
  accounts::RemoteJwksRefresher refresher({&jwks}, clock_);
  ASSERT_TRUE(await_installed(1));
  EXPECT_EQ(jwks.keys()->at(0).kid(), key1_.kid());
  EXPECT_EQ(jwks.next_refresh(), clock_.Now() + absl::Minutes(10));

  idp_.Serve({&key2_}, absl::Minutes(10));
  clock_.Advance(absl::Minutes(10));
  refresher.Wake();  // as pimd's test clock does on every move
  ASSERT_TRUE(await_installed(2));
  EXPECT_EQ(jwks.keys()->at(0).kid(), key2_.kid());
  EXPECT_EQ(jwks.next_refresh(), clock_.Now() + absl::Minutes(10));
  EXPECT_EQ(idp_.fetches(), 2);
}

}  // namespace
}  // namespace pim::testing
