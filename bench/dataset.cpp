#include "dataset.h"

#include <sqlite3.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <thread>
#include <utility>
#include <variant>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "pim/domain/role_definition.h"
#include "pim/domain/scope.h"
#include "pim/store/entity_codec.h"
#include "pim/store/sqlite_store.h"

namespace pim::bench {
namespace {

// Id tags: each kind of generated id is derived from (tag << 40 | index).
constexpr std::uint64_t kUserTag = 1;
constexpr std::uint64_t kGroupTag = 2;
constexpr std::uint64_t kScheduleTag = 3;
constexpr std::uint64_t kSubscriptionTag = 5;
constexpr std::uint64_t kCustomRoleTag = 6;
constexpr std::uint64_t kRequestTag = 7;
constexpr std::uint64_t kAdministrativeUnitTag = 8;

constexpr std::int32_t kSecondsPerDay = 24 * 60 * 60;

std::uint64_t SplitMix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A lowercase version-4-shaped GUID, unique per (tag, index): all 64 bits of a bijective mix
// of the key appear in it (nibbles 0-11 and 20-23); the rest is filler from a second mix.
std::string GuidFor(std::uint64_t tag, std::uint64_t index) {
  const std::uint64_t key = (tag << 40) | index;
  const std::uint64_t a = SplitMix(key);
  const std::uint64_t b = SplitMix(key ^ 0x5bd1e9955bd1e995ULL);
  return absl::StrFormat("%08x-%04x-4%03x-8%03x-%04x%08x", a >> 32, (a >> 16) & 0xffff, b & 0xfff,
                         (b >> 12) & 0xfff, a & 0xffff, (b >> 32) & 0xffffffff);
}

// A small, fast, deterministic generator (splitmix64 sequence).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return SplitMix(state_);
  }
  // Uniform in [0, n) (n > 0); the modulo bias is irrelevant here.
  std::uint32_t Below(std::uint32_t n) { return static_cast<std::uint32_t>(Next() % n); }
  // Uniform in [lo, hi].
  std::int32_t Between(std::int32_t lo, std::int32_t hi) {
    return lo + static_cast<std::int32_t>(Below(static_cast<std::uint32_t>(hi - lo + 1)));
  }
  // True with probability p.
  bool Chance(double p) { return static_cast<double>(Next() >> 11) * 0x1.0p-53 < p; }
  // Skewed towards a few popular values in [0, n), spread over the range by a prime stride.
  std::uint32_t Popular(std::uint32_t n) {
    const double u = static_cast<double>(Next() >> 11) * 0x1.0p-53;
    const auto rank = static_cast<std::uint64_t>(static_cast<double>(n) * u * u * u);
    return static_cast<std::uint32_t>((rank * 1'000'003ULL) % n);
  }

 private:
  std::uint64_t state_;
};

[[noreturn]] void Die(const std::string& why) {
  std::cerr << "dataset: " << why << "\n";
  std::abort();
}

std::uint32_t Div(std::uint32_t value, std::uint32_t divisor, std::uint32_t at_least) {
  return std::max(at_least, value / divisor);
}

// Uniqueness key of a live schedule: (kind, principal, target).
std::uint64_t UniqueKey(const CompactSchedule& s) {
  if (s.principal >= (1u << 20) || s.object >= (1u << 16) || s.scope >= (1u << 20)) {
    Die("data set too large for the uniqueness key");
  }
  return (static_cast<std::uint64_t>(s.eligibility) << 58) |
         (static_cast<std::uint64_t>(s.cls) << 56) |
         (static_cast<std::uint64_t>(s.principal) << 36) |
         (static_cast<std::uint64_t>(s.object) << 20) | s.scope;
}

