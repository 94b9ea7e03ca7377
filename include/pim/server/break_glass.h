// The first start's Global Administrator: a break-glass account created once per data
// directory, with a permanent active Global Administrator assignment and a random password
// written to a 0600 file. Its first sign-in must change the password and enrol TOTP.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "pim/accounts/account_service.h"
#include "pim/accounts/credential_store.h"
#include "pim/engine/engine.h"

namespace pim::server {

inline constexpr char kBreakGlassId[] = "b0000000-0000-4000-8000-0000000000b1";
inline constexpr char kBreakGlassUserName[] = "break-glass@pim.local";

struct BreakGlassAccount {
  std::string user_name;
  std::string credentials_file;  // where the initial password was written
};

// Creates the account when this data directory has never had one (recorded in `credentials`);
// returns it then, nullopt when it already existed. Safe to re-run after a crash part-way: the
// account, its assignment and the file are made idempotently, the record last.
[[nodiscard]] absl::StatusOr<std::optional<BreakGlassAccount>> EnsureBreakGlassAccount(
    Engine& engine, accounts::AccountService& accounts, accounts::CredentialStore& credentials,
    const std::string& data_dir);

}  // namespace pim::server
