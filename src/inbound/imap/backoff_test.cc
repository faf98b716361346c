#include "inbound/imap/backoff.h"

#include <gtest/gtest.h>

#include <chrono>

namespace mailmark {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(BackoffTest, DoublesFromMinUpToMaxAndStaysThere) {
  Backoff b(seconds(1), minutes(5));
  EXPECT_EQ(b.Next(), seconds(1));
  EXPECT_EQ(b.Next(), seconds(2));
  EXPECT_EQ(b.Next(), seconds(4));
  for (int i = 0; i < 5; ++i) b.Next();  // 8 … 128
  EXPECT_EQ(b.Next(), seconds(256));
  EXPECT_EQ(b.Next(), minutes(5));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(b.Next(), minutes(5));  // no overflow
}

TEST(BackoffTest, ResetStartsOverAtMin) {
  Backoff b(milliseconds(50), milliseconds(400));
  b.Next();
  b.Next();
  b.Reset();
  EXPECT_EQ(b.Next(), milliseconds(50));
}

TEST(BackoffTest, OddBoundsStaySane) {
  Backoff zero(milliseconds(0), milliseconds(10));
  EXPECT_EQ(zero.Next(), milliseconds(0));
  EXPECT_GT(zero.Next(), milliseconds(0));    // grows from nothing
  Backoff inverted(seconds(10), seconds(1));  // max below min: min wins
  EXPECT_EQ(inverted.Next(), seconds(10));
  EXPECT_EQ(inverted.Next(), seconds(10));
}

}  // namespace
}  // namespace mailmark