std::string ReadFileText(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The value of "key: value" lines in /proc files.
std::string ProcField(const std::string& text, const std::string& key) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line(text.data() + pos, end - pos);
    if (line.substr(0, key.size()) == key) {
      std::string_view rest = line.substr(key.size());
      const std::size_t colon = rest.find(':');
      if (colon != std::string_view::npos) {
        rest = rest.substr(colon + 1);
        while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t'))
          rest.remove_prefix(1);
        return std::string(rest);
      }
    }
    pos = end + 1;
  }
  return {};
}

std::uint64_t Fnv1a(std::string_view text, std::uint64_t h = 14695981039346656037ULL) {
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

// The schema a fresh SqliteStore creates, and its user_version.
std::string StoreSchema() {
  const std::string dir = PIM_BENCH_DATA_DIR;
  std::filesystem::create_directories(dir);
  const std::string probe = absl::StrCat(dir, "/.schema-probe-", getpid(), ".sqlite");
  auto remove_probe = [&] {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(absl::StrCat(probe, suffix));
    }
  };
  remove_probe();
  {
    auto store = SqliteStore::Open(probe);
    if (!store.ok()) Die(absl::StrCat("cannot create a probe store: ", store.status().ToString()));
  }
  sqlite3* db = nullptr;
  std::string schema;
  if (sqlite3_open_v2(probe.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    const char* sql =
        "SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master "
        "UNION ALL SELECT 'user_version ' || user_version FROM pragma_user_version "
        "ORDER BY 1";
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK) {
      while (sqlite3_step(stmt) == SQLITE_ROW) {
        absl::StrAppend(&schema, reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "\n");
      }
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close_v2(db);
  remove_probe();
  if (schema.empty()) Die("cannot read the probe store's schema");
  return schema;
}

// Hash of the store's schema and of the encoding of one entity of each kind written.
std::uint32_t StoreFingerprint() {
  static const std::uint32_t fingerprint = [] {
    std::uint64_t h = Fnv1a(StoreSchema());
    const Dataset tiny = Dataset::Build(DatasetSpec::Scaled(1000));
    std::vector<bool> seen(std::variant_size_v<Entity>, false);
    for (const Entity& e : tiny.Entities(0, tiny.entity_count())) {
      const auto kind = static_cast<std::size_t>(KindOf(e));
      if (seen[kind]) continue;
      seen[kind] = true;
      h = Fnv1a(EncodeEntity(e), h);
    }
    return static_cast<std::uint32_t>(h ^ (h >> 32));
  }();
  return fingerprint;
}

// Removes cached data sets of the same scale written by another store version (or an older
// generator), with their -wal/-shm files: each is over a GiB at full scale.
void RemoveStaleDatasets(const std::string& dir, const DatasetSpec& spec, const std::string& keep) {
  const std::string scale = spec.divisor <= 1 ? "" : absl::StrCat("-div", spec.divisor);
  const std::regex pattern(
      absl::StrCat("dataset-v[0-9]+", scale, "-[0-9a-f]{8}\\.sqlite(-wal|-shm)?"));
  const std::string keep_name = std::filesystem::path(keep).filename().string();
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (!std::regex_match(name, pattern) || name.rfind(keep_name, 0) == 0) continue;
    std::cerr << "dataset: removing stale " << name << "\n";
    std::filesystem::remove(entry.path());
  }
}

}  // namespace

absl::Time DatasetNow() {
  return absl::FromCivil(absl::CivilSecond(2026, 1, 5, 9, 0, 0), absl::UTCTimeZone());
}

DatasetSpec DatasetSpec::Scaled(std::uint32_t divisor) {
  DatasetSpec s;
  if (divisor <= 1) return s;
  s.divisor = divisor;
  s.users = Div(s.users, divisor, 100);
  s.groups = Div(s.groups, divisor, 20);
  s.role_assignable_groups = Div(s.role_assignable_groups, divisor, 2);
  s.administrative_units = Div(s.administrative_units, divisor, 2);
  s.child_management_groups = Div(s.child_management_groups, divisor, 4);
  s.subscriptions = Div(s.subscriptions, divisor, 4);
  s.resource_groups = Div(s.resource_groups, divisor, 8);
  s.resources = Div(s.resources, divisor, 16);
  s.eligibilities = Div(s.eligibilities, divisor, 100);
  s.assignments = Div(s.assignments, divisor, 20);
  s.direct_memberships = Div(s.direct_memberships, divisor, 20);
  s.nested_memberships = Div(s.nested_memberships, divisor, 2);
  return s;
}

