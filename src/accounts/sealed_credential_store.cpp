#include "pim/accounts/sealed_credential_store.h"

#include <algorithm>

#include "pim/domain/status.h"
#include "pim/identity/secure_random.h"

namespace pim::accounts {
namespace {

constexpr std::string_view kCheckKey = "key";
constexpr std::string_view kCheckText = "pim credentials sealed with this key";

// What a value of (kind, key) is sealed for.
std::string Context(std::string_view kind, std::string_view key) {
  std::string context(kind);
  context += '\n';
  context += key;
  return context;
}

}  // namespace

SealedCredentialStore::SealedCredentialStore(CredentialStore& inner, const identity::SecretBox& box,
                                             std::vector<std::string> sealed_kinds)
    : inner_(inner), box_(box), sealed_kinds_(std::move(sealed_kinds)) {}

bool SealedCredentialStore::Seals(std::string_view kind) const {
  return kind == kCheckKind ||
         std::find(sealed_kinds_.begin(), sealed_kinds_.end(), kind) != sealed_kinds_.end();
}

std::string SealedCredentialStore::Stored(std::string_view kind, std::string_view key,
                                          std::string_view value) const {
  return Seals(kind) ? box_.Seal(value, Context(kind, key)) : std::string(value);
}

absl::StatusOr<std::string> SealedCredentialStore::Given(std::string_view kind,
                                                         std::string_view key,
                                                         std::string_view stored) const {
  if (!Seals(kind)) return std::string(stored);
  auto opened = box_.Open(stored, Context(kind, key));
  if (!opened.ok()) {
    return absl::DataLossError("the " + std::string(kind) + " credential of " + std::string(key) +
                               " does not open with the secrets key");
  }
  return opened;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> SealedCredentialStore::Opened(
    std::string_view kind, std::vector<std::pair<std::string, std::string>> rows) const {
  for (auto& [key, value] : rows) {
    PIM_ASSIGN_OR_RETURN(value, Given(kind, key, value));
  }
  return rows;
}

absl::StatusOr<bool> SealedCredentialStore::HasBeenSealed(CredentialStore& inner) {
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> check, inner.Get(kCheckKind, kCheckKey));
  return check.has_value();
}

absl::Status SealedCredentialStore::Prepare() {
  const std::string check_context = Context(kCheckKind, kCheckKey);
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> check, inner_.Get(kCheckKind, kCheckKey));
  bool check_stale = !check.has_value();
  if (check) {
    const auto opened = box_.Open(*check, check_context, &check_stale);
    if (!opened.ok() || !identity::ConstantTimeEquals(*opened, kCheckText)) {
      return absl::FailedPreconditionError(
          "the secrets key is not the one the credentials database was sealed with; start "
          "with that key (--secrets-key-file)");
    }
  }
  // A check value sealed with the key, and no previous key: every value was sealed with it when
  // that check value was written (it is written last), so there is nothing to read through.
  if (!check_stale && !box_.has_previous()) return absl::OkStatus();
  // Values written before sealing was on, or sealed with the previous key: sealed (again) with
  // the key. Replace, not Put: one changed meanwhile (through this store, so sealed) stays. A
  // value that opens with neither key is left for reads to refuse.
  for (const std::string& kind : sealed_kinds_) {
    PIM_ASSIGN_OR_RETURN(auto rows, inner_.ListKind(kind));
    for (const auto& [key, value] : rows) {
      std::string plain = value;
      if (identity::SecretBox::IsSealed(value)) {
        bool stale = false;
        auto opened = box_.Open(value, Context(kind, key), &stale);
        if (!opened.ok() || !stale) continue;
        plain = *std::move(opened);
      }
      PIM_RETURN_IF_ERROR(inner_.Replace(kind, key, value, Stored(kind, key, plain)).status());
    }
  }
  // Last, so that a start cut short here still finds the previous key's check value.
  if (check_stale) {
    PIM_RETURN_IF_ERROR(
        inner_.Put(kCheckKind, kCheckKey, "", box_.Seal(kCheckText, check_context)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> SealedCredentialStore::Get(std::string_view kind,
                                                                      std::string_view key) {
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> stored, inner_.Get(kind, key));
  if (!stored) return std::optional<std::string>();
  PIM_ASSIGN_OR_RETURN(std::string value, Given(kind, key, *stored));
  return std::optional<std::string>(std::move(value));
}

absl::Status SealedCredentialStore::Put(std::string_view kind, std::string_view key,
                                        std::string_view owner, std::string_view value) {
  return inner_.Put(kind, key, owner, Stored(kind, key, value));
}

absl::StatusOr<bool> SealedCredentialStore::Replace(std::string_view kind, std::string_view key,
                                                    std::string_view expected,
                                                    std::string_view value) {
  if (!Seals(kind)) return inner_.Replace(kind, key, expected, value);
  // Sealing is randomised, so compare the opened value, then swap on the sealed one read: the
  // wrapped store's compare-and-swap still refuses when another writer got there first.
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> stored, inner_.Get(kind, key));
  if (!stored) return false;
  PIM_ASSIGN_OR_RETURN(std::string current, Given(kind, key, *stored));
  if (!identity::ConstantTimeEquals(current, expected)) return false;
  return inner_.Replace(kind, key, *stored, Stored(kind, key, value));
}

absl::Status SealedCredentialStore::Delete(std::string_view kind, std::string_view key) {
  return inner_.Delete(kind, key);
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> SealedCredentialStore::List(
    std::string_view kind, std::string_view owner) {
  PIM_ASSIGN_OR_RETURN(auto rows, inner_.List(kind, owner));
  return Opened(kind, std::move(rows));
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> SealedCredentialStore::ListKind(
    std::string_view kind) {
  PIM_ASSIGN_OR_RETURN(auto rows, inner_.ListKind(kind));
  return Opened(kind, std::move(rows));
}

absl::Status SealedCredentialStore::ForgetOwner(std::string_view owner) {
  return inner_.ForgetOwner(owner);
}

}  // namespace pim::accounts
