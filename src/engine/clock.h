// Every piece of code asks a Clock for the time, so tests can run "wait 5 days" instantly.
#pragma once

#include <condition_variable>
#include <mutex>

#include "core/time.h"

namespace mailmark {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
  // Blocks until Now() >= deadline or `cv` is notified (spurious wake-ups allowed: callers
  // re-check their state). Returns with `lock` held.
  virtual void WaitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                         Timestamp deadline) = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
  void WaitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                 Timestamp deadline) override;
};

// Time moves only when the test says so. A waiter re-checks every few real milliseconds,
// so a test that advances the clock never has to know who is waiting.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : now_(start) {}
  Timestamp Now() const override;
  void WaitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                 Timestamp deadline) override;
  void Advance(Duration d);
  void Set(Timestamp t);

 private:
  mutable std::mutex mu_;
  Timestamp now_;
};

}  // namespace mailmark