std::string DatasetSpec::FileName() const {
  const std::string scale = divisor <= 1 ? "" : absl::StrCat("-div", divisor);
  return absl::StrFormat("dataset-v2%s-%08x.sqlite", scale, StoreFingerprint());
}

std::string Dataset::PrincipalId(std::uint32_t principal) const {
  return principal < spec_.users ? GuidFor(kUserTag, principal)
                                 : GuidFor(kGroupTag, principal - spec_.users);
}

std::string Dataset::ScheduleId(std::uint32_t schedule) const {
  return GuidFor(kScheduleTag, schedule);
}

Dataset Dataset::Build(const DatasetSpec& spec) {
  Dataset d(spec);
  Rng rng(spec.seed);

  // ---- Roles ----
  for (const RoleDefinition& role : BuiltInRoleDefinitions()) {
    (role.kind == RoleKind::kDirectory ? d.directory_roles_ : d.resource_roles_)
        .push_back(role.id.str());
  }
  if (d.directory_roles_.size() < 3 || d.directory_roles_[0] != role::kGlobalAdministrator ||
      d.directory_roles_[1] != role::kPrivilegedRoleAdministrator) {
    Die("unexpected built-in role order");
  }
  for (std::uint32_t i = 0; i < spec.custom_resource_roles; ++i) {
    RoleDefinition role;
    role.id = RoleDefinitionId(GuidFor(kCustomRoleTag, i));
    role.kind = RoleKind::kResource;
    role.display_name = absl::StrCat("Custom operator ", i);
    role.description = "Generated for the benchmark data set.";
    d.resource_roles_.push_back(role.id.str());
    d.custom_roles_.push_back(std::move(role));
  }

  // ---- Scope tree ----
  auto add_scope = [&](std::string path, ScopeKind kind, std::uint32_t parent) {
    const auto index = static_cast<std::uint32_t>(d.scopes_.size());
    d.scopes_.push_back(ScopeInfo{CanonicalScope(path), kind, parent, {}});
    if (parent != UINT32_MAX) d.scopes_[parent].children.push_back(index);
    return index;
  };
  add_scope("/", ScopeKind::kTenant, UINT32_MAX);
  std::vector<std::uint32_t> aus;
  for (std::uint32_t i = 0; i < spec.administrative_units; ++i) {
    aus.push_back(
        add_scope(absl::StrCat("/administrativeUnits/", GuidFor(kAdministrativeUnitTag, i)),
                  ScopeKind::kAdministrativeUnit, 0));
  }
  std::vector<std::uint32_t> top_mgs;
  std::vector<std::uint32_t> child_mgs;
  std::vector<std::uint32_t> subs;
  std::vector<std::uint32_t> rgs;
  std::vector<std::uint32_t> resources;
  for (std::uint32_t i = 0; i < spec.top_management_groups; ++i) {
    top_mgs.push_back(
        add_scope(absl::StrFormat("/providers/Microsoft.Management/managementGroups/mg-%02d", i),
                  ScopeKind::kManagementGroup, 0));
  }
  for (std::uint32_t i = 0; i < spec.child_management_groups; ++i) {
    child_mgs.push_back(
        add_scope(absl::StrFormat("/providers/Microsoft.Management/managementGroups/mg-%02d-%02d",
                                  i % spec.top_management_groups, i),
                  ScopeKind::kManagementGroup, top_mgs[i % top_mgs.size()]));
  }
  for (std::uint32_t i = 0; i < spec.subscriptions; ++i) {
    // Most subscriptions sit in a child management group; a few directly under the root.
    const std::uint32_t parent = i % 20 == 19 ? 0 : child_mgs[i % child_mgs.size()];
    subs.push_back(add_scope(absl::StrCat("/subscriptions/", GuidFor(kSubscriptionTag, i)),
                             ScopeKind::kSubscription, parent));
  }
  for (std::uint32_t i = 0; i < spec.resource_groups; ++i) {
    const std::uint32_t sub = subs[i % subs.size()];
    rgs.push_back(add_scope(absl::StrFormat("%s/resourceGroups/rg-%04d", d.scopes_[sub].path, i),
                            ScopeKind::kResourceGroup, sub));
  }
  static constexpr std::array<const char*, 4> kTypes = {
      "Microsoft.Compute/virtualMachines", "Microsoft.Storage/storageAccounts",
      "Microsoft.KeyVault/vaults", "Microsoft.Sql/servers"};
  for (std::uint32_t i = 0; i < spec.resources; ++i) {
    const std::uint32_t rg = rgs[i % rgs.size()];
    resources.push_back(add_scope(absl::StrFormat("%s/providers/%s/res-%05d", d.scopes_[rg].path,
                                                  kTypes[i % kTypes.size()], i),
                                  ScopeKind::kResource, rg));
  }
  for (const ScopeInfo& s : d.scopes_) {
    auto shape = ClassifyScope(s.path);
    if (!shape.ok() || shape->kind != s.kind) Die(absl::StrCat("bad generated scope ", s.path));
    if (shape->derived_parent && *shape->derived_parent != d.scopes_[s.parent].path) {
      Die(absl::StrCat("bad derived parent for ", s.path));
    }
  }
  // A resource scope, weighted towards the bottom of the tree: (mg, sub, rg, resource) %.
  auto resource_scope = [&](int mg, int sub, int rg) {
    const std::uint32_t r = rng.Below(100);
    const auto pct = static_cast<std::uint32_t>(mg);
    if (r < pct) {
      return rng.Chance(0.25) ? top_mgs[rng.Below(static_cast<std::uint32_t>(top_mgs.size()))]
                              : child_mgs[rng.Below(static_cast<std::uint32_t>(child_mgs.size()))];
    }
    if (r < pct + static_cast<std::uint32_t>(sub)) {
      return subs[rng.Below(static_cast<std::uint32_t>(subs.size()))];
    }
    if (r < pct + static_cast<std::uint32_t>(sub + rg)) {
      return rgs[rng.Below(static_cast<std::uint32_t>(rgs.size()))];
    }
    return resources[rng.Below(static_cast<std::uint32_t>(resources.size()))];
  };

  const std::uint32_t n_dir = static_cast<std::uint32_t>(d.directory_roles_.size());
  const std::uint32_t n_res = static_cast<std::uint32_t>(d.resource_roles_.size());
  const std::uint32_t n_groups = spec.groups;
  const std::uint32_t n_ra = spec.role_assignable_groups;
  auto user = [&] { return rng.Below(spec.users); };
  auto any_group_principal = [&] { return d.GroupPrincipal(rng.Below(n_groups)); };
  auto ra_group_principal = [&] { return d.GroupPrincipal(rng.Below(n_ra)); };
  // A popular group that is not role-assignable (groups may be nested only into those).
  auto plain_group = [&] { return n_ra + rng.Popular(n_groups - n_ra); };

  absl::flat_hash_set<std::uint64_t> live;
  live.reserve(spec.eligibilities + spec.assignments);
  d.schedules_.reserve(spec.eligibilities + spec.assignments);
  auto try_add = [&](const CompactSchedule& s) {
    if (s.cls == TargetClass::kGroupMember || s.cls == TargetClass::kGroupOwner) {
      if (d.GroupPrincipal(s.object) == s.principal) return false;
    }
    if (!live.insert(UniqueKey(s)).second) return false;
    d.schedules_.push_back(s);
    return true;
  };
  // A group target for `principal`: groups go only into plain groups.
  auto group_target = [&](CompactSchedule& s, double owner_share) {
    s.cls = rng.Chance(owner_share) ? TargetClass::kGroupOwner : TargetClass::kGroupMember;
    s.object = d.IsGroup(s.principal) ? plain_group() : rng.Popular(n_groups);
    s.scope = 0;
  };

  // ---- Eligibilities: 30% directory roles, 45% resource roles, 25% groups ----
  for (std::uint32_t made = 0; made < spec.eligibilities;) {
    CompactSchedule s;
    s.eligibility = true;
    const std::uint32_t what = rng.Below(100);
    if (what < 30) {
      s.cls = TargetClass::kDirectoryRole;
      s.principal = rng.Chance(0.03) ? ra_group_principal() : user();
      // Global and Privileged Role Administrator are rare; the other roles share the rest.
      s.object = rng.Chance(0.0001) ? rng.Below(2) : 2 + rng.Below(n_dir - 2);
      s.scope = rng.Chance(0.9) || aus.empty()
                    ? 0
                    : aus[rng.Below(static_cast<std::uint32_t>(aus.size()))];
    } else if (what < 75) {
      s.cls = TargetClass::kResourceRole;
      s.principal = rng.Chance(0.10) ? any_group_principal() : user();
      s.object = rng.Below(n_res);
      s.scope = resource_scope(3, 12, 35);
    } else {
      s.principal = rng.Chance(0.02) ? d.GroupPrincipal(n_ra + rng.Below(n_groups - n_ra)) : user();
      group_target(s, 0.15);
    }
    s.start_s = -rng.Between(kSecondsPerDay, 700 * kSecondsPerDay);
    s.end_s = rng.Chance(0.5) ? CompactSchedule::kPermanent
                              : rng.Between(30 * kSecondsPerDay, 365 * kSecondsPerDay);
    if (try_add(s)) ++made;
  }

  // ---- Active assignments: a few permanent administrators, 20% activations, the rest
  // assigned (25% directory roles, 55% resource roles, 20% groups) ----
  std::uint32_t made = 0;
  for (std::uint32_t i = 0; i < 5 && i < spec.users; ++i) {
    CompactSchedule s;
    s.eligibility = false;
    s.cls = TargetClass::kDirectoryRole;
    s.principal = i;
    s.object = i < 3 ? 0 : 1;  // three Global Administrators, two Privileged Role Admins
    s.start_s = -400 * kSecondsPerDay;
    if (try_add(s)) ++made;
  }
  const std::uint32_t activations = spec.assignments / 5;
  for (std::uint32_t tries = 0; made < 5 + activations && tries < 20 * activations; ++tries) {
    const std::uint32_t e = rng.Below(spec.eligibilities);
    CompactSchedule s = d.schedules_[e];
    if (d.IsGroup(s.principal)) continue;
    s.eligibility = false;
    s.activated_using = e;
    s.start_s = -rng.Between(0, 2 * 3600);
    s.end_s = std::max(s.start_s + rng.Between(3600, 8 * 3600), 15 * 60);
    if (try_add(s)) ++made;
  }
  while (made < spec.assignments) {
    CompactSchedule s;
    s.eligibility = false;
    const std::uint32_t what = rng.Below(100);
    if (what < 25) {
      s.cls = TargetClass::kDirectoryRole;
      s.principal = rng.Chance(0.10) ? ra_group_principal() : user();
      s.object = 2 + rng.Below(n_dir - 2);
      s.scope = rng.Chance(0.9) || aus.empty()
                    ? 0
                    : aus[rng.Below(static_cast<std::uint32_t>(aus.size()))];
    } else if (what < 80) {
      s.cls = TargetClass::kResourceRole;
      s.principal = rng.Chance(0.20) ? any_group_principal() : user();
      s.object = rng.Below(n_res);
      s.scope = resource_scope(5, 20, 35);
    } else {
      s.principal = rng.Chance(0.05) ? d.GroupPrincipal(n_ra + rng.Below(n_groups - n_ra)) : user();
      group_target(s, 0.10);
    }
    s.start_s = -rng.Between(kSecondsPerDay, 700 * kSecondsPerDay);
    s.end_s = rng.Chance(0.4) ? CompactSchedule::kPermanent
                              : rng.Between(30 * kSecondsPerDay, 180 * kSecondsPerDay);
    if (try_add(s)) ++made;
  }

  // ---- Standing memberships: users into (popular) groups, and some nested groups ----
  absl::flat_hash_set<std::uint64_t> pairs;
  pairs.reserve(spec.direct_memberships + spec.nested_memberships);
  while (d.memberships_.size() < spec.direct_memberships) {
    const CompactMembership m{user(), rng.Popular(n_groups)};
    if (pairs.insert((static_cast<std::uint64_t>(m.member) << 32) | m.group).second) {
      d.memberships_.push_back(m);
    }
  }
  for (std::uint32_t added = 0, tries = 0;
       added < spec.nested_memberships && tries < 100 * spec.nested_memberships; ++tries) {
    // Child and parent are plain groups, the parent with a higher index: no cycles.
    const std::uint32_t child = n_ra + rng.Below(n_groups - n_ra - 1);
    const std::uint32_t parent = child + 1 + rng.Below(n_groups - child - 1);
    const CompactMembership m{d.GroupPrincipal(child), parent};
    if (pairs.insert((static_cast<std::uint64_t>(m.member) << 32) | m.group).second) {
      d.memberships_.push_back(m);
      ++added;
    }
  }
  return d;
}

