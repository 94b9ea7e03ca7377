// Where the accounts layer keeps secrets-at-rest: password hashes, TOTP keys, recovery-code
// hashes, client-secret hashes, refresh-token hashes and sign-in failure counters. Kept apart
// from the engine's store on purpose: credentials are not directory state, never enter the
// change log, and are wiped (not tombstoned) when their principal is deleted.
//
// A small typed key-value interface: each record is an opaque text value under (kind, key),
// tagged with the principal that owns it so that ForgetOwner() can erase everything of one
// principal. Values are encoded by the accounts layer. Implementations are thread-safe and
// make each call atomic.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace pim::accounts {

class CredentialStore {
 public:
  virtual ~CredentialStore() = default;

  // The value stored under (kind, key), or nullopt.
  [[nodiscard]] virtual absl::StatusOr<std::optional<std::string>> Get(std::string_view kind,
                                                                       std::string_view key) = 0;
  // Inserts or replaces the value under (kind, key), owned by `owner`.
  [[nodiscard]] virtual absl::Status Put(std::string_view kind, std::string_view key,
                                         std::string_view owner, std::string_view value) = 0;
  // Replaces the value only if it still equals `expected`; false when it did not (another
  // request got there first, or the record is gone). The primitive behind single-use secrets.
  [[nodiscard]] virtual absl::StatusOr<bool> Replace(std::string_view kind, std::string_view key,
                                                     std::string_view expected,
                                                     std::string_view value) = 0;
  // Removes (kind, key); OK when absent.
  [[nodiscard]] virtual absl::Status Delete(std::string_view kind, std::string_view key) = 0;
  // Every (key, value) of `kind` owned by `owner`, in key order.
  [[nodiscard]] virtual absl::StatusOr<std::vector<std::pair<std::string, std::string>>> List(
      std::string_view kind, std::string_view owner) = 0;
  // Every (key, value) of `kind`, whoever owns it, in key order: for migrations.
  [[nodiscard]] virtual absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ListKind(
      std::string_view kind) = 0;
  // Erases every record of every kind owned by `owner`.
  [[nodiscard]] virtual absl::Status ForgetOwner(std::string_view owner) = 0;
};

}  // namespace pim::accounts
