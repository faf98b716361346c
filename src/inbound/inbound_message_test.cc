#include "inbound/inbound_message.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/time.h"
#include "inbound/classifier.h"

namespace mailmark {
namespace {

using ::testing::HasSubstr;

std::string Crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// Parsing and classifying must never crash, whatever the input.
void ParseAndClassify(const std::string& raw) {
  Result<ParsedInbound> in = ParseInbound(raw);
  if (in.ok()) {
    InboundClass result = Classify(*in, raw);
    (void)result;
  }
}

TEST(ParseInbound, ReadsTheFields) {
  std::string raw = Crlf(
      "From: \"Doe, Jane\" <Jane.Doe@Example.COM>\n"
      "To: Sales <sales@sender.test>, group: a@x.example, B@Y.example;\n"
      "Subject: =?utf-8?q?Re:_Caf=C3=A9?=\n"
      "Date: Fri, 27 Nov 2026 17:45:02 +0100\n"
      "Message-ID: <abc@example.com>\n"
      "In-Reply-To: <one@sender.test> (Jane's message)\n"
      "References: <zero@sender.test>\n  <one@sender.test>\n"
      "Auto-Submitted: no\n"
      "X-Custom: a\n b\n"
      "MIME-Version: 1.0\n"
      "Content-Type: text/plain; charset=utf-8\n"
      "\n"
      "Hello\n");
  Result<ParsedInbound> in = ParseInbound(raw);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->from_address, "jane.doe@example.com");
  EXPECT_EQ(in->from_name, "Doe, Jane");
  EXPECT_EQ(in->to, (std::vector<std::string>{"sales@sender.test", "a@x.example", "b@y.example"}));
  EXPECT_EQ(in->subject, "Re: Café");
  EXPECT_EQ(in->message_id, "<abc@example.com>");
  EXPECT_EQ(in->in_reply_to, "<one@sender.test>");
  EXPECT_EQ(in->references, (std::vector<std::string>{"<zero@sender.test>", "<one@sender.test>"}));
  ASSERT_TRUE(in->date);
  EXPECT_EQ(FormatRfc3339(*in->date), "2026-11-27T16:45:02Z");
  EXPECT_EQ(in->Header("auto-submitted"), "no");
  EXPECT_EQ(in->Header("x-custom"), "a b");
  EXPECT_THAT(in->Header("content-type"), HasSubstr("text/plain"));
  EXPECT_EQ(in->Header("x-absent"), "");
  EXPECT_EQ(in->text, "Hello\n");
}

TEST(ParseInbound, SubjectSurvivesGMimeBug133) {
  std::string raw = Crlf(
      "From: =?UTF-8?B?SsO8cmdlbg==?= =?UTF-8?B?IE3DvGxsZXI=?= <j@x.example>\n"
      "Subject: =?UTF-8?B?UmU6IMOcYmVyYmxpY2s=?= =?UTF-8?B?IMO8YmVyIGRlbiBRMy1GYWhycGxhbg==?=\n"
      "\nbody\n");
  Result<ParsedInbound> in = ParseInbound(raw);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->subject, "Re: Überblick über den Q3-Fahrplan");
  EXPECT_EQ(in->from_name, "Jürgen Müller");
}

TEST(ParseInbound, BodyPrefersPlainTextSkipsAttachmentsAndEnclosedMessages) {
  std::string raw = Crlf(
      "From: a@b.example\nSubject: s\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"o\"\n\n"
      "--o\nContent-Type: message/rfc822\n\n"
      "From: x@y.example\nSubject: inner\nContent-Type: text/plain\n\ninner body\n"
      "--o\nContent-Type: text/plain\nContent-Disposition: attachment; filename=a.txt\n\nattached\n"
      "--o\nContent-Type: multipart/alternative; boundary=\"i\"\n\n"
      "--i\nContent-Type: text/html; charset=utf-8\n\n<p>html &amp; text</p>\n"
      "--i\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: "
      "quoted-printable\n\nd=E9j=E0 vu\n"
      "--i--\n--o--\n");
  Result<ParsedInbound> in = ParseInbound(raw);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->text, "déjà vu");  // the line break before a boundary is the boundary's
  std::string html_only = Crlf(
      "From: a@b.example\nContent-Type: text/html\n\n<html><body><p>Hi&nbsp;there</p>"
      "<script>x()</script></body></html>\n");
  EXPECT_EQ(ParseInbound(html_only)->text, "Hi there");
}