Target Dataset::TargetAt(const CompactSchedule& s, std::uint32_t scope) const {
  switch (s.cls) {
    case TargetClass::kDirectoryRole:
      return DirectoryRoleTarget(directory_roles_[s.object], scopes_[scope].path);
    case TargetClass::kResourceRole:
      return ResourceRoleTarget(resource_roles_[s.object], scopes_[scope].path);
    case TargetClass::kGroupMember:
      return GroupTarget(pim::PrincipalId(GroupId(s.object)), GroupAccess::kMember);
    case TargetClass::kGroupOwner:
      return GroupTarget(pim::PrincipalId(GroupId(s.object)), GroupAccess::kOwner);
  }
  Die("unknown target class");
}

Target Dataset::TargetOf(const CompactSchedule& s) const { return TargetAt(s, s.scope); }

std::vector<std::string> Dataset::ScopeChain(std::uint32_t scope) const {
  std::vector<std::string> chain;
  for (std::uint32_t s = scope; s != UINT32_MAX; s = scopes_[s].parent) {
    chain.push_back(scopes_[s].path);
  }
  return chain;
}

std::size_t Dataset::entity_count() const {
  return directory_roles_.size() + resource_roles_.size() + scopes_.size() + principal_count() +
         memberships_.size() + schedules_.size();
}

