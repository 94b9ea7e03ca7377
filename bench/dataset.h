// The benchmark data set: a synthetic tenant of the size the performance targets are stated
// for (100k users, 10k groups, 1M eligibility schedules, 100k active assignments, a scope tree
// of 10k resources), generated deterministically from a seed.
//
// The model is compact (indices, not strings) so that a benchmark can rebuild it in memory in
// about a second to know what it is querying, without reading the database. WriteDataset()
// turns it into entities and writes them straight through Store::Commit in large batches
// (10k mutations per change record), which is exactly what a cold start then loads.
//
// Everything is placed around one fixed instant, DatasetNow(): every schedule is in force at
// that instant and no timer (start, end, expiry notice, purge) is due at or before it (the
// earliest are the ends of activations, a quarter of an hour later; other ends are at least
// 30 days away), so an Engine opened with a ManualClock at DatasetNow() fires nothing and
// leaves the file untouched. Times have one-second resolution. Not thread-safe; build once,
// then read from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pim/domain/change.h"
#include "pim/engine/store.h"

namespace pim::bench {

// The instant the data set is built around (2026-01-05 09:00 UTC).
[[nodiscard]] absl::Time DatasetNow();

struct DatasetSpec {
  std::uint32_t users = 100'000;
  std::uint32_t groups = 10'000;
  std::uint32_t role_assignable_groups = 1'000;  // the first groups
  std::uint32_t administrative_units = 20;
  std::uint32_t top_management_groups = 4;     // below the tenant root
  std::uint32_t child_management_groups = 12;  // below the top ones
  std::uint32_t subscriptions = 100;
  std::uint32_t resource_groups = 1'000;
  std::uint32_t resources = 10'000;
  std::uint32_t custom_resource_roles = 6;
  std::uint32_t eligibilities = 1'000'000;
  std::uint32_t assignments = 100'000;         // active: Assigned and Activated
  std::uint32_t direct_memberships = 200'000;  // standing user -> group memberships
  std::uint32_t nested_memberships = 500;      // standing group -> group memberships
  std::uint64_t seed = 20260105;
  // 1 = the full data set; N divides every count by N (for profiling under valgrind).
  std::uint32_t divisor = 1;

  [[nodiscard]] static DatasetSpec Scaled(std::uint32_t divisor);
  // File name for this spec: "dataset-v2-<fingerprint>.sqlite", "dataset-v2-div20-<...>".
  // The fingerprint hashes the store's schema (as a fresh SqliteStore creates it) and the
  // encoding of one entity of each kind, so a cached file written by an older store is never
  // reused (it would be migrated, or fail to decode, inside the measurement).
  [[nodiscard]] std::string FileName() const;
};

// What a schedule is about. Objects are role indices (DirectoryRoleId/ResourceRoleId) or group
// indices; scopes are indices into scopes().
enum class TargetClass : std::uint8_t { kDirectoryRole, kResourceRole, kGroupMember, kGroupOwner };

struct CompactSchedule {
  std::uint32_t principal = 0;  // principal index: users first, then groups
  std::uint32_t object = 0;
  std::uint32_t scope = 0;          // 0 = "/" (also used for group targets, whose scope is "")
  std::int32_t start_s = 0;         // start, in seconds relative to DatasetNow()
  std::int32_t end_s = kPermanent;  // end, in seconds relative to DatasetNow()
  std::uint32_t activated_using = kNoEligibility;  // eligibility index, for activations
  TargetClass cls = TargetClass::kDirectoryRole;
  bool eligibility = true;

  static constexpr std::int32_t kPermanent = INT32_MAX;
  static constexpr std::uint32_t kNoEligibility = UINT32_MAX;
};

struct ScopeInfo {
  std::string path;  // canonical
  ScopeKind kind = ScopeKind::kTenant;
  std::uint32_t parent = UINT32_MAX;  // UINT32_MAX for the root
  std::vector<std::uint32_t> children;
};

// A standing membership: `member` (a principal index) is a direct member of group `group`
// (a group index, not a principal index).
struct CompactMembership {
  std::uint32_t member = 0;
  std::uint32_t group = 0;
};

class Dataset {
 public:
  // Builds the model for `spec` (deterministic). About a second for the full size.
  [[nodiscard]] static Dataset Build(const DatasetSpec& spec);

