#include "core/time.h"

#include <gtest/gtest.h>

namespace mailmark {
namespace {

TEST(Time, FormatsRfc3339WithAndWithoutMillis) {
  EXPECT_EQ(FormatRfc3339(FromMillis(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(FromMillis(1795785489123)), "2026-11-27T13:18:09.123Z");
}

TEST(Time, FormatsRfc5322) {
  EXPECT_EQ(FormatRfc5322(FromMillis(1795785489123)), "Fri, 27 Nov 2026 13:18:09 +0000");
}

TEST(Time, ParsesDurations) {
  EXPECT_EQ(ParseDuration("200ms"), Duration{200});
  EXPECT_EQ(ParseDuration("1s"), Duration{1000});
  EXPECT_EQ(ParseDuration("5m"), Duration{300000});
  EXPECT_EQ(ParseDuration("2h"), Duration{7200000});
  EXPECT_EQ(ParseDuration("1d"), Duration{86400000});
  EXPECT_EQ(ParseDuration(" 42 "), Duration{42});
  EXPECT_FALSE(ParseDuration(""));
  EXPECT_FALSE(ParseDuration("-1s"));
  EXPECT_FALSE(ParseDuration("1y"));
  EXPECT_FALSE(ParseDuration("ms"));
  EXPECT_FALSE(ParseDuration("999999999999999999d"));
}

}  // namespace
}  // namespace mailmark
