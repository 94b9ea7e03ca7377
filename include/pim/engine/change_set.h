// Stages the mutations of one command against State without touching it, so that later steps
// of the same command see the earlier ones; the staged records become the command's change
// records when it commits. Not thread-safe; lives for one command.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "pim/domain/change.h"
#include "pim/engine/state.h"

namespace pim {

class ChangeSet {
 public:
  ChangeSet(const State& state, absl::Time at, PrincipalId actor)
      : state_(state), at_(at), actor_(std::move(actor)) {}

  // Stamps every record begun from now on with the request it came from (see Caller).
  void SetOrigin(std::string correlation_id, std::string client_address) {
    correlation_id_ = std::move(correlation_id);
    client_address_ = std::move(client_address);
  }

  // Starts a new change record; later Put/Erase calls attach to it.
  void BeginRecord(std::string event, std::string detail);
  // Stages an upsert (records `before` from the current view). Requires a begun record.
  void Put(Entity entity);
  // Stages a deletion; a no-op when the entity does not exist in the view.
  void Erase(EntityKind kind, const std::string& key);

  // Lookups through the overlay: staged values win over State; staged deletions hide entities.
  [[nodiscard]] const Principal* FindPrincipal(const std::string& id) const;
  [[nodiscard]] const Schedule* FindSchedule(const std::string& id) const;
  [[nodiscard]] const ScheduleRequest* FindRequest(const std::string& id) const;
  [[nodiscard]] const DirectMembership* FindMembership(const std::string& key) const;
  [[nodiscard]] std::vector<const Schedule*> SchedulesOfObject(const Target& target) const;
  [[nodiscard]] std::vector<const Schedule*> SchedulesOfPrincipal(
      const std::string& principal) const;
  [[nodiscard]] std::vector<const Schedule*> ActivationsOf(const std::string& eligibility_id) const;
  [[nodiscard]] std::vector<const DirectMembership*> MembershipsOfGroup(
      const std::string& group) const;

  [[nodiscard]] const State& state() const { return state_; }
  [[nodiscard]] absl::Time at() const { return at_; }
  [[nodiscard]] const PrincipalId& actor() const { return actor_; }
  [[nodiscard]] bool empty() const { return records_.empty(); }
  [[nodiscard]] const std::vector<ChangeRecord>& records() const { return records_; }

  // The staged records, numbered from `first_revision`. The ChangeSet is spent afterwards.
  [[nodiscard]] std::vector<ChangeRecord> TakeRecords(Revision first_revision);

 private:
  using Key = std::pair<EntityKind, std::string>;
  // The staged value for `key`: nullopt when not staged; a staged nullopt entity = deleted.
  [[nodiscard]] const std::optional<Entity>* Staged(EntityKind kind, const std::string& key) const;
  template <typename T>
  [[nodiscard]] const T* Find(EntityKind kind, const std::string& key, const T* from_state) const;
  [[nodiscard]] std::optional<Entity> Current(EntityKind kind, const std::string& key) const;

  const State& state_;
  const absl::Time at_;
  const PrincipalId actor_;
  std::string correlation_id_;
  std::string client_address_;
  std::vector<ChangeRecord> records_;
  std::map<Key, std::optional<Entity>> staged_;
};

}  // namespace pim