  [[nodiscard]] const DatasetSpec& spec() const { return spec_; }
  [[nodiscard]] std::uint32_t principal_count() const { return spec_.users + spec_.groups; }
  [[nodiscard]] bool IsGroup(std::uint32_t principal) const { return principal >= spec_.users; }
  [[nodiscard]] std::uint32_t GroupPrincipal(std::uint32_t group) const {
    return spec_.users + group;
  }
  [[nodiscard]] bool IsRoleAssignable(std::uint32_t group) const {
    return group < spec_.role_assignable_groups;
  }

  // Ids as stored (lowercase GUIDs derived from the index).
  [[nodiscard]] std::string PrincipalId(std::uint32_t principal) const;
  [[nodiscard]] std::string GroupId(std::uint32_t group) const {
    return PrincipalId(GroupPrincipal(group));
  }
  [[nodiscard]] std::string ScheduleId(std::uint32_t schedule) const;
  [[nodiscard]] const std::vector<std::string>& directory_roles() const { return directory_roles_; }
  [[nodiscard]] const std::vector<std::string>& resource_roles() const { return resource_roles_; }

  [[nodiscard]] const std::vector<ScopeInfo>& scopes() const { return scopes_; }
  // Schedules: eligibilities first ([0, spec.eligibilities)), then active assignments.
  [[nodiscard]] const std::vector<CompactSchedule>& schedules() const { return schedules_; }
  [[nodiscard]] const std::vector<CompactMembership>& memberships() const { return memberships_; }

  // The target of schedule `s` (with its canonical scope; "" for groups).
  [[nodiscard]] Target TargetOf(const CompactSchedule& s) const;
  // The same target, at scope index `scope` instead (roles only).
  [[nodiscard]] Target TargetAt(const CompactSchedule& s, std::uint32_t scope) const;
  // Scope `scope` and its ancestors, nearest first (what the SQL baseline is given).
  [[nodiscard]] std::vector<std::string> ScopeChain(std::uint32_t scope) const;

  // Every entity of the data set, `count` of them from position `first` (in the order they
  // are written: role definitions, scopes, principals, memberships, schedules).
  [[nodiscard]] std::size_t entity_count() const;
  [[nodiscard]] std::vector<Entity> Entities(std::size_t first, std::size_t count) const;

 private:
  explicit Dataset(DatasetSpec spec) : spec_(spec) {}
  [[nodiscard]] Entity EntityAt(std::size_t i) const;
  [[nodiscard]] Schedule ScheduleAt(std::uint32_t i) const;

  DatasetSpec spec_;
  std::vector<std::string> directory_roles_;
  std::vector<std::string> resource_roles_;
  std::vector<RoleDefinition> custom_roles_;
  std::vector<ScopeInfo> scopes_;
  std::vector<CompactSchedule> schedules_;
  std::vector<CompactMembership> memberships_;
};

// Writes `dataset` into a new SqliteStore at `path` (which must not exist) in batches of
// `batch` mutations per change record and commit.
[[nodiscard]] absl::Status WriteDataset(const Dataset& dataset, const std::string& path,
                                        std::size_t batch = 10'000);

// The path of the cached data set file for `spec` under the build directory, generating it
// first (into a temporary file, renamed when complete) when it is missing. Logs progress to
// stderr.
[[nodiscard]] absl::StatusOr<std::string> EnsureDataset(const DatasetSpec& spec);

// Same, but generates in a child process so that the caller's peak RSS is unaffected.
[[nodiscard]] absl::StatusOr<std::string> EnsureDatasetInChild(const DatasetSpec& spec);

// Peak and current resident set size of this process, in KiB (/proc/self/status VmHWM, VmRSS).
struct MemoryUsage {
  std::int64_t peak_kib = 0;
  std::int64_t current_kib = 0;
};
[[nodiscard]] MemoryUsage ReadMemoryUsage();

// Parses "--name=value" from argv, removing it; nullopt when absent.
[[nodiscard]] std::optional<std::string> TakeFlag(int& argc, char** argv, const std::string& name);

// Percentiles of `samples` (sorted in place); `q` in [0, 1].
[[nodiscard]] double Percentile(std::vector<std::int64_t>& sorted_samples, double q);

// A description of this machine for the report: nproc, CPU model, memory.
[[nodiscard]] std::string MachineDescription();

}  // namespace pim::bench