std::vector<Entity> Dataset::Entities(std::size_t first, std::size_t count) const {
  std::vector<Entity> out;
  const std::size_t end = std::min(entity_count(), first + count);
  out.reserve(end > first ? end - first : 0);
  for (std::size_t i = first; i < end; ++i) out.push_back(EntityAt(i));
  return out;
}

Entity Dataset::EntityAt(std::size_t i) const {
  const std::size_t roles = directory_roles_.size() + resource_roles_.size();
  if (i < roles) {
    const auto built_in = BuiltInRoleDefinitions();
    if (i < built_in.size()) return built_in[i];
    return custom_roles_[i - built_in.size()];
  }
  i -= roles;
  if (i < scopes_.size()) {
    const ScopeInfo& s = scopes_[i];
    ScopeNode node;
    node.path = s.path;
    node.kind = s.kind;
    node.parent = s.parent == UINT32_MAX ? "" : scopes_[s.parent].path;
    node.display_name = i == 0 ? "Tenant root" : s.path.substr(s.path.rfind('/') + 1);
    return node;
  }
  i -= scopes_.size();
  if (i < principal_count()) {
    const auto index = static_cast<std::uint32_t>(i);
    Principal p;
    p.id = pim::PrincipalId(PrincipalId(index));
    if (IsGroup(index)) {
      const std::uint32_t group = index - spec_.users;
      p.kind = PrincipalKind::kGroup;
      p.display_name = absl::StrFormat("Group %05d", group);
      p.is_assignable_to_role = IsRoleAssignable(group);
    } else {
      p.kind = PrincipalKind::kUser;
      p.display_name = absl::StrFormat("User %06d", index);
      p.mail = absl::StrFormat("user%06d@contoso.example", index);
    }
    return p;
  }
  i -= principal_count();
  if (i < memberships_.size()) {
    const CompactMembership& m = memberships_[i];
    return DirectMembership{pim::PrincipalId(GroupId(m.group)),
                            pim::PrincipalId(PrincipalId(m.member)), GroupAccess::kMember};
  }
  i -= memberships_.size();
  return ScheduleAt(static_cast<std::uint32_t>(i));
}

