#include "core/utf8.h"

#include <string>

#include <gtest/gtest.h>

namespace mailmark {
namespace {

TEST(IsValidUtf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii\n"));
  EXPECT_TRUE(IsValidUtf8("Grüße 日本語 🚀 \xF4\x8F\xBF\xBF"));  // up to U+10FFFF
  EXPECT_TRUE(IsValidUtf8(std::string("nul\0inside", 10)));
}

TEST(IsValidUtf8Test, RejectsMalformedText) {
  for (std::string_view bad : {"\xC3", "\xC3(", "\xFF", "\x80", "\xC0\xAF", "\xE0\x80\xAF",
                               "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xF0\x9F\x9A", "ok\xF8"}) {
    EXPECT_FALSE(IsValidUtf8(bad)) << ::testing::PrintToString(std::string(bad));
  }
}

}  // namespace
}  // namespace mailmark
