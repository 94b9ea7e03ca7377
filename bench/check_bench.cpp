// Check latency: "may principal P use target T now?" answered by Engine::Check (the in-memory
// access index) and by SQLite over the same file, for the same query mix.
//
//   pim_check_bench [--divisor=N] [--queries=1000000] [--sql_queries=200000]
//                   [--sql_category_queries=30000] [benchmark flags]
//
// Three implementations:
//   engine     Engine::Check on an engine opened on the data set (a clock fixed at DatasetNow()).
//   sql_store  SqliteStore::QueryActiveAssignment, the store's own indexed baseline: direct
//              assignments at the scope or an ancestor (the caller passes the chain); it does
//              not expand groups, so via-group hits come back as misses.
//   sql_full   One prepared statement on its own read-only connection that answers the same
//              question as the engine: holders expanded through standing and PIM group
//              memberships (recursive CTE, depth 8), the scope chain walked in SQL, standing
//              memberships counted for group targets. Standing memberships are only stored as
//              JSON bodies keyed by group, so the benchmark first copies them into an indexed
//              TEMP table (member, group) on that connection; the file is not modified.
//
// memory/dependent_load_256MiB/{4k_pages,huge_pages} measures one dependent cache + TLB miss
// on this machine, the floor under lookups in an index of this size.
//
// Each query's arguments are read into the cache first (WarmArguments: a server has just parsed
// them), then it is timed on its own with steady_clock (the timer's own cost is reported as
// timer_overhead_ns and is included in the engine numbers); percentiles are per query.
#include <sqlite3.h>
#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "benchmark/benchmark.h"
#include "dataset.h"
#include "pim/engine/clock.h"
#include "pim/engine/engine.h"
#include "pim/store/sqlite_store.h"

namespace pim::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

enum class Category : std::uint8_t {
  kDirect,
  kViaGroup,
  kViaNestedGroup,
  kInheritedScope,
  kMissEligible,
  kMissRandom,
};
constexpr std::size_t kCategories = 6;
constexpr std::array<const char*, kCategories> kCategoryNames = {
    "direct", "via_group", "via_nested_group", "inherited_scope", "miss_eligible", "miss_random"};
// Weights of the draws, in percent. A draw that finds no suitable member is redrawn, which
// happens to most via_nested_group draws (few groups have group members): on the full data
// set the actual shares are 26.2 / 15.8 / 0.5 / 26.2 / 15.7 / 15.7 %.
constexpr std::array<std::uint32_t, kCategories> kMix = {25, 15, 5, 25, 15, 15};

// Categories built so that the answer must be "allowed".
bool ExpectAllowed(Category c) { return c <= Category::kInheritedScope; }

struct Query {
  const PrincipalId* principal = nullptr;
  const std::string* principal_text = nullptr;  // as a server has it from the request
  const Target* target = nullptr;
  const std::vector<std::string>* chain = nullptr;  // target scope and its ancestors
  Category category = Category::kDirect;
};

// The SQL equivalent of Engine::Check on a read-only connection of its own.
class SqlChecker {
 public:
  SqlChecker() = default;
  SqlChecker(const SqlChecker&) = delete;
  SqlChecker& operator=(const SqlChecker&) = delete;
  ~SqlChecker() {
    sqlite3_finalize(stmt_);
    sqlite3_close_v2(db_);
  }

  absl::Status Open(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      return absl::UnavailableError("cannot open the data set read-only");
    }
    const char* setup =
        "PRAGMA temp_store = MEMORY;"
        "CREATE TEMP TABLE bench_members (member TEXT NOT NULL, grp TEXT NOT NULL,"
        "  PRIMARY KEY (member, grp)) WITHOUT ROWID;"
        "INSERT OR IGNORE INTO bench_members"
        "  SELECT json_extract(body, '$.principal'), json_extract(body, '$.group')"
        "  FROM memberships WHERE json_extract(body, '$.access') = 'member';";
    if (sqlite3_exec(db_, setup, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return absl::InternalError(absl::StrCat("sql setup: ", sqlite3_errmsg(db_)));
    }
    if (sqlite3_prepare_v2(db_, kSql, -1, &stmt_, nullptr) != SQLITE_OK) {
      return absl::InternalError(absl::StrCat("sql prepare: ", sqlite3_errmsg(db_)));
    }
    return absl::OkStatus();
  }

