// What the authorization-code flow holds between requests, in memory (a restart only makes
// users sign in again): sign-in flows part-way through (password changed? TOTP enrolled?) and
// issued authorization codes waiting to be redeemed. Every entry is single-use and expires.
// Thread-safe; bounded in size.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "pim/accounts/account_service.h"

namespace pim::api::oidc {

// A validated /oauth2/authorize request.
struct AuthorizeRequest {
  std::string client_id;
  std::string redirect_uri;
  std::string code_challenge;  // S256
  std::string state;
  std::string scope;
  std::string nonce;
};

// A signed-in user on the way to a code: what is still owed before it is issued.
struct PendingSignIn {
  AuthorizeRequest request;
  accounts::SignInResult sign_in;
  std::optional<accounts::TotpEnrolment> enrolment;  // shown again if a code is mistyped
  absl::Time expires;
  std::string next_step;  // the only form step this flow's handle is good for
};

class PendingSignIns {
 public:
  // Stores `entry` under a fresh random handle and returns it; `now` lets it drop what expired.
  [[nodiscard]] std::string PutFlow(PendingSignIn entry, absl::Time now);
  [[nodiscard]] std::string PutCode(PendingSignIn entry, absl::Time now);
  // Removes and returns the entry, when it exists and has not expired at `now`.
  [[nodiscard]] std::optional<PendingSignIn> TakeFlow(std::string_view handle, absl::Time now);
  [[nodiscard]] std::optional<PendingSignIn> TakeCode(std::string_view code, absl::Time now);

 private:
  using Map = absl::flat_hash_map<std::string, PendingSignIn>;
  std::string Put(Map& map, PendingSignIn&& entry, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::optional<PendingSignIn> Take(Map& map, std::string_view key, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  Map flows_ ABSL_GUARDED_BY(mu_);
  Map codes_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pim::api::oidc
