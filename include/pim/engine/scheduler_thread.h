// Drives the engine's timers in a running service: a thread that sleeps until the next timer is
// due (no polling interval) and fires it. The engine wakes it whenever a commit changes the
// earliest timer; a ManualClock wakes it on every move (pimd's test-clock mode), so it works
// with either clock. Thread-safe.
#pragma once

#include <atomic>
#include <thread>

#include "pim/engine/engine.h"
#include "pim/engine/wakeable_sleep.h"

namespace pim {

class SchedulerThread {
 public:
  // Starts the thread. `engine` and `clock` must outlive this object.
  SchedulerThread(Engine& engine, const Clock& clock);
  SchedulerThread(const SchedulerThread&) = delete;
  SchedulerThread& operator=(const SchedulerThread&) = delete;
  // Stops and joins the thread.
  ~SchedulerThread();

  // Makes the thread re-read the next due time now.
  void Wake();

  // Store errors seen while firing timers (each is retried, after one second).
  [[nodiscard]] int errors() const;

 private:
  void Run();

  Engine& engine_;
  const Clock& clock_;
  WakeableSleep sleep_;
  std::atomic<int> errors_ = 0;
  std::thread thread_;  // last: starts after the members above are ready
};

}  // namespace pim
