// Cold start: how long SqliteStore::Open + Engine::Open take on the full data set, and the
// peak resident set size (VmHWM) the process reaches doing it.
//
//   pim_cold_start_bench [--divisor=N] [benchmark flags]
//
// Every measurement runs in a fresh child process (fork) so that VmHWM is that of one start
// and nothing is shared with the previous run; the child reports over a pipe and exits without
// tearing anything down. Variants:
//   cold_start/warm_cache   the file is in the OS page cache (the usual restart)
//   cold_start/cold_cache   sync + drop_caches first (needs root; skipped otherwise)
//   cold_start/load_only    SqliteStore::Open + Store::Load alone: the decoding share and the
//                           memory of StoreContents before the engine copies it
//   cold_start/phases       Engine::Open's work redone step by step with the public classes it
//                           is built from (Load, State::Put, AccessIndex::Add, TimerQueue::AddAll,
//                           freeing StoreContents), each timed, with the resident memory it adds
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <iostream>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "dataset.h"
#include "pim/engine/access_index.h"
#include "pim/engine/engine.h"
#include "pim/engine/manual_clock.h"
#include "pim/engine/state.h"
#include "pim/engine/timer_queue.h"
#include "pim/store/sqlite_store.h"

namespace pim::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::string g_path;

enum class Mode { kEngine, kLoadOnly, kPhases };

// What a child reports: named values. Plain data, written whole to a pipe.
struct ChildResult {
  static constexpr int kMaxValues = 24;
  int ok = 0;
  double total_s = 0;  // the measured interval, for the benchmark's manual time
  int count = 0;
  std::array<std::array<char, 32>, kMaxValues> names{};
  std::array<double, kMaxValues> values{};
  std::array<char, 256> error{};

  void Add(const char* name, double value) {
    if (count == kMaxValues) return;
    std::snprintf(names[static_cast<std::size_t>(count)].data(), 32, "%s", name);
    values[static_cast<std::size_t>(count)] = value;
    ++count;
  }
};

