#include "engine/bounce_breaker.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

namespace mailmark {
namespace {

using std::chrono::milliseconds;

TEST(BounceBreaker, HealthyMailboxSendsWithoutLimit) {
  BounceBreaker breaker({10, 50}, {});
  // Up to 5 bounces in 50 stay within 10 %: five messages may be in flight at once.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(breaker.Admit());
  for (int i = 0; i < 5; ++i) breaker.Answered(false);
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(breaker.Admit());
    breaker.Answered(false);
  }
  EXPECT_FALSE(breaker.tripped());
}

TEST(BounceBreaker, NotJudgedBeforeOverLastSends) {
  BounceBreaker breaker({10, 10}, {}, milliseconds(50));
  // Nine bounces out of nine sends: not judged yet, there are not ten sends.
  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(breaker.Admit());
    breaker.Answered(true);
  }
  EXPECT_FALSE(breaker.tripped());
  ASSERT_TRUE(breaker.Admit());
  breaker.Answered(true);
  EXPECT_TRUE(breaker.tripped());
  EXPECT_FALSE(breaker.Admit());
}

TEST(BounceBreaker, ExactlyAtTheThresholdDoesNotTrip) {
  // 1 of 10 is 10 %, not more than 10 %.
  std::vector<bool> recent(10, false);
  recent[0] = true;  // newest
  BounceBreaker at({10, 10}, recent);
  EXPECT_FALSE(at.tripped());
  // The next bounce pushes out the oldest (a success): 2 of 10 is over.
  ASSERT_TRUE(at.Admit());
  at.Answered(true);
  EXPECT_TRUE(at.tripped());
}

TEST(BounceBreaker, StartsTrippedWhenTheStoreRecordAlreadyCrossed) {
  BounceBreaker breaker({50, 4}, {true, true, true, false});
  EXPECT_TRUE(breaker.tripped());
  EXPECT_FALSE(breaker.Admit());
}

TEST(BounceBreaker, OldBouncesSlideOutOfTheWindow) {
  // Newest first: the two bounces are the oldest of the four.
  BounceBreaker breaker({50, 4}, {false, false, true, true});
  EXPECT_FALSE(breaker.tripped());  // 2 of 4 is 50 %, not more
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(breaker.Admit());
    breaker.Answered(false);
  }
  // Window now: false false false false. Two new bounces: 2 of 4, still not over.
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(breaker.Admit());
    breaker.Answered(true);
  }
  EXPECT_FALSE(breaker.tripped());
  ASSERT_TRUE(breaker.Admit());
  breaker.Answered(true);
  EXPECT_TRUE(breaker.tripped());
}

TEST(BounceBreaker, WithdrawnAnswersDoNotCount) {
  BounceBreaker breaker({10, 2}, {});
  ASSERT_TRUE(breaker.Admit());
  breaker.Answered(true, /*counts=*/false);
  ASSERT_TRUE(breaker.Admit());
  breaker.Answered(false);
  EXPECT_FALSE(breaker.tripped());
}

TEST(BounceBreaker, AtRiskAtMostTwoInFlight) {
  // 10 % of 10 allows one bounce; one is already on record, so any new one could cross.
  std::vector<bool> recent(10, false);
  recent[0] = true;
  BounceBreaker breaker({10, 10}, recent, milliseconds(100));
  EXPECT_TRUE(breaker.Admit());
  EXPECT_TRUE(breaker.Admit());
  // A third would have to wait for an answer: none comes, so it is withdrawn.
  EXPECT_FALSE(breaker.Admit());
  EXPECT_FALSE(breaker.tripped());
}

TEST(BounceBreaker, AWaitingMessageGoesWhenAnAnswerComes) {
  std::vector<bool> recent(10, false);
  recent[0] = true;
  BounceBreaker breaker({10, 10}, recent, std::chrono::seconds(10));
  ASSERT_TRUE(breaker.Admit());
  ASSERT_TRUE(breaker.Admit());
  std::atomic<int> admitted{-1};
  std::thread third([&] { admitted = breaker.Admit() ? 1 : 0; });
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(admitted.load(), -1);  // still waiting
  breaker.Answered(false);
  third.join();
  EXPECT_EQ(admitted.load(), 1);
}

TEST(BounceBreaker, ARelayRejectingEveryoneStopsWithinTwoMoreSends) {
  // Four senders share the breaker, as four SMTP connections do, against a relay that
  // refuses every recipient. After the answer that crosses the threshold at most two more
  // messages may have gone out.
  BounceBreaker breaker({10, 10}, {}, std::chrono::seconds(5));
  std::atomic<int> sent{0};
  std::atomic<int> sent_after_trip{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t)
    senders.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (!breaker.Admit()) return;
        const bool was_tripped = breaker.tripped();
        ++sent;
        if (was_tripped) ++sent_after_trip;
        std::this_thread::sleep_for(milliseconds(1));
        breaker.Answered(true);
      }
    });
  for (auto& s : senders) s.join();
  EXPECT_TRUE(breaker.tripped());
  EXPECT_EQ(sent_after_trip.load(), 0);
  // Ten sends to be judged, and at most two more in flight when the tenth answer came.
  EXPECT_GE(sent.load(), 10);
  EXPECT_LE(sent.load(), 12);
}

}  // namespace
}  // namespace mailmark