  // Whether `principal` holds `target` at `now_ns`.
  bool Check(const std::string& principal, const Target& target, std::int64_t now_ns) {
    const std::string_view access = kGroupAccessNames.Name(target.access);
    sqlite3_bind_text(stmt_, 1, principal.data(), static_cast<int>(principal.size()),
                      SQLITE_STATIC);
    sqlite3_bind_text(stmt_, 2, target.object_id.data(), static_cast<int>(target.object_id.size()),
                      SQLITE_STATIC);
    sqlite3_bind_text(stmt_, 3, access.data(), static_cast<int>(access.size()), SQLITE_STATIC);
    sqlite3_bind_int64(stmt_, 4, now_ns);
    sqlite3_bind_text(stmt_, 5, target.scope.data(), static_cast<int>(target.scope.size()),
                      SQLITE_STATIC);
    const int rc = sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      std::cerr << "sql_full: " << sqlite3_errmsg(db_) << "\n";
      std::abort();
    }
    return rc == SQLITE_ROW;
  }

  // EXPLAIN QUERY PLAN of the statement, one line per step.
  std::string Plan() {
    sqlite3_stmt* plan = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, absl::StrCat("EXPLAIN QUERY PLAN ", kSql).c_str(), -1, &plan,
                           nullptr) != SQLITE_OK) {
      return sqlite3_errmsg(db_);
    }
    while (sqlite3_step(plan) == SQLITE_ROW) {
      absl::StrAppend(&out, "  ", sqlite3_column_int(plan, 0), "/", sqlite3_column_int(plan, 1),
                      " ", reinterpret_cast<const char*>(sqlite3_column_text(plan, 3)), "\n");
    }
    sqlite3_finalize(plan);
    return out;
  }

 private:
  static constexpr const char* kSql = R"sql(
WITH RECURSIVE
  holders(pid, depth) AS (
    SELECT ?1, 0
    UNION
    SELECT m.grp, h.depth + 1 FROM holders h JOIN bench_members m ON m.member = h.pid
      WHERE h.depth < 8
    UNION
    SELECT s.object_id, h.depth + 1 FROM holders h JOIN schedules s ON s.principal_id = h.pid
      WHERE h.depth < 8 AND s.target_kind = 'group' AND s.kind = 'assignment'
        AND s.access = 'member' AND s.start_ns <= ?4 AND (s.end_ns IS NULL OR s.end_ns > ?4)
  ),
  chain(path) AS (
    SELECT ?5
    UNION
    SELECT json_extract(sc.body, '$.parent') FROM chain c JOIN scopes sc ON sc.key = c.path
      WHERE json_extract(sc.body, '$.parent') <> ''
  )
SELECT s.key FROM holders h JOIN schedules s
  ON s.principal_id = h.pid AND s.object_id = ?2 AND s.kind = 'assignment' AND s.access = ?3
  WHERE s.start_ns <= ?4 AND (s.end_ns IS NULL OR s.end_ns > ?4)
    AND s.scope IN (SELECT path FROM chain)
UNION ALL
SELECT m.key FROM holders h JOIN memberships m ON m.key = ?2 || '/' || ?3 || '/' || h.pid
  WHERE ?5 = ''
LIMIT 1
)sql";

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// A clock stopped at DatasetNow() that takes no lock (ManualClock takes a mutex on every
// Now(), which would serialise the multi-threaded runs; production's SystemClock takes none).
class FixedClock final : public Clock {
 public:
  [[nodiscard]] absl::Time Now() const override { return now_; }

 private:
  const absl::Time now_ = DatasetNow();
};

struct Stats {
  std::int64_t count = 0;
  double p50 = 0, p90 = 0, p99 = 0, p999 = 0, mean = 0;
  double allowed_pct = 0;
  std::int64_t unexpected_denials = 0;
};

