// Stands in for abseil's absl/synchronization/mutex.h in ThreadSanitizer builds only
// (PimOptions.cmake puts this directory ahead of the system's when PIM_SANITIZE has `thread`).
//
// Debian's abseil is not built with -fsanitize=thread, so ThreadSanitizer cannot see the
// happens-before edges of absl::Mutex, absl::CondVar and absl::Notification, and reports every
// handoff through them as a race. This header declares the same classes, with the subset of
// abseil's interface that pim uses and the same thread-safety attributes, built on the standard
// library's pthread-based primitives, which ThreadSanitizer intercepts.
//
// Contracts kept from abseil: Await and the *When forms wait until the condition holds,
// re-evaluating it whenever the mutex is released; a reader may Await; the timed forms return
// whether the condition held. Not kept: deadlock detection, debug logging, fairness.
//
// The classes are hidden so that an executable never exports them: the system's abseil library
// defines functions of the same names for its own (differently laid out) objects. A Mutex is one
// word, as abseil's is, so that abseil's own structs that hold one keep their layout.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <optional>
#include <shared_mutex>
#include <thread>
#include <type_traits>
#include <utility>

#include "absl/base/attributes.h"
#include "absl/base/config.h"
#include "absl/base/const_init.h"
#include "absl/base/thread_annotations.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

#define PIM_TSAN_ABSL_HIDDEN __attribute__((visibility("hidden")))

namespace absl {
ABSL_NAMESPACE_BEGIN

// A predicate, evaluated with the mutex held (the thread-safety analysis cannot follow that into
// the stored call, so the stored calls are exempt from it).
class PIM_TSAN_ABSL_HIDDEN Condition {
 public:
  Condition(bool (*func)(void*), void* arg)
      : eval_([func, arg]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return func(arg); }) {}
  template <typename T>
  Condition(bool (*func)(T*), T* arg)
      : eval_([func, arg]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return func(arg); }) {}
  template <typename T>
  Condition(T* object, bool (T::*method)())
      : eval_([object, method]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return (object->*method)(); }) {}
  template <typename T>
  Condition(const T* object, bool (T::*method)() const)
      : eval_([object, method]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return (object->*method)(); }) {}
  explicit Condition(const bool* cond)
      : eval_([cond]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return *cond; }) {}
  template <typename T,
            typename = std::enable_if_t<std::is_same_v<decltype(std::declval<const T&>()()), bool>>>
  explicit Condition(const T* functor)
      : eval_([functor]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return (*functor)(); }) {}

  [[nodiscard]] bool Eval() const { return !eval_ || eval_(); }
  static const Condition kTrue;

 private:
  Condition() = default;
  std::function<bool()> eval_;
};

inline const Condition Condition::kTrue{};

enum class OnDeadlockCycle { kIgnore, kReport, kAbort };
inline void SetMutexDeadlockDetectionMode(OnDeadlockCycle) {}

