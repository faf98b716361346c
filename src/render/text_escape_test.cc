#include "render/text_escape.h"

#include <gtest/gtest.h>

#include <string>

namespace mailmark {
namespace {

std::string Escaped(std::string_view s) {
  std::string out = "prefix:";
  AppendHtmlEscaped(out, s);
  return out;
}

TEST(HtmlEscapeTest, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(Escaped("&<>\"'"), "prefix:&amp;&lt;&gt;&quot;&#39;");
  EXPECT_EQ(Escaped("</p><script>alert(1)</script>"),
            "prefix:&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(Escaped("x\" onmouseover='y'"), "prefix:x&quot; onmouseover=&#39;y&#39;");
}

TEST(HtmlEscapeTest, EscapesAnAlreadyEscapedEntity) {
  EXPECT_EQ(Escaped("&amp;"), "prefix:&amp;amp;");
}

TEST(HtmlEscapeTest, LeavesOtherBytesAlone) {
  EXPECT_EQ(Escaped(""), "prefix:");
  EXPECT_EQ(Escaped("J\xC3\xB6rg M\xC3\xBCller \xF0\x9F\x98\x80"),
            "prefix:J\xC3\xB6rg M\xC3\xBCller \xF0\x9F\x98\x80");
  EXPECT_EQ(Escaped("bad \xFF\xC3 bytes"), "prefix:bad \xFF\xC3 bytes");
  EXPECT_EQ(Escaped(std::string("a\0b\r\n", 5)), std::string("prefix:a\0b\r\n", 12));
}

TEST(SanitizeSubjectTest, PlainTextUnchanged) {
  EXPECT_EQ(SanitizeSubject("Hello there"), "Hello there");
  EXPECT_EQ(SanitizeSubject(""), "");
  EXPECT_EQ(SanitizeSubject("Grüße aus Köln 🎉 שלום"), "Grüße aus Köln 🎉 שלום");
}

TEST(SanitizeSubjectTest, LineBreaksBecomeOneSpace) {
  EXPECT_EQ(SanitizeSubject("a\rb"), "a b");
  EXPECT_EQ(SanitizeSubject("a\nb"), "a b");
  EXPECT_EQ(SanitizeSubject("a\r\nb"), "a b");
  EXPECT_EQ(SanitizeSubject("a\r\n\r\n\n\rb"), "a b");
  EXPECT_EQ(SanitizeSubject("a\xC2\x85"
                            "b"),
            "a b");  // NEL
  EXPECT_EQ(SanitizeSubject("a\xE2\x80\xA8"
                            "b"),
            "a b");  // LINE SEPARATOR
  EXPECT_EQ(SanitizeSubject("a\xE2\x80\xA9"
                            "b"),
            "a b");  // PARAGRAPH SEPARATOR
  EXPECT_EQ(SanitizeSubject("a\r\x01\n\x7F\xE2\x80\xA8"
                            "b"),
            "a b");
}

TEST(SanitizeSubjectTest, BreakNextToASpaceAddsNone) {
  EXPECT_EQ(SanitizeSubject("a \r\nb"), "a b");
  EXPECT_EQ(SanitizeSubject("a\r\n b"), "a b");
  EXPECT_EQ(SanitizeSubject("a \n b"), "a  b");
  EXPECT_EQ(SanitizeSubject("a\n\x01 b"), "a b");
}

TEST(SanitizeSubjectTest, HeaderInjectionIsFlattened) {
  EXPECT_EQ(SanitizeSubject("Hi\r\nBcc: x@evil"), "Hi Bcc: x@evil");
  EXPECT_EQ(SanitizeSubject("Hi\r\n\r\n<html>body</html>"), "Hi <html>body</html>");
}

TEST(SanitizeSubjectTest, OtherControlsAreDropped) {
  EXPECT_EQ(SanitizeSubject(std::string("a\0b", 3)), "ab");
  EXPECT_EQ(SanitizeSubject("a\tb"), "ab");
  EXPECT_EQ(SanitizeSubject("a\x0B\x0C\x1B[31mb"), "a[31mb");
  EXPECT_EQ(SanitizeSubject("a\x7F"
                            "b"),
            "ab");
  EXPECT_EQ(SanitizeSubject("a\xC2\x80\xC2\x9F"
                            "b"),
            "ab");  // C1 controls
  for (int c = 0; c < 0x20; ++c) {
    if (c == '\r' || c == '\n') continue;
    EXPECT_EQ(SanitizeSubject(std::string("x") + static_cast<char>(c) + "y"), "xy") << c;
  }
}

TEST(SanitizeSubjectTest, TrimsLeadingAndTrailingSpace) {
  EXPECT_EQ(SanitizeSubject("  Hello  "), "Hello");
  EXPECT_EQ(SanitizeSubject("\r\n Hello \r\n"), "Hello");
  EXPECT_EQ(SanitizeSubject("\t\x01Hello\x02\t"), "Hello");
  EXPECT_EQ(SanitizeSubject(" \r\n \n "), "");
  EXPECT_EQ(SanitizeSubject("a  b"), "a  b");  // inner spaces are the author's
}

TEST(SanitizeSubjectTest, IllFormedUtf8PassesThrough) {
  EXPECT_EQ(SanitizeSubject("a\xFF\xFE"
                            "b"),
            "a\xFF\xFE"
            "b");
  EXPECT_EQ(SanitizeSubject("a\x85"
                            "b"),
            "a\x85"
            "b");  // bare byte, not NEL
  EXPECT_EQ(SanitizeSubject("a\xE2\x80"
                            "b"),
            "a\xE2\x80"
            "b");  // truncated U+2028
  EXPECT_EQ(SanitizeSubject("\xC3"), "\xC3");
  // A broken sequence does not hide a following line break.
  EXPECT_EQ(SanitizeSubject("\xE2\x80\nBcc: x"), "\xE2\x80 Bcc: x");
  EXPECT_EQ(SanitizeSubject("\xC2\nBcc: x"), "\xC2 Bcc: x");
}

// Found by tests/fuzz/render_fuzz.cc: dropping the control between an ill-formed byte and
// continuation bytes made a line break (or a C1 control) of them, so the result still held one.
TEST(SanitizeSubjectTest, DroppedControlsJoinNoBytesIntoACharacter) {
  EXPECT_EQ(SanitizeSubject("break\xC2\x0B\x85NEL"), "break\xEF\xBF\xBD\x85NEL");
  EXPECT_EQ(SanitizeSubject("a\xE2\x01\x80\xA8"
                            "b"),
            "a\xEF\xBF\xBD\x80\xA8"
            "b");
  EXPECT_EQ(SanitizeSubject("a\xE2\x80\x01\xA8"
                            "b"),
            "a\xE2\xEF\xBF\xBD\xA8"
            "b");
  EXPECT_EQ(SanitizeSubject("a\xC2\xC2\x80\x85"), "a\xEF\xBF\xBD\x85");  // C1 dropped
  for (std::string_view s : {"break\xC2\x0B\x85NEL", "x\xE2\x01\x80\x01\xA8", "\xC2\x7F\x9F"}) {
    std::string once = SanitizeSubject(s);
    EXPECT_EQ(SanitizeSubject(once), once);
  }
  // Ill-formed bytes with nothing dropped next to them stay as they are.
  EXPECT_EQ(SanitizeSubject("a\xC2 \x85"), "a\xC2 \x85");
}

}  // namespace
}  // namespace mailmark
