// Durable activations per second: eligible users each Submit(selfActivate) with MFA and a
// justification against an Engine on a SqliteStore (WAL, synchronous=FULL: every successful
// Submit is on disk when it returns), sequentially and from 2, 8 and 32 threads (the engine's
// group commit shares one fsync among the commands planned while a commit is in flight).
//
//   pim_activation_bench [--divisor=N] [--activations=3000] [benchmark flags]
//
// The engine runs on a copy of the full data set (build/bench/activation-work.sqlite, deleted
// at the end), so each command sees a realistically large state. A Store wrapper times every
// Commit() so that the SQLite share (statements + fsync) can be told apart from the engine's
// own work; the fsync floor of the disk is measured separately (fdatasync of a 4 KiB write).
// At the end the change log is read back to confirm that every activation was committed.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "benchmark/benchmark.h"
#include "dataset.h"
#include "pim/engine/engine.h"
#include "pim/engine/manual_clock.h"
#include "pim/store/sqlite_store.h"

namespace pim::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Forwards to another Store, timing Commit(). Thread-safe (the engine serialises commits).
class TimingStore final : public Store {
 public:
  explicit TimingStore(Store& inner) : inner_(inner) {}
  absl::StatusOr<Revision> LoadInto(EntitySink& sink) override { return inner_.LoadInto(sink); }
  absl::Status Commit(std::span<const ChangeRecord> records) override {
    const auto t0 = SteadyClock::now();
    absl::Status s = inner_.Commit(records);
    commit_ns_ += (SteadyClock::now() - t0).count();
    ++commits_;
    return s;
  }
  absl::StatusOr<std::vector<ChangeRecord>> ReadChanges(Revision after,
                                                        std::size_t limit) override {
    return inner_.ReadChanges(after, limit);
  }
  void Reset() {
    commit_ns_ = 0;
    commits_ = 0;
  }
  [[nodiscard]] std::int64_t commit_ns() const { return commit_ns_; }
  [[nodiscard]] std::int64_t commits() const { return commits_; }

 private:
  Store& inner_;
  std::atomic<std::int64_t> commit_ns_{0};
  std::atomic<std::int64_t> commits_{0};
};

struct World {
  std::string work_path;
  std::unique_ptr<SqliteStore> sqlite;
  std::unique_ptr<TimingStore> store;
  ManualClock clock{DatasetNow()};
  RandomIdGenerator ids;
  std::unique_ptr<Engine> engine;
  Revision base_revision = 0;
  std::vector<RequestInput> inputs;      // one per distinct eligible user
  std::atomic<std::size_t> next{0};      // next unused input
  std::vector<std::int64_t> latency_ns;  // per input
  std::atomic<std::int64_t> failures{0};
  std::mutex error_mu;
  std::string first_error;
};
World* g_world = nullptr;

// Eligibilities of distinct users for targets they hold no assignment of; directory roles
// other than Global/Privileged Role Administrator. Deterministic order.
std::vector<RequestInput> Candidates(const Dataset& d) {
  const auto& schedules = d.schedules();
  absl::flat_hash_set<std::uint64_t> assigned;
  auto key = [](const CompactSchedule& s) {
    return (static_cast<std::uint64_t>(s.principal) << 40) |
           (static_cast<std::uint64_t>(s.cls) << 38) |
           (static_cast<std::uint64_t>(s.object) << 22) | s.scope;
  };
  for (std::size_t i = d.spec().eligibilities; i < schedules.size(); ++i) {
    assigned.insert(key(schedules[i]));
  }
  absl::flat_hash_set<std::uint32_t> used;
  std::vector<RequestInput> out;
  // A stride through the eligibilities spreads the users and targets.
  const std::size_t n = d.spec().eligibilities;
  for (std::size_t k = 0; k < n; ++k) {
    const CompactSchedule& s = schedules[(k * 7919) % n];
    if (d.IsGroup(s.principal) || assigned.contains(key(s))) continue;
    if (s.cls == TargetClass::kDirectoryRole && s.object < 2) continue;
    if (!used.insert(s.principal).second) continue;
    RequestInput in;
    in.kind = ScheduleKind::kAssignment;
    in.action = RequestAction::kSelfActivate;
    in.principal = PrincipalId(d.PrincipalId(s.principal));
    in.target = d.TargetOf(s);
    in.schedule_info.expiration =
        Expiration{ExpirationType::kAfterDuration, std::nullopt, absl::Hours(1)};
    in.justification = "Investigating incident INC-4711";
    out.push_back(std::move(in));
  }
  return out;
}

