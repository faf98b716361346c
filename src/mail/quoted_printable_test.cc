#include "mail/quoted_printable.h"

#include <random>
#include <string>
#include <vector>

#include <gmime/gmime.h>
#include <gtest/gtest.h>

#include "mail/gmime_runtime.h"

namespace mailmark {
namespace {

std::string Encode(std::string_view text) {
  std::string out;
  AppendQuotedPrintable(text, out);
  return out;
}

// GMime's decoder, an independent reader of what we write.
std::string DecodeWithGMime(std::string_view encoded) {
  EnsureGMimeInitialized();
  GMimeEncoding state;
  g_mime_encoding_init_decode(&state, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
  std::string out(g_mime_encoding_outlen(&state, encoded.size()) + 16, '\0');
  std::size_t n = g_mime_encoding_step(&state, encoded.data(), encoded.size(), out.data());
  n += g_mime_encoding_flush(&state, "", 0, out.data() + n);
  out.resize(n);
  return out;
}

// What decoding must give back: the text, its LF line breaks as CRLF.
std::string WithCrlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

std::vector<std::string> Lines(const std::string& encoded) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (true) {
    std::size_t end = encoded.find("\r\n", start);
    lines.push_back(encoded.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) return lines;
    start = end + 2;
  }
}

// RFC 2045 section 6.7 for any encoder output: short lines of printable ASCII, no blank before a
// line end, '=' only as an escape or a soft break.
void ExpectValidQuotedPrintable(const std::string& encoded) {
  for (const std::string& line : Lines(encoded)) {
    ASSERT_LE(line.size(), 76u) << line;
    if (!line.empty()) {
      EXPECT_NE(line.back(), ' ') << line;
      EXPECT_NE(line.back(), '\t') << line;
    }
    for (std::size_t i = 0; i < line.size(); ++i) {
      auto c = static_cast<unsigned char>(line[i]);
      ASSERT_TRUE((c >= 0x21 && c <= 0x7E) || c == ' ' || c == '\t') << int(c) << " in " << line;
      if (c != '=' || i + 1 == line.size()) continue;
      ASSERT_LE(i + 2, line.size() - 1) << line;
      for (std::size_t k = i + 1; k <= i + 2; ++k) {
        EXPECT_TRUE(std::isdigit(line[k]) || (line[k] >= 'A' && line[k] <= 'F')) << line;
      }
    }
    EXPECT_FALSE(line.starts_with("From ")) << line;
  }
}

TEST(QuotedPrintableTest, PrintableAsciiStaysReadable) {
  EXPECT_EQ(Encode(""), "");
  EXPECT_EQ(Encode("Hello, world! <a b:'x'>~</a> (1+2)/3 - 4?"),
            "Hello, world! <a b:'x'>~</a> (1+2)/3 - 4?");
  EXPECT_EQ(Encode("line1\nline2\n\nend\n"), "line1\r\nline2\r\n\r\nend\r\n");
}

TEST(QuotedPrintableTest, EqualsSignAndOtherBytesAreEscaped) {
  EXPECT_EQ(Encode("a=b"), "a=3Db");
  EXPECT_EQ(Encode("=="), "=3D=3D");
  EXPECT_EQ(Encode("Grüße"), "Gr=C3=BC=C3=9Fe");
  EXPECT_EQ(Encode(std::string("a\0b\rc\x7F", 6)), "a=00b=0Dc=7F");
}

TEST(QuotedPrintableTest, BlanksBeforeLineEndsAreEscaped) {
  EXPECT_EQ(Encode("a b\tc"), "a b\tc");
  EXPECT_EQ(Encode("trailing \nand tab\t\nend "), "trailing=20\r\nand tab=09\r\nend=20");
  EXPECT_EQ(Encode("  \n"), " =20\r\n");
  EXPECT_EQ(Encode("\t"), "=09");
}

TEST(QuotedPrintableTest, LineOfExactly76StaysWhole) {
  std::string line(76, 'a');
  EXPECT_EQ(Encode(line), line);
  EXPECT_EQ(Encode(line + "\n" + line), line + "\r\n" + line);
}

TEST(QuotedPrintableTest, LongerLinesGetSoftBreaks) {
  EXPECT_EQ(Encode(std::string(77, 'a')), std::string(75, 'a') + "=\r\naa");
  // The last character may use column 76, an escape may not cross it.
  EXPECT_EQ(Encode(std::string(73, 'a') + "="), std::string(73, 'a') + "=3D");
  EXPECT_EQ(Encode(std::string(74, 'a') + "="), std::string(74, 'a') + "=\r\n=3D");
  EXPECT_EQ(Encode(std::string(73, 'a') + "=b"), std::string(73, 'a') + "=\r\n=3Db");
  EXPECT_EQ(Encode(std::string(75, 'a') + " "), std::string(75, 'a') + "=\r\n=20");
  // A blank followed by a soft break is not at the end of a line.
  EXPECT_EQ(Encode(std::string(74, 'a') + " bc"), std::string(74, 'a') + " =\r\nbc");
}

TEST(QuotedPrintableTest, LongRunsWithoutBlanksDecodeExactly) {
  std::string run(5000, 'x');
  std::string encoded = Encode(run);
  ExpectValidQuotedPrintable(encoded);
  EXPECT_EQ(Lines(encoded).size(), 5000u / 75 + 1);
  EXPECT_EQ(DecodeWithGMime(encoded), run);
}

TEST(QuotedPrintableTest, MultibyteCharactersSplitAcrossSoftBreaksDecodeExactly) {
  for (std::size_t prefix = 60; prefix < 80; ++prefix) {
    std::string text = std::string(prefix, 'a') + "日本語🚀é" + std::string(prefix, 'b');
    std::string encoded = Encode(text);
    ExpectValidQuotedPrintable(encoded);
    EXPECT_EQ(DecodeWithGMime(encoded), text) << encoded;
  }
}

TEST(QuotedPrintableTest, DotsAtLineStartStayAndFromIsEscaped) {
  // SMTP dot-stuffing is the transport's job; ">From " mangling by mbox writers is avoided here.
  EXPECT_EQ(Encode(".\n..\n. x"), ".\r\n..\r\n. x");
  EXPECT_EQ(Encode("From me\nnot From x\nFrom\nFrome"), "=46rom me\r\nnot From x\r\nFrom\r\nFrome");
  std::string soft = std::string(75, 'a') + "From here";
  EXPECT_EQ(Encode(soft), std::string(75, 'a') + "=\r\n=46rom here");
}

TEST(QuotedPrintableTest, RandomTextRoundTripsThroughGMime) {
  std::mt19937 rng(7);
  const std::vector<std::string> units = {"a",     "Z", "0",  " ", "\t", "\n", "=",   ".",
                                          "From ", "ü", "日", "🚀", "\r", "~",  "=20", "\x01"};
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    for (std::size_t i = 0, n = rng() % 300; i < n; ++i) {
      // Runs of one unit make long lines and long blank runs likely.
      const std::string& unit = units[rng() % units.size()];
      for (std::size_t k = 0, r = 1 + (rng() % 4 == 0 ? rng() % 90 : 0); k < r; ++k) text += unit;
    }
    std::string encoded = Encode(text);
    ExpectValidQuotedPrintable(encoded);
    ASSERT_EQ(DecodeWithGMime(encoded), WithCrlf(text)) << encoded;
  }
}

}  // namespace
}  // namespace mailmark
