#include "engine/clock.h"

#include <gtest/gtest.h>

namespace mailmark {
namespace {

TEST(ManualClock, MovesOnlyWhenTold) {
  ManualClock clock(FromMillis(1000));
  EXPECT_EQ(clock.Now(), FromMillis(1000));
  clock.Advance(Duration{500});
  EXPECT_EQ(clock.Now(), FromMillis(1500));
  clock.Set(FromMillis(10));
  EXPECT_EQ(clock.Now(), FromMillis(10));
}

TEST(ManualClock, WaitReturnsAtOnceWhenTheDeadlinePassed) {
  ManualClock clock(FromMillis(1000));
  std::mutex mu;
  std::condition_variable cv;
  std::unique_lock lock(mu);
  clock.WaitUntil(lock, cv, FromMillis(999));
  EXPECT_TRUE(lock.owns_lock());
}

TEST(SystemClock, IsCloseToTheSystemTime) {
  SystemClock clock;
  auto before = std::chrono::system_clock::now();
  Timestamp now = clock.Now();
  auto after = std::chrono::system_clock::now();
  EXPECT_GE(now + Duration{1}, std::chrono::time_point_cast<Duration>(before));
  EXPECT_LE(now, std::chrono::time_point_cast<Duration>(after) + Duration{1});
}

}  // namespace
}  // namespace mailmark