void BM_Activate(benchmark::State& state) {
  World& w = *g_world;
  if (state.thread_index() == 0) w.store->Reset();
  const std::size_t first = w.next.load();
  for (auto _ : state) {
    const std::size_t i = w.next.fetch_add(1);
    if (i >= w.inputs.size()) {
      state.SkipWithError("ran out of eligible users");
      break;
    }
    const RequestInput& in = w.inputs[i];
    const Caller caller = Caller::User(in.principal.str()).WithMfa(DatasetNow());
    const auto t0 = SteadyClock::now();
    auto r = w.engine->Submit(caller, in);
    w.latency_ns[i] = (SteadyClock::now() - t0).count();
    if (!r.ok() || r->status != RequestStatus::kProvisioned) {
      ++w.failures;
      std::lock_guard<std::mutex> lock(w.error_mu);
      if (w.first_error.empty()) {
        w.first_error =
            r.ok() ? absl::StrCat("status ", std::string(kRequestStatusNames.Name(r->status)))
                   : r.status().ToString();
      }
    }
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() != 0) return;
  // After the loop all threads have stopped (the framework's barrier): summarise the run.
  const std::size_t last = std::min(w.next.load(), w.inputs.size());
  std::vector<std::int64_t> lat(w.latency_ns.begin() + static_cast<std::ptrdiff_t>(first),
                                w.latency_ns.begin() + static_cast<std::ptrdiff_t>(last));
  std::sort(lat.begin(), lat.end());
  double sum = 0;
  for (const auto v : lat) sum += static_cast<double>(v);
  state.counters["p50_ms"] = Percentile(lat, 0.5) / 1e6;
  state.counters["p99_ms"] = Percentile(lat, 0.99) / 1e6;
  state.counters["commits"] = static_cast<double>(w.store->commits());
  state.counters["activations_per_commit"] =
      w.store->commits() == 0
          ? 0.0
          : static_cast<double>(lat.size()) / static_cast<double>(w.store->commits());
  state.counters["commit_ms_mean"] = w.store->commits() == 0
                                         ? 0.0
                                         : static_cast<double>(w.store->commit_ns()) / 1e6 /
                                               static_cast<double>(w.store->commits());
  state.counters["commit_share_pct"] =
      sum == 0 ? 0.0 : 100.0 * static_cast<double>(w.store->commit_ns()) / sum;
  state.counters["failures"] = static_cast<double>(w.failures.load());
}

// How many WAL frames (one page image each) an activation's commit appends: `count`
// activations on the freshly opened engine, whose WAL starts empty, measured by the growth of
// the -wal file (header: 32 bytes; each frame: 24 bytes + one page). SQLite checkpoints at
// 1000 frames by default, so `count` must stay well below 1000 / frames-per-commit. Consumes
// `count` inputs. Returns a negative value when it could not measure.
double WalFramesPerActivation(World& w, std::size_t count) {
  const std::string wal = absl::StrCat(w.work_path, "-wal");
  const auto size = [&]() -> std::int64_t {
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(wal, ec);
    return ec ? 0 : static_cast<std::int64_t>(bytes);
  };
  const std::int64_t before = size();
  std::size_t done = 0;
  for (; done < count; ++done) {
    const std::size_t i = w.next.fetch_add(1);
    if (i >= w.inputs.size()) return -1;
    const RequestInput& in = w.inputs[i];
    auto r = w.engine->Submit(Caller::User(in.principal.str()).WithMfa(DatasetNow()), in);
    if (!r.ok()) return -1;
  }
  // The page size is a big-endian 32-bit field at offset 8 of the WAL header.
  std::ifstream in(wal, std::ios::binary);
  std::array<unsigned char, 12> header{};
  if (!in.read(reinterpret_cast<char*>(header.data()), header.size())) return -1;
  const std::int64_t page = (std::int64_t{header[8]} << 24) | (std::int64_t{header[9]} << 16) |
                            (std::int64_t{header[10]} << 8) | std::int64_t{header[11]};
  const std::int64_t grown = size() - std::max<std::int64_t>(before, 32);
  if (page <= 0 || grown <= 0) return -1;
  return static_cast<double>(grown) / static_cast<double>(24 + page) / static_cast<double>(done);
}

// The disk's durability floor: one 4 KiB write + fdatasync per iteration, as a WAL commit.
void BM_Fdatasync(benchmark::State& state) {
  const std::string path = absl::StrCat(PIM_BENCH_DATA_DIR, "/fsync-probe.bin");
  const int fd = open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
  if (fd < 0) {
    state.SkipWithError("cannot create the probe file");
    return;
  }
  std::vector<char> page(4096, 'x');
  std::vector<std::int64_t> lat;
  lat.reserve(static_cast<std::size_t>(state.max_iterations));
  off_t offset = 0;
  for (auto _ : state) {
    const auto t0 = SteadyClock::now();
    if (pwrite(fd, page.data(), page.size(), offset) != static_cast<ssize_t>(page.size()) ||
        fdatasync(fd) != 0) {
      state.SkipWithError("write/fdatasync failed");
      break;
    }
    lat.push_back((SteadyClock::now() - t0).count());
    offset += static_cast<off_t>(page.size());
  }
  close(fd);
  std::filesystem::remove(path);
  std::sort(lat.begin(), lat.end());
  state.counters["p50_ms"] = Percentile(lat, 0.5) / 1e6;
  state.counters["p99_ms"] = Percentile(lat, 0.99) / 1e6;
  state.SetItemsProcessed(state.iterations());
}

}  // namespace
}  // namespace pim::bench