Schedule Dataset::ScheduleAt(std::uint32_t i) const {
  const CompactSchedule& c = schedules_[i];
  const absl::Time now = DatasetNow();
  Schedule s;
  s.id = pim::ScheduleId(ScheduleId(i));
  s.kind = c.eligibility ? ScheduleKind::kEligibility : ScheduleKind::kAssignment;
  s.principal = pim::PrincipalId(PrincipalId(c.principal));
  s.target = TargetOf(c);
  s.assignment_type = c.activated_using == CompactSchedule::kNoEligibility
                          ? AssignmentType::kAssigned
                          : AssignmentType::kActivated;
  s.start = now + absl::Seconds(c.start_s);
  if (c.end_s == CompactSchedule::kPermanent) {
    s.expiration = Expiration{ExpirationType::kNoExpiration, std::nullopt, std::nullopt};
  } else {
    s.expiration =
        Expiration{ExpirationType::kAfterDateTime, now + absl::Seconds(c.end_s), std::nullopt};
  }
  s.state = ScheduleState::kActive;
  s.created_using = RequestId(GuidFor(kRequestTag, i));
  if (c.activated_using != CompactSchedule::kNoEligibility) {
    s.activated_using = pim::ScheduleId(ScheduleId(c.activated_using));
    s.expiry_notices_sent = 2;  // activations get no expiry notices
  }
  s.created = s.start;
  s.modified = s.start;
  return s;
}