class ABSL_LOCKABLE PIM_TSAN_ABSL_HIDDEN Mutex {
 public:
  Mutex() = default;
  explicit constexpr Mutex(absl::ConstInitType) {}
  ~Mutex() { delete impl_.load(std::memory_order_acquire); }
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    Get().rw.lock();
    Get().writer.store(std::this_thread::get_id(), std::memory_order_relaxed);
  }
  void Unlock() ABSL_UNLOCK_FUNCTION() {
    Impl& m = Get();
    m.writer.store(std::thread::id(), std::memory_order_relaxed);
    m.rw.unlock();
    m.cv.notify_all();
  }
  bool TryLock() ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) {
    if (!Get().rw.try_lock()) return false;
    Get().writer.store(std::this_thread::get_id(), std::memory_order_relaxed);
    return true;
  }
  void AssertHeld() const ABSL_ASSERT_EXCLUSIVE_LOCK() {}
  void ReaderLock() ABSL_SHARED_LOCK_FUNCTION() { Get().rw.lock_shared(); }
  void ReaderUnlock() ABSL_UNLOCK_FUNCTION() {
    Get().rw.unlock_shared();
    Get().cv.notify_all();
  }
  bool ReaderTryLock() ABSL_SHARED_TRYLOCK_FUNCTION(true) { return Get().rw.try_lock_shared(); }
  void AssertReaderHeld() const ABSL_ASSERT_SHARED_LOCK() {}
  void AssertNotHeld() const {}
  void WriterLock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { Lock(); }
  void WriterUnlock() ABSL_UNLOCK_FUNCTION() { Unlock(); }
  bool WriterTryLock() ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) { return TryLock(); }

  void Await(const Condition& cond) { AwaitUntil(cond, std::nullopt); }
  bool AwaitWithTimeout(const Condition& cond, absl::Duration timeout) {
    return AwaitUntil(cond, DeadlineAfter(timeout));
  }
  bool AwaitWithDeadline(const Condition& cond, absl::Time deadline) {
    return AwaitWithTimeout(cond, deadline - absl::Now());
  }
  void LockWhen(const Condition& cond) ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    Lock();
    Await(cond);
  }
  void ReaderLockWhen(const Condition& cond) ABSL_SHARED_LOCK_FUNCTION() {
    ReaderLock();
    Await(cond);
  }
  void WriterLockWhen(const Condition& cond) ABSL_EXCLUSIVE_LOCK_FUNCTION() { LockWhen(cond); }
  bool LockWhenWithTimeout(const Condition& cond, absl::Duration timeout)
      ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    Lock();
    return AwaitWithTimeout(cond, timeout);
  }
  bool ReaderLockWhenWithTimeout(const Condition& cond, absl::Duration timeout)
      ABSL_SHARED_LOCK_FUNCTION() {
    ReaderLock();
    return AwaitWithTimeout(cond, timeout);
  }
  bool LockWhenWithDeadline(const Condition& cond, absl::Time deadline)
      ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    Lock();
    return AwaitWithDeadline(cond, deadline);
  }

 private:
  friend class CondVar;
  using Deadline = std::chrono::steady_clock::time_point;
  struct Impl {
    std::shared_mutex rw;
    std::condition_variable_any cv;
    std::atomic<std::thread::id> writer{};
  };
  // Lets a condition variable release and retake the mutex in the mode the caller holds it,
  // without the notification Unlock sends (the waiter sends it before it waits).
  struct Relock {
    Impl& m;
    bool writer;
    void lock() {
      if (!writer) return m.rw.lock_shared();
      m.rw.lock();
      m.writer.store(std::this_thread::get_id(), std::memory_order_relaxed);
    }
    void unlock() {
      if (!writer) return m.rw.unlock_shared();
      m.writer.store(std::thread::id(), std::memory_order_relaxed);
      m.rw.unlock();
    }
  };

  static std::optional<Deadline> DeadlineAfter(absl::Duration timeout) {
    if (timeout == absl::InfiniteDuration()) return std::nullopt;
    const auto now = std::chrono::steady_clock::now();
    if (timeout <= absl::ZeroDuration()) return now;
    return now + absl::ToChronoNanoseconds(std::min(timeout, absl::Hours(24 * 365)));
  }
  // Waits, holding the mutex, until `cond` holds or `deadline` passes; whether it holds.
  bool AwaitUntil(const Condition& cond, std::optional<Deadline> deadline) {
    Impl& m = Get();
    Relock held{m, m.writer.load(std::memory_order_relaxed) == std::this_thread::get_id()};
    while (!cond.Eval()) {
      m.cv.notify_all();  // what this thread changed may be what another waits for
      if (!deadline) {
        m.cv.wait(held);
      } else if (m.cv.wait_until(held, *deadline) == std::cv_status::timeout) {
        return cond.Eval();
      }
    }
    return true;
  }
  Impl& Get() const {
    Impl* impl = impl_.load(std::memory_order_acquire);
    if (impl != nullptr) return *impl;
    auto* fresh = new Impl;
    if (impl_.compare_exchange_strong(impl, fresh, std::memory_order_acq_rel)) return *fresh;
    delete fresh;
    return *impl;
  }

  mutable std::atomic<Impl*> impl_{nullptr};
};
static_assert(sizeof(Mutex) == sizeof(void*));

class ABSL_SCOPED_LOCKABLE PIM_TSAN_ABSL_HIDDEN MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_->Lock(); }
  MutexLock(Mutex* mu, const Condition& cond) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) {
    mu_->LockWhen(cond);
  }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }

 private:
  Mutex* const mu_;
};

class ABSL_SCOPED_LOCKABLE PIM_TSAN_ABSL_HIDDEN ReaderMutexLock {
 public:
  explicit ReaderMutexLock(Mutex* mu) ABSL_SHARED_LOCK_FUNCTION(mu) : mu_(mu) { mu_->ReaderLock(); }
  ReaderMutexLock(Mutex* mu, const Condition& cond) ABSL_SHARED_LOCK_FUNCTION(mu) : mu_(mu) {
    mu_->ReaderLockWhen(cond);
  }
  ReaderMutexLock(const ReaderMutexLock&) = delete;
  ReaderMutexLock& operator=(const ReaderMutexLock&) = delete;
  ~ReaderMutexLock() ABSL_UNLOCK_FUNCTION() { mu_->ReaderUnlock(); }

 private:
  Mutex* const mu_;
};

using WriterMutexLock = MutexLock;

// Waits are in writer mode, as abseil requires of a CondVar.
class PIM_TSAN_ABSL_HIDDEN CondVar {
 public:
  void Wait(Mutex* mu) {
    Mutex::Relock held = Held(mu);
    cv_.wait(held);
  }
  bool WaitWithTimeout(Mutex* mu, absl::Duration timeout) {
    const auto deadline = Mutex::DeadlineAfter(timeout);
    if (!deadline) {
      Wait(mu);
      return false;
    }
    Mutex::Relock held = Held(mu);
    return cv_.wait_until(held, *deadline) == std::cv_status::timeout;
  }
  bool WaitWithDeadline(Mutex* mu, absl::Time deadline) {
    return WaitWithTimeout(mu, deadline - absl::Now());
  }
  void Signal() { cv_.notify_one(); }
  void SignalAll() { cv_.notify_all(); }

 private:
  // Wakes the mutex's waiters (the caller is about to release it) and names it held for writing.
  static Mutex::Relock Held(Mutex* mu) {
    mu->Get().cv.notify_all();
    return Mutex::Relock{mu->Get(), true};
  }
  std::condition_variable_any cv_;
};

ABSL_NAMESPACE_END
}  // namespace absl
