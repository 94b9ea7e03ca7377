#include "pim/store/sqlite_checkpoint_store.h"

#include <utility>

#include "pim/domain/status.h"
#include "pim/store/entity_codec.h"
#include "store/sqlite/sqlite_connection.h"

namespace pim {
namespace {

constexpr std::string_view kCheckpointSchemaSql =
    "CREATE TABLE IF NOT EXISTS checkpoints (seq INTEGER PRIMARY KEY, hash TEXT NOT NULL,"
    " at_ns INTEGER NOT NULL, key_id TEXT NOT NULL, signature TEXT NOT NULL) STRICT;";
constexpr std::string_view kPutCheckpointSql =
    "INSERT INTO checkpoints (seq, hash, at_ns, key_id, signature) VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT (seq) DO UPDATE SET hash = excluded.hash, at_ns = excluded.at_ns, "
    "key_id = excluded.key_id, signature = excluded.signature";
constexpr std::string_view kListCheckpointsSql =
    "SELECT seq, hash, at_ns, key_id, signature FROM checkpoints WHERE seq >= ?1 ORDER BY seq";
constexpr std::string_view kDeleteBeforeSql = "DELETE FROM checkpoints WHERE seq < ?1";

}  // namespace

SqliteCheckpointStore::SqliteCheckpointStore(std::unique_ptr<sqlite::Connection> db)
    : db_(std::move(db)) {}

SqliteCheckpointStore::~SqliteCheckpointStore() = default;

absl::StatusOr<std::unique_ptr<SqliteCheckpointStore>> SqliteCheckpointStore::Open(
    const std::string& path) {
  PIM_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::Connection> db,
                       sqlite::OpenPrivateDatabase(path, "audit checkpoint store"));
  PIM_RETURN_IF_ERROR(db->Exec(kCheckpointSchemaSql, "create audit checkpoint tables"));
  return std::unique_ptr<SqliteCheckpointStore>(new SqliteCheckpointStore(std::move(db)));
}

absl::Status SqliteCheckpointStore::Put(const audit::Checkpoint& c) {
  absl::MutexLock lock(&mu_);
  PIM_ASSIGN_OR_RETURN(sqlite::Statement put,
                       db_->Prepare(kPutCheckpointSql, "store audit checkpoint"));
  put.BindInt64(1, c.seq);
  put.BindText(2, c.hash);
  put.BindInt64(3, EncodeTime(c.at));
  put.BindText(4, c.key_id);
  put.BindText(5, c.signature);
  return put.Run();
}

absl::StatusOr<std::vector<audit::Checkpoint>> SqliteCheckpointStore::List(std::int64_t from) {
  absl::MutexLock lock(&mu_);
  PIM_ASSIGN_OR_RETURN(sqlite::Statement list,
                       db_->Prepare(kListCheckpointsSql, "list audit checkpoints"));
  list.BindInt64(1, from);
  std::vector<audit::Checkpoint> out;
  while (true) {
    PIM_ASSIGN_OR_RETURN(const bool row, list.Step());
    if (!row) break;
    audit::Checkpoint c;
    c.seq = list.ColumnInt64(0);
    c.hash = std::string(list.ColumnText(1));
    c.at = DecodeTime(list.ColumnInt64(2));
    c.key_id = std::string(list.ColumnText(3));
    c.signature = std::string(list.ColumnText(4));
    out.push_back(std::move(c));
  }
  return out;
}

absl::Status SqliteCheckpointStore::DeleteBefore(std::int64_t seq) {
  absl::MutexLock lock(&mu_);
  PIM_ASSIGN_OR_RETURN(sqlite::Statement remove,
                       db_->Prepare(kDeleteBeforeSql, "delete audit checkpoints"));
  remove.BindInt64(1, seq);
  return remove.Run();
}

}  // namespace pim