int main(int argc, char** argv) {
  using namespace pim::bench;
  // As a production main (pimd) does: Debian's abseil runs the Mutex deadlock detector by
  // default, which adds a process-wide lock to every lock/unlock.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  const auto divisor_flag = TakeFlag(argc, argv, "divisor");
  const auto activations_flag = TakeFlag(argc, argv, "activations");
  const std::uint32_t divisor =
      divisor_flag ? static_cast<std::uint32_t>(std::strtoul(divisor_flag->c_str(), nullptr, 10))
                   : 1;
  const std::size_t activations =
      activations_flag ? std::strtoull(activations_flag->c_str(), nullptr, 10) : 3000;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  std::cout << "machine: " << MachineDescription() << "\n";

  const DatasetSpec spec = DatasetSpec::Scaled(divisor);
  const auto path = EnsureDataset(spec);
  if (!path.ok()) {
    std::cerr << path.status() << "\n";
    return 1;
  }
  World world;
  g_world = &world;
  world.work_path = absl::StrCat(PIM_BENCH_DATA_DIR, "/activation-work.sqlite");
  auto remove_work = [&] {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(absl::StrCat(world.work_path, suffix));
    }
  };
  remove_work();
  const auto t0 = std::chrono::steady_clock::now();
  std::filesystem::copy_file(*path, world.work_path);
  const auto t1 = std::chrono::steady_clock::now();
  {
    const Dataset dataset = Dataset::Build(spec);
    world.inputs = Candidates(dataset);
  }
  auto sqlite = pim::SqliteStore::Open(world.work_path);
  if (!sqlite.ok()) {
    std::cerr << sqlite.status() << "\n";
    return 1;
  }
  world.sqlite = std::move(*sqlite);
  world.store = std::make_unique<TimingStore>(*world.sqlite);
  auto engine = pim::Engine::Open(*world.store, world.clock, world.ids);
  if (!engine.ok()) {
    std::cerr << "Engine::Open: " << engine.status() << "\n";
    return 1;
  }
  world.engine = std::move(*engine);
  world.base_revision = world.engine->revision();
  world.latency_ns.assign(world.inputs.size(), 0);
  std::cout << "copied the data set in " << std::chrono::duration<double>(t1 - t0).count()
            << " s; engine opened at revision " << world.base_revision << "; "
            << world.inputs.size() << " distinct eligible users available\n";
  if (auto settings = world.sqlite->Settings(); settings.ok()) {
    std::cout << "sqlite: journal_mode=" << settings->journal_mode
              << " synchronous=" << settings->synchronous << "\n";
  }
  std::cout << "WAL frames (page images) appended per activation commit, over 30 activations: "
            << WalFramesPerActivation(world, 30) << "\n";
  const std::size_t per_run = std::min(activations, world.inputs.size() / 4);

  // The disk's fsync latency moves with whatever else uses it: probe it before and after.
  benchmark::RegisterBenchmark("activation/fdatasync_4k/before", BM_Fdatasync)
      ->Iterations(500)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("activation/sqlite", BM_Activate)
      ->Iterations(static_cast<benchmark::IterationCount>(per_run))
      ->Threads(1)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  for (const int threads : {2, 8, 32}) {
    benchmark::RegisterBenchmark("activation/sqlite", BM_Activate)
        ->Iterations(static_cast<benchmark::IterationCount>(per_run / threads))
        ->Threads(threads)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("activation/fdatasync_4k/after", BM_Fdatasync)
      ->Iterations(500)
      ->Unit(benchmark::kMillisecond);
  benchmark::RunSpecifiedBenchmarks();

  // Every successful Submit (the WAL probe's included) must be in the change log on disk.
  const std::size_t submitted = std::min(world.next.load(), world.inputs.size());
  world.engine.reset();
  world.store.reset();
  world.sqlite.reset();
  auto reopened = pim::SqliteStore::Open(world.work_path);
  std::int64_t committed = 0;
  if (reopened.ok()) {
    auto changes = (*reopened)->ReadChanges(world.base_revision, 1'000'000);
    if (changes.ok()) {
      for (const auto& c : *changes) committed += c.event == "request.selfActivate" ? 1 : 0;
    }
  }
  std::cout << "\nsubmitted " << submitted << " activations, " << world.failures.load() << " failed"
            << (world.first_error.empty() ? "" : " (first: " + world.first_error + ")")
            << "; found " << committed << " request.selfActivate records in the reopened file\n";
  if (reopened.ok()) reopened->reset();
  remove_work();
  benchmark::Shutdown();
  return world.failures.load() == 0 && committed == static_cast<std::int64_t>(submitted) ? 0 : 1;
}
