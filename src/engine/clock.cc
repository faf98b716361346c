#include "engine/clock.h"

namespace mailmark {

Timestamp SystemClock::Now() const {
  return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
}

void SystemClock::WaitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                            Timestamp deadline) {
  cv.wait_until(lock, deadline);
}

Timestamp ManualClock::Now() const {
  std::lock_guard guard(mu_);
  return now_;
}

void ManualClock::WaitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                            Timestamp deadline) {
  if (Now() >= deadline) return;
  cv.wait_for(lock, std::chrono::milliseconds(2));
}

void ManualClock::Advance(Duration d) {
  std::lock_guard guard(mu_);
  now_ += d;
}

void ManualClock::Set(Timestamp t) {
  std::lock_guard guard(mu_);
  now_ = t;
}

}  // namespace mailmark
