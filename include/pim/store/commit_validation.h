// The checks every Store backend makes before it applies a Commit(), so that all backends
// refuse the same batches with the same codes and nothing is half-applied.
#pragma once

#include <span>

#include "absl/status/status.h"
#include "pim/domain/change.h"

namespace pim {

// Checks `records` against the last committed revision `last`:
//  - FailedPrecondition when a revision is not greater than `last` or than the revision of
//    the record before it;
//  - InvalidArgument when a mutation has an unknown kind or an empty key, when its `before` or
//    `after` entity is not of the mutation's kind, or when `after`'s KeyOf() differs from the
//    mutation's key (the store files the entity under (kind, key); a mismatch would file it
//    where no reader finds it).
// OK otherwise. Pure: touches nothing.
[[nodiscard]] absl::Status ValidateCommit(std::span<const ChangeRecord> records, Revision last);

}  // namespace pim
