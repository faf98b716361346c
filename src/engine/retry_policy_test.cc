#include "engine/retry_policy.h"

#include <gtest/gtest.h>

namespace mailmark {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const Timestamp kStart = FromMillis(1'000'000'000'000);

TEST(RetryPolicy, FollowsTheDefaultScheduleWithoutJitterAtTheMidpoint) {
  RetryPolicy p;
  Timestamp now = kStart;
  EXPECT_EQ(NextRetry(p, 1, kStart, now, 0.5), now + minutes(1));
  EXPECT_EQ(NextRetry(p, 2, kStart, now, 0.5), now + minutes(5));
  EXPECT_EQ(NextRetry(p, 3, kStart, now, 0.5), now + minutes(30));
  EXPECT_EQ(NextRetry(p, 4, kStart, now, 0.5), now + hours(2));
  EXPECT_EQ(NextRetry(p, 5, kStart, now, 0.5), now + hours(6));
  EXPECT_EQ(NextRetry(p, 9, kStart, now, 0.5), now + hours(6)) << "the last delay repeats";
}

TEST(RetryPolicy, JitterStaysWithinItsBounds) {
  RetryPolicy p;
  EXPECT_EQ(NextRetry(p, 1, kStart, kStart, 0.0), kStart + Duration{48'000});
  EXPECT_EQ(NextRetry(p, 1, kStart, kStart, 0.999999), kStart + Duration{71'999});
  p.jitter = 0;
  EXPECT_EQ(NextRetry(p, 1, kStart, kStart, 0.0), kStart + minutes(1));
}

TEST(RetryPolicy, TheLastTryIsAtTheGiveUpTimeAndThenItStops) {
  RetryPolicy p;
  p.jitter = 0;
  Timestamp late = kStart + hours(20);
  EXPECT_EQ(NextRetry(p, 7, kStart, late, 0.5), kStart + hours(24));
  EXPECT_EQ(NextRetry(p, 8, kStart, kStart + hours(24), 0.5), std::nullopt);
  EXPECT_EQ(NextRetry(p, 8, kStart, kStart + hours(30), 0.5), std::nullopt);
}

TEST(RetryPolicy, AWholeDayOfFailuresEndsInRetriesExhausted) {
  RetryPolicy p;
  Timestamp now = kStart;
  int attempts = 1;
  while (auto next = NextRetry(p, attempts, kStart, now, 0.5)) {
    ASSERT_GT(*next, now);
    now = *next;
    ++attempts;
    ASSERT_LT(attempts, 100);
  }
  EXPECT_EQ(now, kStart + hours(24));
  EXPECT_EQ(attempts, 9);  // 1m 5m 30m 2h 6h 6h 6h, then the last try at 24 h
}

TEST(RetryPolicy, ParsesDelayLists) {
  auto d = ParseRetryDelays("200ms,500ms,1s");
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, (std::vector<Duration>{Duration{200}, Duration{500}, Duration{1000}}));
  EXPECT_EQ(ParseRetryDelays(" 1m , 2h ")->size(), 2u);
  EXPECT_FALSE(ParseRetryDelays(""));
  EXPECT_FALSE(ParseRetryDelays("1m,,2m"));
  EXPECT_FALSE(ParseRetryDelays("1m,soon"));
  EXPECT_FALSE(ParseRetryDelays("0s"));
}

}  // namespace
}  // namespace mailmark
