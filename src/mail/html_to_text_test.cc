#include "mail/html_to_text.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

namespace mailmark {
namespace {

TEST(HtmlToTextTest, PlainTextPassesThrough) {
  EXPECT_EQ(HtmlToText("Hello world"), "Hello world");
  EXPECT_EQ(HtmlToText(""), "");
  EXPECT_EQ(HtmlToText("   \n\t  "), "");
}

TEST(HtmlToTextTest, CollapsesWhitespace) {
  EXPECT_EQ(HtmlToText("  Hello \n\n  big\t\tworld  "), "Hello big world");
}

TEST(HtmlToTextTest, ParagraphsAndBreaks) {
  EXPECT_EQ(HtmlToText("<p>One</p><p>Two</p>"), "One\n\nTwo");
  EXPECT_EQ(HtmlToText("a<br>b<br/>c<BR />d"), "a\nb\nc\nd");
  EXPECT_EQ(HtmlToText("<div>a</div><div>b</div>"), "a\nb");
  EXPECT_EQ(HtmlToText("<h1>Title</h1>Body"), "Title\n\nBody");
  EXPECT_EQ(HtmlToText("<blockquote>q</blockquote>after"), "q\n\nafter");
  EXPECT_EQ(HtmlToText("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"),
            "a b\nc");
}

TEST(HtmlToTextTest, AtMostOneBlankLineInARow) {
  EXPECT_EQ(HtmlToText("<p>a</p><p></p><p></p><br><br><br><p>b</p>"), "a\n\nb");
  EXPECT_EQ(HtmlToText("<br><br>a<br><br><br>"), "a");
}

TEST(HtmlToTextTest, ListItems) {
  EXPECT_EQ(HtmlToText("<ul><li>one</li><li>two</li></ul>after"), "- one\n- two\n\nafter");
  EXPECT_EQ(HtmlToText("<ol><li>x<li>y</ol>"), "- x\n- y");
}

TEST(HtmlToTextTest, LinksShowTheirUrlWhenDifferent) {
  EXPECT_EQ(HtmlToText("See <a href=\"https://x.test/a\">the docs</a>."),
            "See the docs (https://x.test/a).");
  EXPECT_EQ(HtmlToText("<a href='https://x.test'>https://x.test</a>"), "https://x.test");
  EXPECT_EQ(HtmlToText("<a href=https://x.test/>https://x.test</a>"), "https://x.test");
  EXPECT_EQ(HtmlToText("<a href=\"mailto:a@b.c\">a@b.c</a>"), "a@b.c");
  EXPECT_EQ(HtmlToText("<a href=\"https://x.test/?a=1&amp;b=2\">go</a>"),
            "go (https://x.test/?a=1&b=2)");
  EXPECT_EQ(HtmlToText("<a href=\"https://x.test\"><img src=x></a>"), "https://x.test");
  EXPECT_EQ(HtmlToText("<a href=\"#top\">top</a>"), "top");
  EXPECT_EQ(HtmlToText("<a name=\"x\">anchor</a>"), "anchor");
  EXPECT_EQ(HtmlToText("<a href=\"javascript:alert(1)\">x</a>"), "x");
  EXPECT_EQ(HtmlToText("<A HREF=\"u\" class=\"c\">t</A>"), "t (u)");
  EXPECT_EQ(HtmlToText("<a href=\"u\">unclosed"), "unclosed (u)");
}

TEST(HtmlToTextTest, DropsScriptStyleHeadAndComments) {
  EXPECT_EQ(HtmlToText("<html><head><title>T</title><style>p{color:red}</style></head>"
                       "<body><script>alert('<p>')</script>Hi<!-- secret --> there</body></html>"),
            "Hi there");
  EXPECT_EQ(HtmlToText("a<SCRIPT type=x>var s = '</p>';</Script>b"), "ab");
  EXPECT_EQ(HtmlToText("<!DOCTYPE html>x<?xml version=1?>y"), "xy");
}

TEST(HtmlToTextTest, DecodesEntities) {
  EXPECT_EQ(HtmlToText("&amp; &lt; &gt; &quot; &apos; a&nbsp;b"), "& < > \" ' a b");
  EXPECT_EQ(HtmlToText("&#65;&#x42;&#X43;"), "ABC");
  EXPECT_EQ(HtmlToText("&#x1F600;"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(HtmlToText("&#233;&#x20AC;"), "é€");
  EXPECT_EQ(HtmlToText("&lt;p&gt; stays text"), "<p> stays text");
}

TEST(HtmlToTextTest, MalformedEntitiesStayLiteral) {
  EXPECT_EQ(HtmlToText("AT&T & co"), "AT&T & co");
  EXPECT_EQ(HtmlToText("&unknown; &amp"), "&unknown; &amp");
  EXPECT_EQ(HtmlToText("&#; &#x; &#xZZ;"), "&#; &#x; &#xZZ;");
  EXPECT_EQ(HtmlToText("&#0; &#xD800; &#99999999999;"), "\uFFFD \uFFFD \uFFFD");
  EXPECT_EQ(HtmlToText("a&#10;b&#13;c"), "a b c");  // no smuggled line breaks
}

TEST(HtmlToTextTest, SurvivesMalformedHtml) {
  EXPECT_EQ(HtmlToText("a < b and c > d"), "a < b and c > d");
  EXPECT_EQ(HtmlToText("<"), "<");
  EXPECT_EQ(HtmlToText("x<"), "x<");
  EXPECT_EQ(HtmlToText("<3 you"), "<3 you");
  EXPECT_EQ(HtmlToText("before<p"), "before");
  EXPECT_EQ(HtmlToText("a<!-- never closed"), "a");
  EXPECT_EQ(HtmlToText("a<script>never closed"), "a");
  EXPECT_EQ(HtmlToText("<head><title>t</title>visible"), "visible");
  EXPECT_EQ(HtmlToText("<head><p>no close<body>shown"), "shown");
  EXPECT_EQ(HtmlToText("<p class=\"oops>text</p>more"), "text\n\nmore");  // first > wins
  EXPECT_EQ(HtmlToText("</p></div></li>text"), "text");
  EXPECT_EQ(HtmlToText("<b><i>bold</b></i>"), "bold");
}

TEST(HtmlToTextTest, PreKeepsLineBreaks) {
  EXPECT_EQ(HtmlToText("<pre>line1\nline2</pre>"), "line1\nline2");
}

TEST(HtmlToTextTest, RandomGarbageNeverCrashes) {
  std::mt19937 rng(12345);
  const std::string alphabet = "<>/!-&#;x\"'= abcpPliaAhrefscriptSTYLEhead\n\t\x80\xff\0";
  for (int round = 0; round < 2000; ++round) {
    std::string html;
    std::size_t length = rng() % 200;
    for (std::size_t i = 0; i < length; ++i) html.push_back(alphabet[rng() % alphabet.size()]);
    std::string text = HtmlToText(html);
    EXPECT_EQ(text.find("\n\n\n"), std::string::npos);
    if (!text.empty()) {
      EXPECT_NE(text.front(), ' ');
      EXPECT_NE(text.back(), '\n');
    }
  }
}

TEST(HtmlToTextTest, HostileRepetitionStaysFast) {
  // Each of these is quadratic in a naive converter; 200k repetitions would take minutes.
  for (const std::string& unit : {std::string("<head>"), std::string("<a \""), std::string("<!"),
                                  std::string("<p '"), std::string("&#x"), std::string("<a<")}) {
    std::string html;
    for (int i = 0; i < 200000; ++i) html += unit;
    std::string text = HtmlToText(html);
    // Whatever it makes of such input, it never grows it and keeps its own invariants.
    EXPECT_LE(text.size(), html.size()) << unit;
    EXPECT_EQ(text.find("\n\n\n"), std::string::npos) << unit;
  }
  EXPECT_EQ(HtmlToText(std::string(200000 / 6, ' ') + "<head><title>x</title></head>ok"), "ok");
}

TEST(DecodeHtmlEntitiesTest, DecodesOnlyReferences) {
  EXPECT_EQ(DecodeHtmlEntities("a&amp;b <p> &copy; &#x41;"), "a&b <p> © A");
}

}  // namespace
}  // namespace mailmark
