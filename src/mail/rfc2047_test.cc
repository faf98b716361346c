#include "mail/rfc2047.h"

#include <random>
#include <string>
#include <vector>

#include <gmime/gmime.h>
#include <gtest/gtest.h>

#include "core/utf8.h"
#include "mail/gmime_runtime.h"
#include "mail/gobject_ptr.h"

namespace mailmark {
namespace {

std::string GMimeDecode(const std::string& encoded) {
  EnsureGMimeInitialized();
  GCharPtr decoded(g_mime_utils_header_decode_text(nullptr, encoded.c_str()));
  return decoded ? decoded.get() : "";
}

std::string Join(const std::vector<std::string>& words) {
  std::string joined;
  for (const std::string& word : words) joined += (joined.empty() ? "" : "\r\n ") + word;
  return joined;
}

TEST(NeedsEncodedWordsTest, PlainAsciiDoesNot) {
  EXPECT_FALSE(NeedsEncodedWords(""));
  EXPECT_FALSE(NeedsEncodedWords("Hello, World! (50% off) <now>"));
  EXPECT_FALSE(NeedsEncodedWords(std::string(70, 'a') + " " + std::string(70, 'b')));
}

TEST(NeedsEncodedWordsTest, NonAsciiLookalikesControlsAndLongRunsDo) {
  EXPECT_TRUE(NeedsEncodedWords("Grüße"));
  EXPECT_TRUE(NeedsEncodedWords("looks =?utf-8?q?encoded?="));
  EXPECT_TRUE(NeedsEncodedWords("tab\there"));
  EXPECT_TRUE(NeedsEncodedWords(std::string(71, 'a')));
}

TEST(ValidUtf8Test, ReplacesInvalidSequences) {
  EXPECT_EQ(ValidUtf8("ok é 日 🚀"), "ok é 日 🚀");
  EXPECT_EQ(ValidUtf8("\xC3"), "\uFFFD");
  EXPECT_EQ(ValidUtf8("a\xFF"
                      "b"),
            "a\uFFFDb");
  EXPECT_EQ(ValidUtf8("\xC0\xAF"), "\uFFFD\uFFFD");                      // overlong '/'
  EXPECT_EQ(ValidUtf8("\xED\xA0\x80"), "\uFFFD\uFFFD\uFFFD");            // surrogate
  EXPECT_EQ(ValidUtf8("\xF4\x90\x80\x80"), "\uFFFD\uFFFD\uFFFD\uFFFD");  // > U+10FFFF
}

TEST(EncodeWordsTest, ShapeAndLimits) {
  std::vector<std::string> words =
      EncodeWords("Grüße aus Köln, 日本語 🚀 " + std::string(200, 'z'), 40);
  ASSERT_GT(words.size(), 3u);
  EXPECT_LE(words[0].size(), 40u);
  for (const std::string& word : words) {
    EXPECT_TRUE(word.starts_with("=?UTF-8?Q?")) << word;
    EXPECT_TRUE(word.ends_with("?=")) << word;
    EXPECT_LE(word.size(), 75u) << word;
    for (char c : word) EXPECT_TRUE(c > ' ' && c < 0x7F) << word;
  }
  EXPECT_TRUE(EncodeWords("").empty());
}

TEST(EncodeWordsTest, TinyFirstLimitStillFitsOneCharacter) {
  std::vector<std::string> words = EncodeWords("🚀🚀", 0);
  ASSERT_EQ(words.size(), 2u);
  EXPECT_EQ(words[0], "=?UTF-8?Q?=F0=9F=9A=80?=");
}

TEST(EncodeWordsTest, GMimeDecodesRandomTextExactly) {
  std::mt19937 rng(7);
  const std::vector<std::string> units = {"日", "ö", "a", " ", "🚀",  "é", "Б", "x", "=?",
                                          "?=", "_", "=", "?", "\"", "(", ")", "\\"};
  for (int round = 0; round < 3000; ++round) {
    std::string text = "<";
    for (std::size_t i = 0, n = rng() % 120; i < n; ++i) text += units[rng() % units.size()];
    text += ">";
    EXPECT_EQ(GMimeDecode(Join(EncodeWords(text, 1 + rng() % 75))), text);
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
