#include "api/json_depth.h"

#include <gtest/gtest.h>

#include <string>

namespace mailmark {
namespace {

TEST(JsonDepth, CountsArraysAndObjects) {
  EXPECT_FALSE(JsonNestsDeeperThan("1", 0));
  EXPECT_TRUE(JsonNestsDeeperThan("[]", 0));
  EXPECT_FALSE(JsonNestsDeeperThan("[[1]]", 2));
  EXPECT_TRUE(JsonNestsDeeperThan("[[1]]", 1));
  EXPECT_FALSE(JsonNestsDeeperThan(R"({"a":{"b":[1,2]},"c":[]})", 3));
  EXPECT_TRUE(JsonNestsDeeperThan(R"({"a":{"b":[1,2]},"c":[]})", 2));
  // Siblings do not add up.
  EXPECT_FALSE(JsonNestsDeeperThan("[[],[],[],[]]", 2));
}

TEST(JsonDepth, BracketsInStringsDoNotCount) {
  EXPECT_FALSE(JsonNestsDeeperThan(R"(["[[[[{{{{"])", 1));
  EXPECT_FALSE(JsonNestsDeeperThan(R"(["\"[[[[", "\\"])", 1));
  EXPECT_TRUE(JsonNestsDeeperThan(R"(["\\", [[1]]])", 2)) << "an escaped backslash ends nothing";
}

TEST(JsonDepth, AHugeNestingIsFoundWithoutParsingIt) {
  std::string deep(4'000'000, '[');
  EXPECT_TRUE(JsonNestsDeeperThan(deep, 64));
  std::string fine = std::string(64, '[') + std::string(64, ']');
  EXPECT_FALSE(JsonNestsDeeperThan(fine, 64));
  EXPECT_TRUE(JsonNestsDeeperThan("[" + fine + "]", 64));
  // Stray closers are left to the parser; they never make room for more.
  EXPECT_TRUE(JsonNestsDeeperThan("]]]][[", 1));
}

}  // namespace
}  // namespace mailmark
