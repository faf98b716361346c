#include "api/connection_limits.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace mailmark {
namespace {

TEST(ConnectionCounter, EachKeyHoldsAtMostItsShare) {
  ConnectionCounter counter(2);
  std::optional<ConnectionCounter::Slot> a = counter.TryAcquire("1.1.1.1");
  std::optional<ConnectionCounter::Slot> b = counter.TryAcquire("1.1.1.1");
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(counter.TryAcquire("1.1.1.1").has_value());
  EXPECT_EQ(counter.Count("1.1.1.1"), 2u);
  std::optional<ConnectionCounter::Slot> other = counter.TryAcquire("2.2.2.2");
  EXPECT_TRUE(other.has_value()) << "another address is not affected";
  a.reset();
  EXPECT_EQ(counter.Count("1.1.1.1"), 1u);
  EXPECT_TRUE(counter.TryAcquire("1.1.1.1").has_value()) << "a released slot is free again";
  EXPECT_EQ(counter.Count("1.1.1.1"), 1u) << "the temporary one went at once";
}

TEST(ConnectionCounter, MovingASlotMovesItsCount) {
  ConnectionCounter counter(1);
  std::optional<ConnectionCounter::Slot> a = counter.TryAcquire("k");
  ASSERT_TRUE(a);
  ConnectionCounter::Slot moved = std::move(*a);
  a.reset();
  EXPECT_EQ(counter.Count("k"), 1u);
  EXPECT_TRUE(moved.held());
  EXPECT_EQ(moved.key(), "k");
  ConnectionCounter::Slot other = std::move(*counter.TryAcquire("j"));
  other = std::move(moved);  // gives back "j", takes over "k"
  EXPECT_EQ(counter.Count("j"), 0u);
  EXPECT_EQ(counter.Count("k"), 1u);
  other = ConnectionCounter::Slot();
  EXPECT_EQ(counter.Count("k"), 0u);
}

TEST(ConnectionCounter, SlotsMayOutliveTheCounter) {
  std::optional<ConnectionCounter::Slot> slot;
  {
    ConnectionCounter counter(1);
    slot = counter.TryAcquire("k");
  }
  slot.reset();  // no crash, no leak (ASan would say)
  SUCCEED();
}

TEST(ConnectionCounter, ConcurrentUseKeepsTheCount) {
  ConnectionCounter counter(1000);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        std::optional<ConnectionCounter::Slot> s = counter.TryAcquire("k");
        ASSERT_TRUE(s.has_value());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(counter.Count("k"), 0u);
}

}  // namespace
}  // namespace mailmark