// Everything the benchmarks share; built in main() before any benchmark runs.
struct World {
  explicit World(Dataset d) : dataset(std::move(d)) {}
  Dataset dataset;
  std::string path;
  FixedClock clock;
  SequentialIdGenerator ids{1};
  std::unique_ptr<SqliteStore> store;
  std::unique_ptr<Engine> engine;
  SqlChecker sql;
  std::vector<PrincipalId> principal_ids;
  std::vector<std::string> principal_texts;
  std::deque<Target> targets;
  absl::flat_hash_map<std::uint64_t, const Target*> target_pool;
  std::vector<std::vector<std::string>> chains;  // per scope index
  std::vector<std::string> group_chain{""};
  std::vector<Query> mixed;
  std::array<std::vector<Query>, kCategories> by_category;
  double timer_overhead_ns = 0;
  // (implementation, category or "mixed") -> stats
  std::map<std::pair<std::string, std::string>, Stats> results;
};
World* g_world = nullptr;

bool IsGroupClass(TargetClass c) {
  return c == TargetClass::kGroupMember || c == TargetClass::kGroupOwner;
}

const Target* PooledTarget(World& w, const CompactSchedule& s, std::uint32_t scope) {
  const std::uint32_t effective_scope = IsGroupClass(s.cls) ? 0 : scope;
  const std::uint64_t key = (static_cast<std::uint64_t>(s.cls) << 56) |
                            (static_cast<std::uint64_t>(s.object) << 32) | effective_scope;
  auto [it, inserted] = w.target_pool.try_emplace(key, nullptr);
  if (inserted) {
    w.targets.push_back(w.dataset.TargetAt(s, effective_scope));
    it->second = &w.targets.back();
  }
  return it->second;
}

Query MakeQuery(World& w, std::uint32_t principal, const CompactSchedule& s, std::uint32_t scope,
                Category category) {
  Query q;
  q.principal = &w.principal_ids[principal];
  q.principal_text = &w.principal_texts[principal];
  q.target = PooledTarget(w, s, scope);
  q.chain = IsGroupClass(s.cls) ? &w.group_chain : &w.chains[scope];
  q.category = category;
  return q;
}

