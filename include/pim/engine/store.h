// The durable store the engine writes through. Implementations: store/sqlite (embedded
// default); store/fault_injection_store wraps any of them for tests.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pim/domain/change.h"

namespace pim {

// Everything the store holds, as read at start-up.
struct StoreContents {
  Revision revision = 0;  // the last committed revision, 0 for an empty store
  std::vector<Entity> entities;
};

// Where the change log starts after retention deleted its head: the last deleted record's
// revision and time, and the audit chain's state after it (docs/audit.md), signed as an audit
// checkpoint so that nobody can move it unnoticed. The store keeps these fields as given and
// does not interpret the hash or the signature. revision 0: nothing was ever deleted.
struct ChangeLogAnchor {
  Revision revision = 0;
  absl::Time at = absl::UnixEpoch();
  std::string chain_hash;  // hex; "" when revision is 0
  std::string key_id;      // the audit key that signed {revision, chain_hash, at}
  std::string signature;
  friend bool operator==(const ChangeLogAnchor&, const ChangeLogAnchor&) = default;
};

// Receives the entities a Store reads at start-up, one at a time, so that a million schedules
// never sit in memory twice. Each entity is first shown to Observe, then handed to Add.
//
// Expect and Add run on the thread that called Store::LoadInto. Observe and ObserveEnd may run
// on another thread (a store that decodes on a second thread calls them there, so that their
// work overlaps with Add): they all come from one thread, each entity's Observe returns before
// its Add starts, and every call returns before LoadInto does. So they must not touch what Add
// touches.
class EntitySink {
 public:
  virtual ~EntitySink() = default;
  // A hint, before any Add: about `count` entities of `kind` will follow.
  virtual void Expect(EntityKind kind, std::size_t count) {
    (void)kind;
    (void)count;
  }
  // Sees one stored schedule before Add takes it.
  virtual void Observe(const Schedule& schedule) { (void)schedule; }
  // Sees one stored entity of any other kind before Add takes it.
  virtual void Observe(const Entity& entity) { (void)entity; }
  // After the last Observe, on its thread, once every entity was read (not after an error).
  virtual void ObserveEnd() {}
  // A hint, on Add's thread: `schedule` reaches Add soon (a few entities from now), so the sink
  // may start loading the memory that Add will touch.
  virtual void WillAdd(const Schedule& schedule) { (void)schedule; }
  // Takes one stored entity.
  virtual void Add(Entity&& entity) = 0;
};

// Thread-compatible: the engine serialises Commit() and Load(); ReadChanges() may run
// concurrently with Commit() from other threads.
class Store {
 public:
  virtual ~Store() = default;

  // Hands every stored entity to `sink` (in no particular order) and returns the last
  // committed revision, all from one consistent snapshot. Internal/Unavailable on I/O
  // failure, DataLoss when stored data does not decode; after an error the sink may have
  // received part of the entities and must be discarded.
  [[nodiscard]] virtual absl::StatusOr<Revision> LoadInto(EntitySink& sink) = 0;

  // Everything at once, for tests and tools: LoadInto collected into a StoreContents.
  [[nodiscard]] absl::StatusOr<StoreContents> Load() {
    struct Collect final : EntitySink {
      std::vector<Entity>* out;
      explicit Collect(std::vector<Entity>* o) : out(o) {}
      void Add(Entity&& entity) override { out->push_back(std::move(entity)); }
    };
    StoreContents contents;
    Collect collect(&contents.entities);
    auto revision = LoadInto(collect);
    if (!revision.ok()) return revision.status();
    contents.revision = *revision;
    return contents;
  }

  // In one transaction: for each record in order, applies each mutation (`after` upserts the
  // entity under (kind, key); no `after` deletes it) and appends the record to the change log.
  // Revisions must be strictly increasing and greater than the last committed one, else
  // FailedPrecondition; a mutation whose key or kind does not match its entities is
  // InvalidArgument. On any failure nothing at all is applied (Internal/Unavailable).
  [[nodiscard]] virtual absl::Status Commit(std::span<const ChangeRecord> records) = 0;

  // Change records with revision > `after`, oldest first, at most `limit` of them. After
  // retention (DeleteChangesThrough) only records newer than the anchor remain: an `after`
  // older than the anchor returns the first retained records, so a reader that must not miss
  // any compares `after` with ReadAnchor() first.
  [[nodiscard]] virtual absl::StatusOr<std::vector<ChangeRecord>> ReadChanges(
      Revision after, std::size_t limit) = 0;

  // Retention. In one transaction: deletes every change record with revision <=
  // anchor.revision and stores `anchor` in place of the previous one. Entities are not
  // touched, and the last committed revision (LoadInto, Commit's check) never goes down, even
  // when every record is deleted. The record at anchor.revision must exist:
  // InvalidArgument when anchor.revision < 1 or chain_hash is empty; FailedPrecondition when
  // anchor.revision is not after the current anchor or no record has that revision.
  // Internal/Unavailable on I/O failure, and then nothing is deleted. The default (for stores
  // that never delete history) is Unimplemented.
  [[nodiscard]] virtual absl::Status DeleteChangesThrough(const ChangeLogAnchor& anchor) {
    (void)anchor;
    return absl::UnimplementedError("this store does not delete change records");
  }

  // The current anchor; revision 0 when no record was ever deleted (the default).
  [[nodiscard]] virtual absl::StatusOr<ChangeLogAnchor> ReadAnchor() { return ChangeLogAnchor{}; }
};

}  // namespace pim
