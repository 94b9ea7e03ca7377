#include "pim/store/sqlite_delivery_store.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "pim/domain/status.h"
#include "store/sqlite/sqlite_connection.h"

namespace pim {
namespace {

constexpr std::string_view kDeliverySchemaSql =
    "CREATE TABLE IF NOT EXISTS cursors (channel TEXT PRIMARY KEY, revision INTEGER NOT NULL)"
    " WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " channel TEXT NOT NULL, key TEXT NOT NULL, recipient TEXT NOT NULL, body TEXT NOT NULL,"
    " attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX IF NOT EXISTS outbox_by_channel ON outbox (channel, seq);"
    "CREATE TABLE IF NOT EXISTS dead_letters (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " channel TEXT NOT NULL, key TEXT NOT NULL, recipient TEXT NOT NULL, body TEXT NOT NULL,"
    " attempts INTEGER NOT NULL, error TEXT NOT NULL, at_us INTEGER NOT NULL);";
constexpr std::string_view kCursorSql = "SELECT revision FROM cursors WHERE channel = ?1";
constexpr std::string_view kSetCursorSql =
    "INSERT INTO cursors (channel, revision) VALUES (?1, ?2) "
    "ON CONFLICT (channel) DO UPDATE SET revision = excluded.revision";
constexpr std::string_view kEnqueueSql =
    "INSERT INTO outbox (channel, key, recipient, body, attempts) VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr std::string_view kPendingSql =
    "SELECT seq, key, recipient, body, attempts, last_error FROM outbox WHERE channel = ?1 "
    "ORDER BY seq LIMIT ?2";
constexpr std::string_view kRowSql =
    "SELECT seq, key, recipient, body, attempts, last_error FROM outbox "
    "WHERE channel = ?1 AND seq = ?2";
constexpr std::string_view kDeleteOutboxSql = "DELETE FROM outbox WHERE channel = ?1 AND seq = ?2";
constexpr std::string_view kFailureSql =
    "UPDATE outbox SET attempts = attempts + 1, last_error = ?3 WHERE channel = ?1 AND seq = ?2";
constexpr std::string_view kBurySql =
    "INSERT INTO dead_letters (channel, key, recipient, body, attempts, error, at_us) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr std::string_view kDeadLettersSql =
    "SELECT id, channel, key, recipient, body, attempts, error, at_us FROM dead_letters "
    "ORDER BY id";
constexpr std::string_view kDeadLetterSql =
    "SELECT channel, key, recipient, body FROM dead_letters WHERE id = ?1";
constexpr std::string_view kForgetDeadLetterSql = "DELETE FROM dead_letters WHERE id = ?1";

absl::Status NoSuchMessage() {
  return absl::NotFoundError("notifications: no such message in the outbox");
}

}  // namespace

SqliteDeliveryStore::SqliteDeliveryStore(std::unique_ptr<sqlite::Connection> db)
    : db_(std::move(db)) {}

SqliteDeliveryStore::~SqliteDeliveryStore() = default;

absl::StatusOr<std::unique_ptr<SqliteDeliveryStore>> SqliteDeliveryStore::Open(
    const std::string& path) {
  PIM_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::Connection> db,
                       sqlite::OpenPrivateDatabase(path, "notification store"));
  PIM_RETURN_IF_ERROR(db->Exec(kDeliverySchemaSql, "create notification schema"));
  return std::unique_ptr<SqliteDeliveryStore>(new SqliteDeliveryStore(std::move(db)));
}

absl::Status SqliteDeliveryStore::InTransaction(const std::function<absl::Status()>& body) {
  PIM_RETURN_IF_ERROR(db_->Run("BEGIN IMMEDIATE", "begin"));
  absl::Status status = body();
  if (status.ok()) status = db_->Run("COMMIT", "commit");
  if (!status.ok() && !db_->InAutocommit()) (void)db_->Run("ROLLBACK", "roll back");
  return status;
}

absl::StatusOr<std::optional<Revision>> SqliteDeliveryStore::Cursor(const std::string& channel) {
  absl::MutexLock lock(&mu_);
  PIM_ASSIGN_OR_RETURN(sqlite::Statement get, db_->Prepare(kCursorSql, "read cursor"));
  get.BindText(1, channel);
  PIM_ASSIGN_OR_RETURN(bool row, get.Step());
  if (!row) return std::optional<Revision>();
  return std::optional<Revision>(get.ColumnInt64(0));
}

