#include "store/sqlite/schedule_row.h"

#include <limits>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "pim/store/entity_codec.h"

namespace pim::sqlite {
namespace {

// Column order for both statements; ?N binds column N-1 of this list.
//  1 key                 2 kind               3 principal_id      4 target_kind
//  5 object_id           6 access             7 scope             8 assignment_type
//  9 start_ns           10 expiration_type   11 expiration_end_ns 12 expiration_duration_ns
// 13 end_ns (derived)   14 state             15 created_using     16 activated_using
// 17 created_ns         18 modified_ns       19 expiry_notices_sent

template <typename Enum, std::size_t N>
std::optional<Enum> ExactEnum(const EnumTable<Enum, N>& table, std::string_view text) {
  for (const auto& [value, name] : table.entries) {
    if (text == name) return value;
  }
  return std::nullopt;
}

void BindOptionalInt64(Statement& stmt, int index, std::optional<std::int64_t> value) {
  if (value) {
    stmt.BindInt64(index, *value);
  } else {
    stmt.BindNull(index);
  }
}

}  // namespace

const std::string_view kUpsertScheduleSql =
    "INSERT INTO schedules (key, kind, principal_id, target_kind, object_id, access, scope, "
    "assignment_type, start_ns, expiration_type, expiration_end_ns, expiration_duration_ns, "
    "end_ns, state, created_using, activated_using, created_ns, modified_ns, "
    "expiry_notices_sent) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
    "?15, ?16, ?17, ?18, ?19) ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, "
    "principal_id = excluded.principal_id, target_kind = excluded.target_kind, object_id = "
    "excluded.object_id, access = excluded.access, scope = excluded.scope, assignment_type = "
    "excluded.assignment_type, start_ns = excluded.start_ns, expiration_type = "
    "excluded.expiration_type, expiration_end_ns = excluded.expiration_end_ns, "
    "expiration_duration_ns = excluded.expiration_duration_ns, end_ns = excluded.end_ns, state "
    "= excluded.state, created_using = excluded.created_using, activated_using = "
    "excluded.activated_using, created_ns = excluded.created_ns, modified_ns = "
    "excluded.modified_ns, expiry_notices_sent = excluded.expiry_notices_sent";

const std::string_view kSelectSchedulesSql =
    "SELECT key, kind, principal_id, target_kind, object_id, access, scope, assignment_type, "
    "start_ns, expiration_type, expiration_end_ns, expiration_duration_ns, end_ns, state, "
    "created_using, activated_using, created_ns, modified_ns, expiry_notices_sent FROM "
    "schedules WHERE rowid > ?1 AND rowid <= ?2";

void BindScheduleRow(Statement& upsert, const Schedule& s) {
  const auto encode_time = [](std::optional<absl::Time> t) -> std::optional<std::int64_t> {
    if (!t) return std::nullopt;
    return EncodeTime(*t);
  };
  upsert.BindText(1, s.id.str());
  upsert.BindText(2, kScheduleKindNames.Name(s.kind));
  upsert.BindText(3, s.principal.str());
  upsert.BindText(4, kTargetKindNames.Name(s.target.kind));
  upsert.BindText(5, s.target.object_id);
  upsert.BindText(6, kGroupAccessNames.Name(s.target.access));
  upsert.BindText(7, s.target.scope);
  upsert.BindText(8, kAssignmentTypeNames.Name(s.assignment_type));
  upsert.BindInt64(9, EncodeTime(s.start));
  upsert.BindText(10, kExpirationTypeNames.Name(s.expiration.type));
  BindOptionalInt64(upsert, 11, encode_time(s.expiration.end));
  BindOptionalInt64(upsert, 12,
                    s.expiration.duration
                        ? std::optional<std::int64_t>(EncodeDuration(*s.expiration.duration))
                        : std::nullopt);
  BindOptionalInt64(upsert, 13, encode_time(s.End()));
  upsert.BindText(14, kScheduleStateNames.Name(s.state));
  upsert.BindText(15, s.created_using.str());
  if (s.activated_using) {
    upsert.BindText(16, s.activated_using->str());
  } else {
    upsert.BindNull(16);
  }
  upsert.BindInt64(17, EncodeTime(s.created));
  upsert.BindInt64(18, EncodeTime(s.modified));
  upsert.BindInt64(19, s.expiry_notices_sent);
}

absl::StatusOr<Schedule> ReadScheduleRow(const Statement& row) {
  const char* bad_column = nullptr;
  // Ids are packed straight from the column's text (no temporary string); the target's object
  // id and scope are strings of their own.
  const auto text = [&](int column) { return row.ColumnText(column); };
  const auto enumerator = [&](const auto& table, int column, const char* name) {
    auto value = ExactEnum(table, row.ColumnText(column));
    if (!value) {
      bad_column = name;
      return table.entries[0].first;
    }
    return *value;
  };
  const auto optional_int64 = [&](int column) -> std::optional<std::int64_t> {
    if (row.ColumnIsNull(column)) return std::nullopt;
    return row.ColumnInt64(column);
  };

  Schedule s;
  s.id = ScheduleId(text(0));
  s.kind = enumerator(kScheduleKindNames, 1, "kind");
  s.principal = PrincipalId(text(2));
  s.target.kind = enumerator(kTargetKindNames, 3, "target_kind");
  s.target.object_id = std::string(text(4));
  s.target.access = enumerator(kGroupAccessNames, 5, "access");
  s.target.scope = std::string(text(6));
  s.assignment_type = enumerator(kAssignmentTypeNames, 7, "assignment_type");
  s.start = DecodeTime(row.ColumnInt64(8));
  s.expiration.type = enumerator(kExpirationTypeNames, 9, "expiration_type");
  if (auto end = optional_int64(10)) s.expiration.end = DecodeTime(*end);
  if (auto duration = optional_int64(11)) s.expiration.duration = DecodeDuration(*duration);
  // Column 12 (end_ns) is derived from the above; it exists for the index only.
  s.state = enumerator(kScheduleStateNames, 13, "state");
  s.created_using = RequestId(text(14));
  if (!row.ColumnIsNull(15)) s.activated_using = ScheduleId(text(15));
  s.created = DecodeTime(row.ColumnInt64(16));
  s.modified = DecodeTime(row.ColumnInt64(17));
  const std::int64_t notices = row.ColumnInt64(18);
  if (notices < 0 || notices > std::numeric_limits<int>::max()) bad_column = "expiry_notices_sent";
  s.expiry_notices_sent = static_cast<int>(notices);
  if (bad_column != nullptr) {
    return absl::DataLossError(absl::StrCat("stored schedule column ", bad_column, " is invalid"));
  }
  return s;
}

}  // namespace pim::sqlite
