#include "pim/store/commit_validation.h"

#include "absl/strings/str_cat.h"

namespace pim {
namespace {

absl::Status ValidateMutation(const Mutation& m) {
  if (kEntityKindNames.Name(m.kind).empty()) {
    return absl::InvalidArgumentError("mutation has an unknown entity kind");
  }
  if (m.key.empty()) return absl::InvalidArgumentError("mutation has an empty key");
  const std::string kind(kEntityKindNames.Name(m.kind));
  if (m.before && KindOf(*m.before) != m.kind) {
    return absl::InvalidArgumentError(absl::StrCat(kind, " mutation: before is of another kind"));
  }
  if (m.after) {
    if (KindOf(*m.after) != m.kind) {
      return absl::InvalidArgumentError(absl::StrCat(kind, " mutation: after is of another kind"));
    }
    if (KeyOf(*m.after) != m.key) {
      return absl::InvalidArgumentError(
          absl::StrCat(kind, " mutation: key differs from the entity's key"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateCommit(std::span<const ChangeRecord> records, Revision last) {
  for (const ChangeRecord& record : records) {
    if (record.revision <= last) {
      return absl::FailedPreconditionError(absl::StrCat(
          "revision ", record.revision, " is not greater than the previous revision ", last));
    }
    last = record.revision;
    for (const Mutation& m : record.mutations) {
      if (absl::Status status = ValidateMutation(m); !status.ok()) return status;
    }
  }
  return absl::OkStatus();
}

}  // namespace pim