absl::Status SqliteDeliveryStore::Enqueue(const std::string& channel, Revision revision,
                                          const std::vector<notify::Outgoing>& messages) {
  absl::MutexLock lock(&mu_);
  return InTransaction([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> absl::Status {
    for (const notify::Outgoing& m : messages) {
      PIM_ASSIGN_OR_RETURN(sqlite::Statement put, db_->Prepare(kEnqueueSql, "enqueue message"));
      put.BindText(1, channel);
      put.BindText(2, m.key);
      put.BindText(3, m.recipient);
      put.BindText(4, m.body);
      put.BindInt64(5, 0);
      PIM_RETURN_IF_ERROR(put.Run());
    }
    PIM_ASSIGN_OR_RETURN(sqlite::Statement set, db_->Prepare(kSetCursorSql, "advance cursor"));
    set.BindText(1, channel);
    set.BindInt64(2, revision);
    return set.Run();
  });
}

absl::StatusOr<std::vector<notify::QueuedMessage>> SqliteDeliveryStore::Pending(
    const std::string& channel, std::size_t limit) {
  absl::MutexLock lock(&mu_);
  PIM_ASSIGN_OR_RETURN(sqlite::Statement pending, db_->Prepare(kPendingSql, "read outbox"));
  pending.BindText(1, channel);
  pending.BindInt64(2, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
  std::vector<notify::QueuedMessage> out;
  while (true) {
    PIM_ASSIGN_OR_RETURN(bool row, pending.Step());
    if (!row) return out;
    notify::QueuedMessage m;
    m.seq = pending.ColumnInt64(0);
    m.message.key = std::string(pending.ColumnText(1));
    m.message.recipient = std::string(pending.ColumnText(2));
    m.message.body = std::string(pending.ColumnText(3));
    m.attempts = static_cast<int>(pending.ColumnInt64(4));
    m.last_error = std::string(pending.ColumnText(5));
    out.push_back(std::move(m));
  }
}

absl::Status SqliteDeliveryStore::MarkSent(const std::string& channel, std::int64_t seq) {
  absl::MutexLock lock(&mu_);
  PIM_ASSIGN_OR_RETURN(sqlite::Statement del,
                       db_->Prepare(kDeleteOutboxSql, "remove sent message"));
  del.BindText(1, channel);
  del.BindInt64(2, seq);
  return del.Run();
}

absl::Status SqliteDeliveryStore::RecordFailure(const std::string& channel, std::int64_t seq,
                                                const std::string& error) {
  absl::MutexLock lock(&mu_);
  PIM_ASSIGN_OR_RETURN(sqlite::Statement update, db_->Prepare(kFailureSql, "record failure"));
  update.BindText(1, channel);
  update.BindInt64(2, seq);
  update.BindText(3, error);
  return update.Run();
}

absl::Status SqliteDeliveryStore::Bury(const std::string& channel, std::int64_t seq,
                                       const std::string& error, absl::Time at) {
  absl::MutexLock lock(&mu_);
  return InTransaction([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> absl::Status {
    PIM_ASSIGN_OR_RETURN(sqlite::Statement get, db_->Prepare(kRowSql, "read outbox"));
    get.BindText(1, channel);
    get.BindInt64(2, seq);
    PIM_ASSIGN_OR_RETURN(bool row, get.Step());
    if (!row) return NoSuchMessage();
    PIM_ASSIGN_OR_RETURN(sqlite::Statement bury, db_->Prepare(kBurySql, "bury message"));
    const std::string key(get.ColumnText(1));
    const std::string recipient(get.ColumnText(2));
    const std::string body(get.ColumnText(3));
    bury.BindText(1, channel);
    bury.BindText(2, key);
    bury.BindText(3, recipient);
    bury.BindText(4, body);
    bury.BindInt64(5, get.ColumnInt64(4) + 1);
    bury.BindText(6, error);
    bury.BindInt64(7, absl::ToUnixMicros(at));
    PIM_RETURN_IF_ERROR(bury.Run());
    PIM_ASSIGN_OR_RETURN(sqlite::Statement del,
                         db_->Prepare(kDeleteOutboxSql, "remove buried message"));
    del.BindText(1, channel);
    del.BindInt64(2, seq);
    return del.Run();
  });
}

absl::StatusOr<std::vector<notify::DeadLetter>> SqliteDeliveryStore::DeadLetters() {
  absl::MutexLock lock(&mu_);
  PIM_ASSIGN_OR_RETURN(sqlite::Statement list, db_->Prepare(kDeadLettersSql, "list dead letters"));
  std::vector<notify::DeadLetter> out;
  while (true) {
    PIM_ASSIGN_OR_RETURN(bool row, list.Step());
    if (!row) break;
    notify::DeadLetter d;
    d.id = list.ColumnInt64(0);
    d.channel = std::string(list.ColumnText(1));
    d.message.key = std::string(list.ColumnText(2));
    d.message.recipient = std::string(list.ColumnText(3));
    d.message.body = std::string(list.ColumnText(4));
    d.attempts = static_cast<int>(list.ColumnInt64(5));
    d.error = std::string(list.ColumnText(6));
    d.at = absl::FromUnixMicros(list.ColumnInt64(7));
    out.push_back(std::move(d));
  }
  return out;
}

absl::Status SqliteDeliveryStore::Replay(std::int64_t id) {
  absl::MutexLock lock(&mu_);
  return InTransaction([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> absl::Status {
    PIM_ASSIGN_OR_RETURN(sqlite::Statement get, db_->Prepare(kDeadLetterSql, "read dead letter"));
    get.BindInt64(1, id);
    PIM_ASSIGN_OR_RETURN(bool row, get.Step());
    if (!row) return absl::NotFoundError("notifications: no such dead letter");
    const std::string channel(get.ColumnText(0));
    const std::string key(get.ColumnText(1));
    const std::string recipient(get.ColumnText(2));
    const std::string body(get.ColumnText(3));
    PIM_ASSIGN_OR_RETURN(sqlite::Statement put, db_->Prepare(kEnqueueSql, "requeue message"));
    put.BindText(1, channel);
    put.BindText(2, key);
    put.BindText(3, recipient);
    put.BindText(4, body);
    put.BindInt64(5, 0);
    PIM_RETURN_IF_ERROR(put.Run());
    PIM_ASSIGN_OR_RETURN(sqlite::Statement forget,
                         db_->Prepare(kForgetDeadLetterSql, "forget dead letter"));
    forget.BindInt64(1, id);
    return forget.Run();
  });
}

}  // namespace pim