absl::Status WriteDataset(const Dataset& dataset, const std::string& path, std::size_t batch) {
  if (std::filesystem::exists(path)) {
    return absl::AlreadyExistsError(absl::StrCat(path, " already exists"));
  }
  auto store = SqliteStore::Open(path);
  if (!store.ok()) return store.status();
  const std::size_t total = dataset.entity_count();
  Revision revision = 0;
  for (std::size_t first = 0; first < total; first += batch) {
    ChangeRecord record;
    record.revision = ++revision;
    record.at = DatasetNow() - absl::Hours(24 * 30);
    record.actor = pim::PrincipalId("system");
    record.event = "bench.dataset";
    record.detail = absl::StrCat("entities ", first, "..", std::min(total, first + batch) - 1);
    for (Entity& e : dataset.Entities(first, batch)) {
      Mutation m;
      m.kind = KindOf(e);
      m.key = KeyOf(e);
      m.after = std::move(e);
      record.mutations.push_back(std::move(m));
    }
    if (absl::Status s = (*store)->Commit(std::span<const ChangeRecord>(&record, 1)); !s.ok()) {
      return s;
    }
    if (revision % 20 == 0) {
      std::cerr << "dataset: wrote " << std::min(total, first + batch) << " / " << total
                << " entities\n";
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> EnsureDataset(const DatasetSpec& spec) {
  const std::string dir = PIM_BENCH_DATA_DIR;
  const std::string path = absl::StrCat(dir, "/", spec.FileName());
  if (std::filesystem::exists(path)) return path;
  std::filesystem::create_directories(dir);
  const std::string tmp = absl::StrCat(path, ".tmp");
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(absl::StrCat(tmp, suffix));
  }
  RemoveStaleDatasets(dir, spec, path);
  std::cerr << "dataset: generating " << path << " (not cached yet)\n";
  const auto t0 = std::chrono::steady_clock::now();
  const Dataset dataset = Dataset::Build(spec);
  const auto t1 = std::chrono::steady_clock::now();
  std::cerr << "dataset: model built in " << std::chrono::duration<double>(t1 - t0).count()
            << " s, " << dataset.entity_count() << " entities\n";
  if (absl::Status s = WriteDataset(dataset, tmp); !s.ok()) return s;
  // The store is closed: the last connection checkpointed and removed the WAL.
  if (std::filesystem::exists(absl::StrCat(tmp, "-wal"))) {
    return absl::InternalError("dataset: WAL file left behind after generation");
  }
  std::filesystem::rename(tmp, path);
  std::cerr << "dataset: written in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count()
            << " s, " << std::filesystem::file_size(path) / (1 << 20) << " MiB\n";
  return path;
}

absl::StatusOr<std::string> EnsureDatasetInChild(const DatasetSpec& spec) {
  const std::string path = absl::StrCat(PIM_BENCH_DATA_DIR, "/", spec.FileName());
  if (std::filesystem::exists(path)) return path;
  std::cout.flush();
  std::cerr.flush();
  const pid_t child = fork();
  if (child < 0) return absl::InternalError("fork failed");
  if (child == 0) {
    const auto result = EnsureDataset(spec);
    if (!result.ok()) std::cerr << result.status() << "\n";
    std::cerr.flush();
    _exit(result.ok() ? 0 : 1);
  }
  int status = 0;
  if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError("dataset generation failed in the child process");
  }
  return path;
}

MemoryUsage ReadMemoryUsage() {
  const std::string status = ReadFileText("/proc/self/status");
  MemoryUsage usage;
  usage.peak_kib = std::atoll(ProcField(status, "VmHWM").c_str());
  usage.current_kib = std::atoll(ProcField(status, "VmRSS").c_str());
  return usage;
}

std::optional<std::string> TakeFlag(int& argc, char** argv, const std::string& name) {
  const std::string prefix = absl::StrCat("--", name, "=");
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg(argv[i]);
    if (arg.substr(0, prefix.size()) != prefix) continue;
    std::string value(arg.substr(prefix.size()));
    for (int j = i; j + 1 < argc; ++j) argv[j] = argv[j + 1];
    --argc;
    return value;
  }
  return std::nullopt;
}

double Percentile(std::vector<std::int64_t>& sorted_samples, double q) {
  if (sorted_samples.empty()) return 0;
  const auto last = static_cast<double>(sorted_samples.size() - 1);
  const auto index = static_cast<std::size_t>(q * last + 0.5);
  return static_cast<double>(sorted_samples[std::min(index, sorted_samples.size() - 1)]);
}

std::string MachineDescription() {
  const std::string cpuinfo = ReadFileText("/proc/cpuinfo");
  const std::string meminfo = ReadFileText("/proc/meminfo");
  utsname uts{};
  uname(&uts);
  return absl::StrCat("nproc=", std::thread::hardware_concurrency(),
                      "; cpu=", ProcField(cpuinfo, "model name"),
                      "; MemTotal=", ProcField(meminfo, "MemTotal"), "; kernel=", uts.release);
}

}  // namespace pim::bench
