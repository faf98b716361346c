#include "api/text_checks.h"

#include <gtest/gtest.h>

#include "api/router.h"

namespace mailmark {
namespace {

TEST(TextChecksTest, Utf8) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("Zoë – 日本 – 😀"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("caf\xe9"));           // latin-1
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe6\x97"));          // truncated
}

TEST(TextChecksTest, MediaType) {
  EXPECT_EQ(MediaType("Text/CSV; charset=utf-8"), "text/csv");
  EXPECT_EQ(MediaType(" application/json "), "application/json");
  EXPECT_EQ(MediaType(""), "");
}

TEST(RouterTest, PathRegex) {
  EXPECT_EQ(PathRegex("/api/mailboxes/{id}"), "/api/mailboxes/([^/]+)");
  EXPECT_EQ(PathRegex("/api/mailboxes/{id}/outbox/{messageId*}"),
            "/api/mailboxes/([^/]+)/outbox/(.+)");
  EXPECT_EQ(PathRegex("/api/openapi.json"), "/api/openapi\\.json");
}

}  // namespace
}  // namespace mailmark
