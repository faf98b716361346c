// Messages from BuildMessage, for hostile and non-ASCII input, pass the strict checks and
// decode to exactly what went in, in GMime and in Python; and the checks catch broken mail.
#include "harness/message_quality.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "harness/smtp_sink.h"
#include "mail/message_builder.h"

namespace mailmark::testing {

std::ostream& operator<<(std::ostream& os, const DecodedMessage& m) {
  return os << "{subject=\"" << m.subject << "\", from_name=\"" << m.from_name
            << "\", from_address=\"" << m.from_address << "\", to=\"" << m.to << "\", message_id=\""
            << m.message_id << "\", in_reply_to=\"" << m.in_reply_to << "\", references=["
            << ::testing::PrintToString(m.references) << "], text=\"" << m.text << "\", html=\""
            << m.html << "\"}";
}

namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

#define REQUIRE_CHECKERS() MM_SKIP_OR_FAIL_IF_MISSING(MessageQualityToolsMissing())

struct Case {
  std::string name;  // the test's name
  std::string from_name;
  std::string subject;
  std::string html;
  std::string text;
  std::vector<std::string> references = {};
  // What readers must see when the builder neutralises the input; empty: the input itself.
  std::string expected_subject = {};
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::string Repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::vector<Case> Cases() {
  std::vector<Case> cases = {
      {"Ascii", "Ann Sender", "Hello Bob", "<p>Hi <b>Bob</b></p>", "Hi Bob"},
      {"German", "Jörg Müller", "Grüße aus Köln, Jörg", "<p>Grüße, Jörg Müller</p>",
       "Grüße,\nJörg Müller"},
      {"Emoji", "Rocket 🚀 Team", "🚀 Launch", "<p>🚀🎉 We launched 👩‍💻</p>",
       "🚀🎉 We launched 👩‍💻"},
      {"Japanese", "山田太郎", "ご注文ありがとうございます – 次のステップのご案内",
       "<p>山田様、いつもお世話になっております。</p>",
       "山田様\n\nいつもお世話になっております。\n今後ともよろしくお願いいたします。"},
      {"LongJapaneseSubject", "佐藤 花子", Repeat("日本語の件名です。", 20), "<p>本文</p>", "本文"},
      {"LongHtmlLine", "Ann", "Long line",
       "<p>" + Repeat("word ", 1000) + "</p><p>" + Repeat("x", 5000) + "</p>", Repeat("y", 5000)},
      {"LongUnicodeHtmlLine", "Ann", "Long unicode line", "<p>" + Repeat("ü€🚀", 1700) + "</p>",
       Repeat("é", 3000)},
      // Surrounding blanks are trimmed by the builder.
      {"LongAsciiSubject",
       "Ann",
       Repeat("lorem ipsum ", 25),
       "<p>x</p>",
       "x",
       {},
       Repeat("lorem ipsum ", 25).substr(0, 25 * 12 - 1)},
      {"LongSubjectWithoutBlanks", "Ann", Repeat("z", 300), "<p>x</p>", "x"},
      {"LongMixedSubject",
       "Ann",
       " " + Repeat("Überweisung für Jörg ", 15),
       "<p>x</p>",
       "x",
       {},
       Repeat("Überweisung für Jörg ", 15).substr(0, 15 * 24 - 1)},
      {"FollowUp",
       "Jörg Müller",
       "Re: Grüße",
       "<p>Just following up</p>",
       "Just following up",
       {"<first.1@mail.example.com>", "<second.2@mail.example.com>"}},
      {"LiteralEncodedWordSyntax", "=?utf-8?q?Not_a_word?=", "Use =?utf-8?b?SGk=?= literally",
       "<p>x</p>", "x"},
      {"NameWithSpecials", "O'Neil, \"The Boss\" <Sales>", "Specials (in a comment?)", "<p>x</p>",
       "x"},
      {"HeaderInjection",
       "Ann",
       "Hello\r\nBcc: victim@example.org",
       "<p>x</p>",
       "x",
       {},
       "Hello  Bcc: victim@example.org"},
      {"DotsAndBoundaryLookalikes", "Ann", "Dots",
       "<p>x</p>\n.\n..\n--boundary\n--\nFrom the start", ".\n..\n--\nFrom me\n. "},
  };
  return cases;
}

MessageInput InputFor(const Case& c) {
  MessageInput in;
  in.from_name = c.from_name;
  in.from_email = "sales@sender.example.com";
  in.to_email = "jorg@recipient.example.org";
  in.subject = c.subject;
  in.html = c.html;
  in.text = c.text;
  in.message_id = "<0123456789abcdef.case@sender.example.com>";
  in.references = c.references;
  in.date = FromMillis(1'795'000'000'000);
  return in;
}

DecodedMessage ExpectedFor(const Case& c) {
  DecodedMessage m;
  m.subject = c.expected_subject.empty() ? c.subject : c.expected_subject;
  m.from_name = c.from_name;
  m.from_address = "sales@sender.example.com";
  m.to = "jorg@recipient.example.org";
  m.message_id = "<0123456789abcdef.case@sender.example.com>";
  m.in_reply_to = c.references.empty() ? "" : c.references.back();
  m.references = c.references;
  m.text = c.text;
  m.html = c.html;
  return m;
}

class BuiltMessage : public ::testing::TestWithParam<Case> {};

TEST_P(BuiltMessage, PassesTheStrictChecks) {
  REQUIRE_CHECKERS();
  std::string raw = BuildMessage(InputFor(GetParam()));
  EXPECT_THAT(MessageQualityProblems(raw), IsEmpty()) << raw.substr(0, 3000);
}

TEST_P(BuiltMessage, RoundTripsExactlyInGMime) {
  std::string raw = BuildMessage(InputFor(GetParam()));
  EXPECT_EQ(DecodeWithGMime(raw), ExpectedFor(GetParam())) << raw.substr(0, 3000);
}

TEST_P(BuiltMessage, RoundTripsExactlyInPython) {
  REQUIRE_CHECKERS();
  std::string raw = BuildMessage(InputFor(GetParam()));
  EXPECT_EQ(DecodeWithPython(raw), ExpectedFor(GetParam())) << raw.substr(0, 3000);
}

INSTANTIATE_TEST_SUITE_P(Inputs, BuiltMessage, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.name;
                         });

// ---- the checker itself ---------------------------------------------------------------------

// A valid message written by hand, not by the builder: the checks are about mail, not about
// one producer.
std::string HandWritten() {
  return "From: =?utf-8?q?J=C3=B6rg?= <jorg@example.com>\r\n"
         "To: bob@example.org\r\n"
         "Subject: Hello\r\n"
         "Date: Tue, 17 Nov 2026 10:00:00 +0000\r\n"
         "Message-ID: <abc.1@example.com>\r\n"
         "In-Reply-To: <parent@example.com>\r\n"
         "References: <root@example.com>\r\n"
         " <parent@example.com>\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: multipart/alternative; boundary=\"b1\"\r\n"
         "\r\n"
         "--b1\r\n"
         "Content-Type: text/plain; charset=utf-8\r\n"
         "Content-Transfer-Encoding: quoted-printable\r\n"
         "\r\n"
         "Gr=C3=BC=C3=9Fe\r\n"
         "--b1\r\n"
         "Content-Type: text/html; charset=utf-8\r\n"
         "Content-Transfer-Encoding: 7bit\r\n"
         "\r\n"
         "<p>Hi</p>\r\n"
         "--b1--\r\n";
}

std::string Replace(std::string text, std::string_view from, std::string_view to) {
  std::size_t at = text.find(from);
  if (at == std::string::npos) throw std::logic_error("no \"" + std::string(from) + "\"");
  return text.replace(at, from.size(), to);
}

// Whether some problem mentions `needle`.
::testing::Matcher<std::vector<std::string>> Mentions(const std::string& needle) {
  return ::testing::Contains(HasSubstr(needle));
}

TEST(MessageQualityProblems, PassHandWrittenValidMessage) {
  REQUIRE_CHECKERS();
  EXPECT_THAT(MessageQualityProblems(HandWritten()), IsEmpty());
  DecodedMessage m = DecodeWithGMime(HandWritten());
  EXPECT_EQ(m.from_name, "Jörg");
  EXPECT_EQ(m.text, "Grüße");  // the CRLF before a boundary belongs to the boundary
  EXPECT_EQ(m.references, (std::vector<std::string>{"<root@example.com>", "<parent@example.com>"}));
  EXPECT_EQ(DecodeWithPython(HandWritten()), m);
}

TEST(MessageQualityProblems, CatchABareLf) {
  REQUIRE_CHECKERS();
  EXPECT_THAT(MessageQualityProblems(Replace(HandWritten(), "<p>Hi</p>\r\n", "<p>Hi</p>\n")),
              Mentions("bare LF"));
  std::string built = BuildMessage(InputFor(Cases()[0]));
  EXPECT_THAT(MessageQualityProblems(Replace(built, "\r\n", "\n")), Mentions("bare LF"));
}

TEST(MessageQualityProblems, CatchABareCr) {
  REQUIRE_CHECKERS();
  EXPECT_THAT(MessageQualityProblems(Replace(HandWritten(), "<p>Hi</p>", "<p>H\ri</p>")),
              Mentions("bare CR"));
}

TEST(MessageQualityProblems, CatchALineOver998Octets) {
  REQUIRE_CHECKERS();
  std::string long_line = "<p>" + std::string(1200, 'x') + "</p>";
  EXPECT_THAT(MessageQualityProblems(Replace(HandWritten(), "<p>Hi</p>", long_line)),
              Mentions("line over 998 octets"));
  // 998 octets is the limit, not over it.
  std::string at_limit = std::string(998, 'x');
  EXPECT_THAT(MessageQualityProblems(Replace(HandWritten(), "<p>Hi</p>", at_limit)), IsEmpty());
}

TEST(MessageQualityProblems, CatchAMissingDate) {
  REQUIRE_CHECKERS();
  std::vector<std::string> problems = MessageQualityProblems(
      Replace(HandWritten(), "Date: Tue, 17 Nov 2026 10:00:00 +0000\r\n", ""));
  EXPECT_THAT(problems, Mentions("Date appears 0 times"));
  EXPECT_THAT(problems, Mentions("gmime: no readable Date"));
}

TEST(MessageQualityProblems, CatchAnUnreadableDate) {
  REQUIRE_CHECKERS();
  EXPECT_THAT(MessageQualityProblems(
                  Replace(HandWritten(), "Tue, 17 Nov 2026 10:00:00 +0000", "sometime next week")),
              Mentions("Date"));
}

TEST(MessageQualityProblems, CatchRawUtf8InSubjectAndFrom) {
  REQUIRE_CHECKERS();
  std::vector<std::string> subject =
      MessageQualityProblems(Replace(HandWritten(), "Subject: Hello", "Subject: Grüße"));
  EXPECT_THAT(subject, Mentions("Subject carries raw non-ASCII octets"));
  EXPECT_THAT(subject, Mentions("8-bit octet in the header section"));
  EXPECT_THAT(MessageQualityProblems(Replace(HandWritten(), "=?utf-8?q?J=C3=B6rg?=", "Jörg")),
              Mentions("From carries raw non-ASCII octets"));
}

TEST(MessageQualityProblems, CatchDuplicatedAndMissingRequiredHeaders) {
  REQUIRE_CHECKERS();
  EXPECT_THAT(MessageQualityProblems(
                  Replace(HandWritten(), "Subject: Hello\r\n", "Subject: A\r\nSubject: B\r\n")),
              Mentions("Subject appears 2 times"));
  for (std::string_view line : {"To: bob@example.org\r\n", "MIME-Version: 1.0\r\n",
                                "Message-ID: <abc.1@example.com>\r\n"}) {
    std::string name(line.substr(0, line.find(':')));
    EXPECT_THAT(MessageQualityProblems(Replace(HandWritten(), line, "")),
                Mentions(name + " appears 0 times"));
  }
}

TEST(MessageQualityProblems, CatchMalformedMessageIds) {
  REQUIRE_CHECKERS();
  for (std::string_view bad : {"<no-at-sign>", "abc@example.com", "<a..b@example.com>",
                               "<a b@example.com>", "<@example.com>", "<a@>", "<a@b@c>"}) {
    EXPECT_THAT(MessageQualityProblems(Replace(HandWritten(), "Message-ID: <abc.1@example.com>",
                                               "Message-ID: " + std::string(bad))),
                Mentions("Message-ID is not <local@domain>"))
        << bad;
  }
}

TEST(MessageQualityProblems, CatchBrokenThreadingHeaders) {
  REQUIRE_CHECKERS();
  EXPECT_THAT(MessageQualityProblems(
                  Replace(HandWritten(), "In-Reply-To: <parent@example.com>", "In-Reply-To: x")),
              Mentions("In-Reply-To is not one <local@domain> id"));
  EXPECT_THAT(MessageQualityProblems(Replace(HandWritten(), "\r\n <parent@example.com>\r\n",
                                             "\r\n <parent@example.com> junk\r\n")),
              Mentions("References holds a malformed id"));
  EXPECT_THAT(MessageQualityProblems(Replace(HandWritten(), "In-Reply-To: <parent@example.com>",
                                             "In-Reply-To: <other@example.com>")),
              Mentions("the last References id is not the In-Reply-To id"));
  EXPECT_THAT(
      MessageQualityProblems(Replace(
          HandWritten(), "References: <root@example.com>\r\n <parent@example.com>\r\n", "")),
      Mentions("In-Reply-To without References"));
}

TEST(MessageQualityProblems, CatchHtmlBeforePlainAndMissingPlain) {
  REQUIRE_CHECKERS();
  std::string swapped =
      Replace(Replace(Replace(HandWritten(), "text/plain", "text/TEMP"), "text/html", "text/plain"),
              "text/TEMP", "text/html");
  EXPECT_THAT(MessageQualityProblems(swapped),
              Mentions("multipart/alternative puts text/html before text/plain"));
  std::string html_only = Replace(HandWritten(), "text/plain", "text/html");
  std::vector<std::string> problems = MessageQualityProblems(html_only);
  EXPECT_THAT(problems, Mentions("no text/plain part"));
  EXPECT_THAT(problems, Mentions("multipart/alternative without a text/plain part"));
}

TEST(MessageQualityProblems, CatchACharsetOtherThanUtf8) {
  REQUIRE_CHECKERS();
  std::vector<std::string> problems = MessageQualityProblems(
      Replace(HandWritten(), "text/plain; charset=utf-8", "text/plain; charset=iso-8859-1"));
  EXPECT_THAT(problems, Mentions("declares charset iso-8859-1, not utf-8"));
  EXPECT_THAT(problems, Mentions("python:"));
  EXPECT_THAT(
      MessageQualityProblems(Replace(HandWritten(), "text/html; charset=utf-8", "text/html")),
      Mentions("declares charset (none)"));
}

TEST(MessageQualityProblems, CatchEightBitBodies) {
  REQUIRE_CHECKERS();
  EXPECT_THAT(MessageQualityProblems(Replace(HandWritten(), "<p>Hi</p>", "<p>Grüße</p>")),
              Mentions("8-bit octet in the body"));
}

TEST(MessageQualityProblems, CatchWhatOnlyPythonNotices) {
  REQUIRE_CHECKERS();
  // No closing boundary: GMime quietly accepts the truncated multipart, Python records a
  // defect.
  std::vector<std::string> problems =
      MessageQualityProblems(Replace(HandWritten(), "--b1--\r\n", ""));
  EXPECT_THAT(problems, Mentions("python: message: CloseBoundaryNotFoundDefect"));
}

TEST(MessageQualityProblems, CatchHeaderLinesThatAreNoFields) {
  REQUIRE_CHECKERS();
  EXPECT_THAT(MessageQualityProblems(Replace(HandWritten(), "To: bob@example.org\r\n",
                                             "To: bob@example.org\r\nthis is no header\r\n")),
              Mentions("not a header field"));
}

}  // namespace
}  // namespace mailmark::testing
