// The storage encoding of entities and change records: compact JSON written by the store
// backends into their `body` columns. This is a storage format, not the public wire format:
// field names are fixed here, enums are spelled as their domain table names (`kRoleKindNames`
// ...), times are int64 nanoseconds since the Unix epoch and durations int64 nanoseconds, so
// every value round-trips exactly. absl::InfiniteFuture()/InfinitePast() and
// absl::InfiniteDuration() map to INT64_MAX/INT64_MIN and back; finite times beyond the int64
// nanosecond range (years before 1677 or after 2262) saturate to those.
//
// Decoding is total: any input yields a value or an error status, never an exception or a
// crash. Unknown fields are ignored (a newer writer may add some); every field this code knows
// must be present with the right type, except optional ones, which may be absent or null.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "pim/domain/change.h"

namespace pim {

// Encodes `entity` as one compact JSON object. The entity's kind is not part of the encoding:
// the caller stores it alongside (table, mutation kind).
[[nodiscard]] std::string EncodeEntity(const Entity& entity);

// Decodes an entity of `kind` from EncodeEntity()'s output. On success the variant holds the
// alternative for `kind`. DataLoss when `json` is not valid JSON, is not an object, or a known
// field is missing, has the wrong type, is out of range, or names an unknown enum value; the
// message names the field, never a stored value. InvalidArgument when `kind` is not a valid
// EntityKind. ResourceExhausted when memory runs out while decoding.
[[nodiscard]] absl::StatusOr<Entity> DecodeEntity(EntityKind kind, std::string_view json);

// Encodes a change record, its mutations and their before/after entities as one compact JSON
// object. Each before/after entity is encoded according to its own alternative; a record is
// only decodable again when those agree with the mutation's `kind` (the stores check this in
// Commit, see ValidateCommit()).
[[nodiscard]] std::string EncodeChangeRecord(const ChangeRecord& record);

// Decodes EncodeChangeRecord()'s output; before/after entities are decoded as the mutation's
// kind. DataLoss on any malformed input, as for DecodeEntity().
[[nodiscard]] absl::StatusOr<ChangeRecord> DecodeChangeRecord(std::string_view json);

// The scalar encodings used above, for backends that store some fields in typed columns:
// nanoseconds since the Unix epoch / nanoseconds, infinities as INT64_MAX / INT64_MIN.
[[nodiscard]] std::int64_t EncodeTime(absl::Time t);
[[nodiscard]] absl::Time DecodeTime(std::int64_t unix_nanos);
[[nodiscard]] std::int64_t EncodeDuration(absl::Duration d);
[[nodiscard]] absl::Duration DecodeDuration(std::int64_t nanos);

}  // namespace pim