TEST(ParseInbound, RefusesEmptyOversizedAndOverlongHeaders) {
  EXPECT_EQ(ParseInbound("").error().code, "empty_message");
  EXPECT_EQ(ParseInbound(" \r\n\r\n").error().code, "empty_message");
  std::string long_subject = "Subject: ";
  for (int i = 0; i < 4000; ++i)
    long_subject += "=?utf-8?q?aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa?= ";
  EXPECT_EQ(ParseInbound(long_subject + "\r\n\r\nbody").error().code, "header_too_long");
  std::string folded = "Subject: x\r\n";
  for (int i = 0; i < 3000; ++i)
    folded += " =?utf-8?q?aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa?=\r\n";
  EXPECT_EQ(ParseInbound(folded + "\r\nbody").error().code, "header_too_long");
  std::string many;
  for (int i = 0; i < 20000; ++i)
    many += "X-H" + std::to_string(i) + ": " + std::string(60, 'v') + "\r\n";
  EXPECT_EQ(ParseInbound(many + "\r\nbody").error().code, "header_too_long");
}

TEST(ParseInbound, NoHeadersOrMissingFieldsStillParse) {
  Result<ParsedInbound> in = ParseInbound("just some text\r\nwithout headers\r\n");
  if (in.ok()) {
    EXPECT_EQ(in->from_address, "");
    EXPECT_EQ(in->message_id, "");
    EXPECT_FALSE(in->date);
  }
  Result<ParsedInbound> bare = ParseInbound("Subject: only\r\n\r\n");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->subject, "only");
  EXPECT_EQ(bare->from_address, "");
  EXPECT_TRUE(bare->to.empty());
  EXPECT_EQ(bare->text, "");
  EXPECT_EQ(Classify(*bare, "Subject: only\r\n\r\n").kind, InboundKind::kOther);
}

TEST(ParseInbound, HostileInputsNeverCrash) {
  std::mt19937 random(133);
  for (int round = 0; round < 50; ++round) {
    std::string garbage(1 + random() % 20000, '\0');
    for (char& c : garbage) c = static_cast<char>(random() % 256);
    ParseAndClassify(garbage);
    ParseAndClassify(
        "From: a@b.example\r\nContent-Type: multipart/report; "
        "report-type=delivery-status; boundary=x\r\n\r\n--x\r\n" +
        garbage);
  }
  // Deep nesting: walked to kMaxMimeDepth, never recursed without bound.
  std::string deep = "From: a@b.example\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n";
  for (int i = 1; i < 3000; ++i) {
    deep += "--b" + std::to_string(i - 1) + "\r\nContent-Type: multipart/mixed; boundary=\"b" +
            std::to_string(i) + "\"\r\n\r\n";
  }
  deep += "--b2999\r\nContent-Type: text/plain\r\n\r\nburied\r\n";
  Result<ParsedInbound> in = ParseInbound(deep);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->text, "");  // below the depth limit
  ParseAndClassify(deep);
  // Missing parts, no boundary, truncated in a header, NUL bytes, endless header.
  ParseAndClassify("Content-Type: multipart/report; report-type=delivery-status\r\n\r\n");
  ParseAndClassify("Content-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\nContent-Type: mess");
  ParseAndClassify(std::string("From: a\0b@c.example\r\nSubject: \0\0\r\n\r\n\0", 40));
  ParseAndClassify("Subject: " + std::string(100000, 'x'));
  ParseAndClassify("Content-Type: message/rfc822\r\n\r\nContent-Type: message/rfc822\r\n\r\n");
  ParseAndClassify(
      "Content-Type: multipart/report; report-type=delivery-status; boundary=z\r\n\r\n"
      "--z\r\nContent-Type: message/delivery-status\r\n\r\n" +
      std::string(200000, ':') + "\r\n--z--\r\n");
}

}  // namespace
}  // namespace mailmark