double Seconds(SteadyClock::time_point a, SteadyClock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double MiB(std::int64_t kib) { return static_cast<double>(kib) / 1024.0; }

// Writes `r` to `fd` and exits the child at once: no teardown of what was just built.
[[noreturn]] void Report(int fd, const ChildResult& r) {
  const bool written = write(fd, &r, sizeof(r)) == static_cast<ssize_t>(sizeof(r));
  _exit(written ? 0 : 1);
}

[[noreturn]] void Fail(int fd, ChildResult& r, const absl::Status& status) {
  std::snprintf(r.error.data(), r.error.size(), "%s", status.ToString().c_str());
  Report(fd, r);
}

// SqliteStore::Open + Engine::Open: what a restart costs.
[[noreturn]] void RunEngine(int fd) {
  ChildResult r;
  r.Add("peak_rss_before_MiB", MiB(ReadMemoryUsage().peak_kib));
  const auto t0 = SteadyClock::now();
  auto store = SqliteStore::Open(g_path);
  const auto t1 = SteadyClock::now();
  if (!store.ok()) Fail(fd, r, store.status());
  ManualClock clock(DatasetNow());
  SequentialIdGenerator ids;
  auto engine = Engine::Open(**store, clock, ids);
  const auto t2 = SteadyClock::now();
  if (!engine.ok()) Fail(fd, r, engine.status());
  const MemoryUsage m = ReadMemoryUsage();
  r.total_s = Seconds(t0, t2);
  r.Add("store_open_s", Seconds(t0, t1));
  r.Add("engine_open_s", Seconds(t1, t2));
  r.Add("total_s", r.total_s);
  r.Add("peak_rss_MiB", MiB(m.peak_kib));
  r.Add("rss_after_MiB", MiB(m.current_kib));
  (*engine)->Read(
      [&](const State& s) { r.Add("schedules", static_cast<double>(s.schedules().size())); });
  r.Add("revision", static_cast<double>((*engine)->revision()));
  r.ok = 1;
  Report(fd, r);
}

// The same work as Engine::Open, phase by phase, with the public pieces it is made of: how
// long each takes and how much resident memory each adds.
[[noreturn]] void RunPhases(int fd, bool load_only) {
  ChildResult r;
  const auto t0 = SteadyClock::now();
  auto store = SqliteStore::Open(g_path);
  if (!store.ok()) Fail(fd, r, store.status());
  const std::int64_t rss0 = ReadMemoryUsage().current_kib;
  const auto t1 = SteadyClock::now();
  auto contents = (*store)->Load();
  const auto t2 = SteadyClock::now();
  if (!contents.ok()) Fail(fd, r, contents.status());
  const std::int64_t rss1 = ReadMemoryUsage().current_kib;
  r.Add("store_open_s", Seconds(t0, t1));
  r.Add("load_s", Seconds(t1, t2));
  r.Add("load_MiB", MiB(rss1 - rss0));
  r.Add("entities", static_cast<double>(contents->entities.size()));
  if (load_only) {
    r.total_s = Seconds(t0, t2);
    r.Add("peak_rss_MiB", MiB(ReadMemoryUsage().peak_kib));
    r.ok = 1;
    Report(fd, r);
  }
  State state;
  for (const Entity& e : contents->entities) state.Put(e);
  const auto t3 = SteadyClock::now();
  const std::int64_t rss2 = ReadMemoryUsage().current_kib;
  AccessIndex index;
  for (const Entity& e : contents->entities) index.Add(e);
  const auto t4 = SteadyClock::now();
  const std::int64_t rss3 = ReadMemoryUsage().current_kib;
  TimerQueue timers;
  {  // as Engine::Open: collected, then sorted and built in one pass
    std::deque<Timer> pending;
    for (const Entity& e : contents->entities) {
      TimerQueue::ForEachTimerOf(e, [&](Timer t) { pending.push_back(std::move(t)); });
    }
    timers.AddAll(std::move(pending));
  }
  const auto t5 = SteadyClock::now();
  const std::int64_t rss4 = ReadMemoryUsage().current_kib;
  const MemoryUsage peak = ReadMemoryUsage();
  { const StoreContents drop = std::move(*contents); }
  const auto t6 = SteadyClock::now();
  const std::int64_t rss5 = ReadMemoryUsage().current_kib;
  r.total_s = Seconds(t0, t6);
  r.Add("state_s", Seconds(t2, t3));
  r.Add("state_MiB", MiB(rss2 - rss1));
  r.Add("index_s", Seconds(t3, t4));
  r.Add("index_MiB", MiB(rss3 - rss2));
  r.Add("index_grants", static_cast<double>(index.grant_count()));
  r.Add("timers_s", Seconds(t4, t5));
  r.Add("timers_MiB", MiB(rss4 - rss3));
  r.Add("timers", static_cast<double>(timers.size()));
  r.Add("free_contents_s", Seconds(t5, t6));
  r.Add("freed_MiB", MiB(rss4 - rss5));
  r.Add("peak_rss_MiB", MiB(peak.peak_kib));
  r.Add("rss_after_MiB", MiB(rss5));
  r.Add("total_s", r.total_s);
  r.ok = 1;
  Report(fd, r);
}

bool DropCaches() {
  sync();
  const int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
  if (fd < 0) return false;
  const bool ok = write(fd, "3", 1) == 1;
  close(fd);
  return ok;
}

void BM_ColdStart(benchmark::State& state, Mode mode, bool cold_cache) {
  for (auto _ : state) {
    if (cold_cache && !DropCaches()) {
      state.SkipWithError("cannot drop the page cache (needs root)");
      return;
    }
    int fds[2];
    if (pipe(fds) != 0) {
      state.SkipWithError("pipe failed");
      return;
    }
    std::cout.flush();
    const pid_t child = fork();
    if (child == 0) {
      close(fds[0]);
      if (mode == Mode::kEngine) RunEngine(fds[1]);
      RunPhases(fds[1], mode == Mode::kLoadOnly);
    }
    close(fds[1]);
    ChildResult r;
    const bool got = read(fds[0], &r, sizeof(r)) == static_cast<ssize_t>(sizeof(r));
    close(fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    if (!got || !r.ok) {
      state.SkipWithError(got ? r.error.data() : "child failed");
      return;
    }
    state.SetIterationTime(r.total_s);
    for (int i = 0; i < r.count; ++i) {
      state.counters[r.names[static_cast<std::size_t>(i)].data()] =
          r.values[static_cast<std::size_t>(i)];
    }
  }
}

}  // namespace
}  // namespace pim::bench

int main(int argc, char** argv) {
  using namespace pim::bench;
  const auto divisor = TakeFlag(argc, argv, "divisor");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  std::cout << "machine: " << MachineDescription() << "\n";
  std::cout << "sizeof(Entity)=" << sizeof(pim::Entity)
            << " sizeof(Schedule)=" << sizeof(pim::Schedule)
            << " sizeof(Policy)=" << sizeof(pim::Policy)
            << " sizeof(ScheduleRequest)=" << sizeof(pim::ScheduleRequest) << "\n";
  const DatasetSpec spec = DatasetSpec::Scaled(
      divisor ? static_cast<std::uint32_t>(std::strtoul(divisor->c_str(), nullptr, 10)) : 1);
  // Generated in a child, if missing, so that this process's own VmHWM stays small.
  const auto path = EnsureDatasetInChild(spec);
  if (!path.ok()) {
    std::cerr << path.status() << "\n";
    return 1;
  }
  g_path = *path;
  std::cout << "data set: " << g_path << "\n";
  benchmark::RegisterBenchmark("cold_start/warm_cache", BM_ColdStart, Mode::kEngine, false)
      ->Iterations(1)
      ->Repetitions(3)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("cold_start/cold_cache", BM_ColdStart, Mode::kEngine, true)
      ->Iterations(1)
      ->Repetitions(2)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("cold_start/load_only", BM_ColdStart, Mode::kLoadOnly, false)
      ->Iterations(1)
      ->Repetitions(2)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("cold_start/phases", BM_ColdStart, Mode::kPhases, false)
      ->Iterations(1)
      ->Repetitions(1)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
