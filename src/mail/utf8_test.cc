#include "mail/utf8.h"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mail/rfc2047.h"

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

// The builder skips ValidUtf8 when this says the text is valid, so the two must agree.
TEST(IsValidUtf8Test, AgreesWithValidUtf8OnRandomBytes) {
  std::mt19937 rng(5);
  const std::vector<unsigned char> interesting = {0x00, 0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xC2,
                                                  0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5,
                                                  0xFF, 0x9F, 0xA0, 0x8F, 0x90};
  for (int round = 0; round < 20000; ++round) {
    std::string text(rng() % 8, '\0');
    for (char& c : text) c = static_cast<char>(interesting[rng() % interesting.size()]);
    ASSERT_EQ(IsValidUtf8(text), ValidUtf8(text) == text) << ::testing::PrintToString(text);
  }
}

}  // namespace
}  // namespace mailmark
