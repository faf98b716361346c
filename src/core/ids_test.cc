#include "core/ids.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>

namespace mailmark {
namespace {

bool AllHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

TEST(NewId, PrefixAndTwentyRandomHexDigits) {
  std::string id = NewId("seq");
  ASSERT_EQ(id.size(), 4u + 20u);
  EXPECT_EQ(id.substr(0, 4), "seq_");
  EXPECT_TRUE(AllHex(id.substr(4)));
  EXPECT_NE(NewId("seq"), NewId("seq"));
}

TEST(NewTimeOrderedId, PrefixTimeThenRandom) {
  auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  std::string id = NewTimeOrderedId("enr");
  ASSERT_EQ(id.size(), 4u + 24u);
  EXPECT_EQ(id.substr(0, 4), "enr_");
  EXPECT_TRUE(AllHex(id.substr(4)));
  long long stamped = std::stoll(id.substr(4, 12), nullptr, 16);
  EXPECT_GE(stamped, before);
  EXPECT_LE(stamped, before + 60'000);
}

TEST(NewTimeOrderedId, LaterIdsSortAfterEarlierOnes) {
  std::string first = NewTimeOrderedId("msg");
  std::this_thread::sleep_for(std::chrono::milliseconds(3));
  std::string second = NewTimeOrderedId("msg");
  EXPECT_LT(first, second);
}

TEST(NewTimeOrderedId, ABurstWithinOneMillisecondStaysUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 100'000; ++i) seen.insert(NewTimeOrderedId("msg"));
  EXPECT_EQ(seen.size(), 100'000u);
}

TEST(TimeOrderedHex, TakesTheRandomPartsLength) {
  EXPECT_EQ(TimeOrderedHex(10).size(), 12u + 20u);
  EXPECT_EQ(TimeOrderedHex(0).size(), 12u);
}

}  // namespace
}  // namespace mailmark