// Builds `count` queries in the kMix proportions, in random order (deterministic).
void BuildQueries(World& w, std::size_t count) {
  const Dataset& d = w.dataset;
  const auto& schedules = d.schedules();
  const auto e_count = d.spec().eligibilities;

  // Active members of each group (standing and PIM), and the group-held assignments.
  std::vector<std::vector<std::uint32_t>> members(d.spec().groups);
  for (const CompactMembership& m : d.memberships()) members[m.group].push_back(m.member);
  std::vector<std::uint32_t> user_assignments;
  std::vector<std::uint32_t> group_assignments;
  std::vector<std::uint32_t> inheritable;  // user-held resource roles above resource level
  for (auto i = static_cast<std::uint32_t>(e_count); i < schedules.size(); ++i) {
    const CompactSchedule& s = schedules[i];
    if (s.cls == TargetClass::kGroupMember) members[s.object].push_back(s.principal);
    if (d.IsGroup(s.principal)) {
      group_assignments.push_back(i);
    } else {
      user_assignments.push_back(i);
      if (s.cls == TargetClass::kResourceRole && !d.scopes()[s.scope].children.empty()) {
        inheritable.push_back(i);
      }
    }
  }
  std::vector<std::uint32_t> user_eligibilities;
  for (std::uint32_t i = 0; i < e_count; ++i) {
    if (!d.IsGroup(schedules[i].principal)) user_eligibilities.push_back(i);
  }

  std::uint64_t state = 0x2545f4914f6cdd1dULL;
  auto next = [&]() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  auto below = [&](std::size_t n) { return static_cast<std::uint32_t>(next() % n); };
  auto user_member_of = [&](std::uint32_t group) -> std::optional<std::uint32_t> {
    const auto& list = members[group];
    for (int tries = 0; tries < 8 && !list.empty(); ++tries) {
      const std::uint32_t p = list[below(list.size())];
      if (!d.IsGroup(p)) return p;
    }
    return std::nullopt;
  };

  w.mixed.reserve(count);
  while (w.mixed.size() < count) {
    std::uint32_t roll = below(100);
    std::size_t c = 0;
    while (roll >= kMix[c]) roll -= kMix[c++];
    const auto category = static_cast<Category>(c);
    std::optional<Query> q;
    switch (category) {
      case Category::kDirect: {
        const CompactSchedule& s = schedules[user_assignments[below(user_assignments.size())]];
        q = MakeQuery(w, s.principal, s, s.scope, category);
        break;
      }
      case Category::kViaGroup: {
        const CompactSchedule& s = schedules[group_assignments[below(group_assignments.size())]];
        if (auto member = user_member_of(s.principal - d.spec().users)) {
          q = MakeQuery(w, *member, s, s.scope, category);
        }
        break;
      }
      case Category::kViaNestedGroup: {
        // user -> group -> group that holds the assignment.
        const CompactSchedule& s = schedules[group_assignments[below(group_assignments.size())]];
        const auto& list = members[s.principal - d.spec().users];
        std::vector<std::uint32_t> child_groups;
        for (const std::uint32_t p : list) {
          if (d.IsGroup(p)) child_groups.push_back(p);
        }
        if (child_groups.empty()) break;
        const std::uint32_t child = child_groups[below(child_groups.size())];
        if (auto member = user_member_of(child - d.spec().users)) {
          q = MakeQuery(w, *member, s, s.scope, category);
        }
        break;
      }
      case Category::kInheritedScope: {
        const CompactSchedule& s = schedules[inheritable[below(inheritable.size())]];
        std::uint32_t scope = s.scope;
        while (!d.scopes()[scope].children.empty()) {
          const auto& children = d.scopes()[scope].children;
          scope = children[below(children.size())];
        }
        q = MakeQuery(w, s.principal, s, scope, category);
        break;
      }
      case Category::kMissEligible: {
        const CompactSchedule& s = schedules[user_eligibilities[below(user_eligibilities.size())]];
        q = MakeQuery(w, s.principal, s, s.scope, category);
        break;
      }
      case Category::kMissRandom: {
        CompactSchedule s;
        s.cls = TargetClass::kResourceRole;
        s.object = below(d.resource_roles().size());
        std::uint32_t scope = 0;
        while (!d.scopes()[scope].children.empty()) {
          const auto& children = d.scopes()[scope].children;
          scope = children[below(children.size())];
          if (d.scopes()[scope].kind == ScopeKind::kAdministrativeUnit) scope = 0;
        }
        q = MakeQuery(w, below(d.spec().users), s, scope, category);
        break;
      }
    }
    if (!q) continue;  // no suitable member; draw again
    w.mixed.push_back(*q);
    w.by_category[c].push_back(*q);
  }
}

double MeasureTimerOverheadNs() {
  std::vector<std::int64_t> samples(1'000'000);
  for (auto& s : samples) {
    const auto t0 = SteadyClock::now();
    const auto t1 = SteadyClock::now();
    s = (t1 - t0).count();
  }
  std::sort(samples.begin(), samples.end());
  return Percentile(samples, 0.5);
}

// Reads every byte a query's check will read of its arguments, so that they are in this
// thread's cache when the timer starts, as they are for a server that has just parsed them
// from a request. Without it each query would also pay the harness's own misses: the
// principal and target strings are shared, scattered, and met in random order. The scope
// chain is an argument of sql_store only; the others would merely have it evict their data.
void WarmArguments(const Query& q, bool chain) {
  unsigned sum = 0;
  for (const std::string* text : {q.principal_text, &q.target->object_id, &q.target->scope}) {
    for (const char c : *text) sum += static_cast<unsigned char>(c);
  }
  if (chain) {
    for (const std::string& scope : *q.chain) {
      for (const char c : scope) sum += static_cast<unsigned char>(c);
    }
  }
  benchmark::DoNotOptimize(sum);
}

