#include "render/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace mailmark {
namespace {

std::optional<Utf8Char> Decode(const std::string& s) { return DecodeUtf8(s, 0); }

TEST(DecodeUtf8Test, DecodesEachLength) {
  EXPECT_EQ(Decode("A")->code_point, U'A');
  EXPECT_EQ(Decode("A")->length, 1u);
  EXPECT_EQ(Decode("\xC3\xB6")->code_point, U'\u00F6');  // ö
  EXPECT_EQ(Decode("\xC3\xB6")->length, 2u);
  EXPECT_EQ(Decode("\xE2\x80\xA8")->code_point, U'\u2028');
  EXPECT_EQ(Decode("\xE2\x80\xA8")->length, 3u);
  EXPECT_EQ(Decode("\xF0\x9F\x98\x80")->code_point, U'\U0001F600');
  EXPECT_EQ(Decode("\xF0\x9F\x98\x80")->length, 4u);
}

TEST(DecodeUtf8Test, DecodesAtOffset) {
  const std::string s = "ab\xC2\x85";
  ASSERT_TRUE(DecodeUtf8(s, 2));
  EXPECT_EQ(DecodeUtf8(s, 2)->code_point, 0x85u);
}

TEST(DecodeUtf8Test, NulIsACharacter) {
  const std::string s(1, '\0');
  ASSERT_TRUE(Decode(s));
  EXPECT_EQ(Decode(s)->code_point, 0u);
}

TEST(DecodeUtf8Test, RejectsIllFormed) {
  EXPECT_FALSE(Decode("\x80"));              // stray continuation
  EXPECT_FALSE(Decode("\xBF"));              // stray continuation
  EXPECT_FALSE(Decode("\xC0\x80"));          // overlong NUL
  EXPECT_FALSE(Decode("\xC1\xBF"));          // overlong
  EXPECT_FALSE(Decode("\xE0\x80\x80"));      // overlong 3-byte
  EXPECT_FALSE(Decode("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(Decode("\xF0\x80\x80\x80"));  // overlong 4-byte
  EXPECT_FALSE(Decode("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(Decode("\xF5\x80\x80\x80"));  // invalid lead
  EXPECT_FALSE(Decode("\xFF"));
  EXPECT_FALSE(Decode("\xC3"));          // truncated
  EXPECT_FALSE(Decode("\xE2\x80"));      // truncated
  EXPECT_FALSE(Decode("\xC3\x41"));      // bad continuation
  EXPECT_FALSE(Decode("\xE2\x28\xA1"));  // bad continuation
}

TEST(DecodeUtf8Test, AcceptsBoundaries) {
  EXPECT_EQ(Decode("\xC2\x80")->code_point, 0x80u);
  EXPECT_EQ(Decode("\xDF\xBF")->code_point, 0x7FFu);
  EXPECT_EQ(Decode("\xE0\xA0\x80")->code_point, 0x800u);
  EXPECT_EQ(Decode("\xED\x9F\xBF")->code_point, 0xD7FFu);
  EXPECT_EQ(Decode("\xEE\x80\x80")->code_point, 0xE000u);
  EXPECT_EQ(Decode("\xF0\x90\x80\x80")->code_point, 0x10000u);
  EXPECT_EQ(Decode("\xF4\x8F\xBF\xBF")->code_point, 0x10FFFFu);
}

}  // namespace
}  // namespace mailmark
