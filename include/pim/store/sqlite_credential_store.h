// The CredentialStore in its own SQLite file (`<data-dir>/credentials.db`, created 0600): one
// table of (kind, key, owner, value) rows. Separate from pim.db so that a copy of the
// directory database (for support, for an audit) never carries password hashes or TOTP keys.
#pragma once

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "pim/accounts/credential_store.h"

namespace pim {

namespace sqlite {
class Connection;
}  // namespace sqlite

class SqliteCredentialStore final : public accounts::CredentialStore {
 public:
  // Opens or creates `path` (":memory:" for a private in-memory database, as tests use).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<SqliteCredentialStore>> Open(
      const std::string& path);
  ~SqliteCredentialStore() override;

  absl::StatusOr<std::optional<std::string>> Get(std::string_view kind,
                                                 std::string_view key) override;
  absl::Status Put(std::string_view kind, std::string_view key, std::string_view owner,
                   std::string_view value) override;
  absl::StatusOr<bool> Replace(std::string_view kind, std::string_view key,
                               std::string_view expected, std::string_view value) override;
  absl::Status Delete(std::string_view kind, std::string_view key) override;
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> List(
      std::string_view kind, std::string_view owner) override;
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ListKind(
      std::string_view kind) override;
  absl::Status ForgetOwner(std::string_view owner) override;

 private:
  explicit SqliteCredentialStore(std::unique_ptr<sqlite::Connection> db);

  absl::Mutex mu_;
  std::unique_ptr<sqlite::Connection> db_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pim