// Runs `check` once per iteration over `queries`, timing each call (its arguments warmed first).
template <typename CheckFn>
void RunLatency(benchmark::State& state, const std::vector<Query>& queries, const std::string& impl,
                const std::string& category, CheckFn check) {
  const bool warm_chain = impl == "sql_store";
  std::vector<std::int64_t> samples;
  samples.reserve(static_cast<std::size_t>(state.max_iterations));
  std::int64_t allowed = 0;
  std::int64_t unexpected = 0;
  std::size_t i = 0;
  for (auto _ : state) {
    const Query& q = queries[i];
    i = i + 1 == queries.size() ? 0 : i + 1;
    WarmArguments(q, warm_chain);
    const auto t0 = SteadyClock::now();
    const bool ok = check(q);
    const auto t1 = SteadyClock::now();
    samples.push_back((t1 - t0).count());
    allowed += ok ? 1 : 0;
    if (!ok && ExpectAllowed(q.category)) ++unexpected;
  }
  std::sort(samples.begin(), samples.end());
  Stats st;
  st.count = static_cast<std::int64_t>(samples.size());
  st.p50 = Percentile(samples, 0.50);
  st.p90 = Percentile(samples, 0.90);
  st.p99 = Percentile(samples, 0.99);
  st.p999 = Percentile(samples, 0.999);
  double sum = 0;
  for (const auto s : samples) sum += static_cast<double>(s);
  st.mean = samples.empty() ? 0 : sum / static_cast<double>(samples.size());
  st.allowed_pct = samples.empty()
                       ? 0
                       : 100.0 * static_cast<double>(allowed) / static_cast<double>(samples.size());
  st.unexpected_denials = unexpected;
  state.counters["p50_ns"] = st.p50;
  state.counters["p90_ns"] = st.p90;
  state.counters["p99_ns"] = st.p99;
  state.counters["p999_ns"] = st.p999;
  state.counters["allowed_pct"] = st.allowed_pct;
  state.counters["unexpected_denials"] = static_cast<double>(unexpected);
  state.SetItemsProcessed(state.iterations());
  g_world->results[{impl, category}] = st;
}

bool EngineCheck(const Query& q) {
  const CheckAnswer answer = g_world->engine->Check(*q.principal_text, *q.target);
  return answer.allowed;
}

bool SqlStoreCheck(const Query& q) {
  const auto found = g_world->store->QueryActiveAssignment(
      *q.principal, q.target->object_id, q.target->access, *q.chain, DatasetNow());
  if (!found.ok()) {
    std::cerr << "sql_store: " << found.status() << "\n";
    std::abort();
  }
  return found->has_value();
}

bool SqlFullCheck(const Query& q) {
  return g_world->sql.Check(*q.principal_text, *q.target, absl::ToUnixNanos(DatasetNow()));
}

// Throughput of Engine::Check from several threads at once (reader lock shared).
void BM_EngineCheckThroughput(benchmark::State& state) {
  const auto& queries = g_world->mixed;
  std::size_t i = (queries.size() / 7) * static_cast<std::size_t>(state.thread_index());
  std::int64_t allowed = 0;
  for (auto _ : state) {
    allowed += EngineCheck(queries[i]) ? 1 : 0;
    i = i + 1 == queries.size() ? 0 : i + 1;
  }
  benchmark::DoNotOptimize(allowed);
  state.SetItemsProcessed(state.iterations());
}

// The engine and sql_full answer the same question: they must agree on every query that SQL
// is timed on. Prints the disagreements (a few in full) and returns how many there were.
std::size_t CrossCheck(World& w, std::size_t n) {
  std::size_t mismatches = 0;
  std::array<std::size_t, kCategories> per_category{};
  for (std::size_t i = 0; i < n && i < w.mixed.size(); ++i) {
    const Query& q = w.mixed[i];
    const CheckAnswer engine = w.engine->Check(*q.principal_text, *q.target);
    const bool sql = SqlFullCheck(q);
    if (engine.allowed == sql) continue;
    ++per_category[static_cast<std::size_t>(q.category)];
    if (mismatches++ < 5) {
      std::cout << "  MISMATCH " << kCategoryNames[static_cast<std::size_t>(q.category)] << ": "
                << q.principal->str() << " " << q.target->Key() << " engine=" << engine.allowed
                << " (" << engine.granted_by.str() << " via '" << engine.via_group.str()
                << "') sql=" << sql << "\n";
    }
  }
  std::cout << "cross-check engine vs sql_full on " << std::min(n, w.mixed.size())
            << " queries: " << mismatches << " disagreements";
  for (std::size_t c = 0; c < kCategories; ++c) {
    if (per_category[c] != 0) std::cout << " " << kCategoryNames[c] << "=" << per_category[c];
  }
  std::cout << "\n";
  return mismatches;
}

// Dependent random loads through a buffer of `bytes` holding one random cycle (Sattolo's
// algorithm): the cost of one cache + TLB miss on this machine, the floor under every lookup
// of an index much larger than the caches. `huge` asks for transparent huge pages.
void BM_MemoryLatency(benchmark::State& state, std::size_t bytes, bool huge) {
  void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == reinterpret_cast<void*>(static_cast<std::intptr_t>(-1))) {
    state.SkipWithError("mmap failed");
    return;
  }
  madvise(mem, bytes, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
  auto* next = static_cast<std::uint64_t*>(mem);
  const std::size_t n = bytes / sizeof(std::uint64_t);
  for (std::size_t i = 0; i < n; ++i) next[i] = i;
  std::uint64_t rng = 0x9e3779b97f4a7c15ULL;
  for (std::size_t i = n - 1; i > 0; --i) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    std::swap(next[i], next[rng % i]);
  }
  std::uint64_t cur = 0;
  for (auto _ : state) {
    cur = next[cur];
    benchmark::DoNotOptimize(cur);
  }
  munmap(mem, bytes);
}

void PrintSummary(const World& w) {
  auto get = [&](const std::string& impl, const std::string& cat) -> const Stats* {
    auto it = w.results.find({impl, cat});
    return it == w.results.end() ? nullptr : &it->second;
  };
  std::cout << "\n==== Check latency summary (ns per query; timer overhead " << w.timer_overhead_ns
            << " ns included) ====\n";
  std::cout << absl::StrFormat("%-18s %9s %9s %9s %9s %9s | %11s %11s | %9s %9s\n", "category",
                               "eng p50", "eng p90", "eng p99", "eng p99.9", "eng mean",
                               "sqlstore50", "sqlfull p50", "x store", "x full");
  std::vector<std::string> cats = {"mixed"};
  for (const char* c : kCategoryNames) cats.emplace_back(c);
  for (const auto& c : cats) {
    const Stats* e = get("engine", c);
    const Stats* s = get("sql_store", c);
    const Stats* f = get("sql_full", c);
    if (e == nullptr) continue;
    std::cout << absl::StrFormat(
        "%-18s %9.0f %9.0f %9.0f %9.0f %9.0f | %11.0f %11.0f | %9.0f %9.0f\n", c, e->p50, e->p90,
        e->p99, e->p999, e->mean, s ? s->p50 : 0.0, f ? f->p50 : 0.0,
        s && e->p50 > 0 ? s->p50 / e->p50 : 0.0, f && e->p50 > 0 ? f->p50 / e->p50 : 0.0);
  }
  std::cout << "\nallowed % (unexpected denials among must-allow queries):\n";
  for (const auto& c : cats) {
    std::cout << absl::StrFormat("%-18s", c);
    for (const char* impl : {"engine", "sql_store", "sql_full"}) {
      if (const Stats* st = get(impl, c)) {
        std::cout << absl::StrFormat("  %s %6.2f%% (%d)", impl, st->allowed_pct,
                                     st->unexpected_denials);
      }
    }
    std::cout << "\n";
  }
}

}  // namespace
}  // namespace pim::bench

int main(int argc, char** argv) {
  using namespace pim::bench;
  // As a production main (pimd) does: Debian's abseil runs the Mutex deadlock detector by
  // default, which adds a process-wide lock to every lock/unlock.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  auto flag = [&](const char* name, std::size_t fallback) -> std::size_t {
    const auto v = TakeFlag(argc, argv, name);
    return v ? std::strtoull(v->c_str(), nullptr, 10) : fallback;
  };
  const auto divisor = static_cast<std::uint32_t>(flag("divisor", 1));
  const std::size_t queries = flag("queries", 1'000'000);
  const std::size_t sql_queries = flag("sql_queries", 200'000);
  const std::size_t sql_category_queries = flag("sql_category_queries", 30'000);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  std::cout << "machine: " << MachineDescription() << "\n";
  const DatasetSpec spec = DatasetSpec::Scaled(divisor);
  const auto path = EnsureDataset(spec);
  if (!path.ok()) {
    std::cerr << path.status() << "\n";
    return 1;
  }
  const auto t0 = SteadyClock::now();
  World world(Dataset::Build(spec));
  g_world = &world;
  world.path = *path;
  auto store = pim::SqliteStore::Open(*path);
  if (!store.ok()) {
    std::cerr << store.status() << "\n";
    return 1;
  }
  world.store = std::move(*store);
  auto engine = pim::Engine::Open(*world.store, world.clock, world.ids);
  if (!engine.ok()) {
    std::cerr << "Engine::Open: " << engine.status() << "\n";
    return 1;
  }
  world.engine = std::move(*engine);
  std::cout << "data set " << *path << ": " << world.dataset.entity_count()
            << " entities; engine at revision " << world.engine->revision() << "\n";
  world.engine->Read([](const pim::State& s) {
    std::cout << "engine state: " << s.principals().size() << " principals, "
              << s.memberships().size() << " memberships, " << s.scopes().size() << " scopes, "
              << s.schedules().size() << " schedules, " << s.roles().size() << " roles\n";
  });
  if (absl::Status s = world.sql.Open(*path); !s.ok()) {
    std::cerr << s << "\n";
    return 1;
  }
  for (std::uint32_t p = 0; p < world.dataset.principal_count(); ++p) {
    world.principal_ids.emplace_back(world.dataset.PrincipalId(p));
    world.principal_texts.push_back(world.principal_ids.back().str());
  }
  for (std::uint32_t s = 0; s < world.dataset.scopes().size(); ++s) {
    world.chains.push_back(world.dataset.ScopeChain(s));
  }
  BuildQueries(world, queries);
  world.timer_overhead_ns = MeasureTimerOverheadNs();
  std::cout << "setup (model, store + engine open, SQL temp table, " << queries
            << " queries): " << std::chrono::duration<double>(SteadyClock::now() - t0).count()
            << " s\n";
  std::cout << "timer overhead (steady_clock pair, median): " << world.timer_overhead_ns << " ns\n";
  std::cout << "sql_full query plan:\n" << world.sql.Plan();
  CrossCheck(world, sql_queries);

  auto add = [&](const std::string& impl, const std::string& category,
                 const std::vector<Query>& list, std::size_t iterations, auto fn) {
    if (list.empty() || iterations == 0) return;
    benchmark::RegisterBenchmark(absl::StrCat("check/", impl, "/", category).c_str(),
                                 [impl, category, &list, fn](benchmark::State& st) {
                                   RunLatency(st, list, impl, category, fn);
                                 })
        ->Iterations(static_cast<benchmark::IterationCount>(iterations))
        ->Unit(benchmark::kNanosecond);
  };
  add("engine", "mixed", world.mixed, world.mixed.size(), EngineCheck);
  for (std::size_t c = 0; c < kCategories; ++c) {
    add("engine", kCategoryNames[c], world.by_category[c], world.by_category[c].size(),
        EngineCheck);
  }
  for (const auto& [impl, fn] : {std::pair{std::string("sql_store"), &SqlStoreCheck},
                                 std::pair{std::string("sql_full"), &SqlFullCheck}}) {
    add(impl, "mixed", world.mixed, std::min(sql_queries, world.mixed.size()), fn);
    for (std::size_t c = 0; c < kCategories; ++c) {
      add(impl, kCategoryNames[c], world.by_category[c],
          std::min(sql_category_queries, world.by_category[c].size()), fn);
    }
  }
  benchmark::RegisterBenchmark("check/engine_throughput/mixed", BM_EngineCheckThroughput)
      ->Iterations(static_cast<benchmark::IterationCount>(world.mixed.size()))
      ->Threads(1)
      ->Threads(2)
      ->UseRealTime()
      ->Unit(benchmark::kNanosecond);

  for (const bool huge : {false, true}) {
    benchmark::RegisterBenchmark(
        huge ? "memory/dependent_load_256MiB/huge_pages" : "memory/dependent_load_256MiB/4k_pages",
        BM_MemoryLatency, std::size_t{256} << 20, huge)
        ->Iterations(5'000'000)
        ->Unit(benchmark::kNanosecond);
  }

  benchmark::RunSpecifiedBenchmarks();
  PrintSummary(world);
  benchmark::Shutdown();
  return 0;
}
