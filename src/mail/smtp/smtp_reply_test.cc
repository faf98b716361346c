#include "mail/smtp/smtp_reply.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mailmark {
namespace {

std::vector<SmtpReply> All(SmtpReplyParser& p) {
  std::vector<SmtpReply> out;
  while (auto r = p.Next()) out.push_back(*r);
  return out;
}

TEST(SmtpReplyParser, NothingUntilALineEnds) {
  SmtpReplyParser p;
  EXPECT_FALSE(p.Next());
  p.Feed("250 2.1.0 O");
  EXPECT_FALSE(p.Next());
  EXPECT_FALSE(p.empty());
  p.Feed("k\r\n");
  auto r = p.Next();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, 250);
  EXPECT_EQ(r->text, "250 2.1.0 Ok");
  EXPECT_TRUE(p.empty());
}

TEST(SmtpReplyParser, PipelinedRepliesComeOutInOrderWhateverTheChunks) {
  const std::string wire =
      "250 2.1.0 Ok\r\n550 5.1.1 <b@y.test>: unknown\r\n554 5.5.1 Error: no "
      "valid recipients\r\n";
  for (std::size_t chunk : {1u, 2u, 7u, 1000u}) {
    SmtpReplyParser p;
    std::vector<SmtpReply> replies;
    for (std::size_t i = 0; i < wire.size(); i += chunk) {
      p.Feed(wire.substr(i, chunk));
      for (auto& r : All(p)) replies.push_back(r);
    }
    ASSERT_EQ(replies.size(), 3u) << chunk;
    EXPECT_EQ(replies[0].code, 250);
    EXPECT_EQ(replies[1].code, 550);
    EXPECT_EQ(replies[1].text, "550 5.1.1 <b@y.test>: unknown");
    EXPECT_EQ(replies[2].code, 554);
  }
}

TEST(SmtpReplyParser, JoinsMultiLineRepliesWithoutCrlf) {
  SmtpReplyParser p;
  p.Feed("250-sink.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n220 next\n");
  auto replies = All(p);
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].code, 250);
  EXPECT_EQ(replies[0].text, "250-sink.test\n250-PIPELINING\n250 8BITMIME");
  EXPECT_TRUE(replies[0].positive());
  EXPECT_EQ(replies[1].text, "220 next") << "a bare LF ends a line too";
}

TEST(SmtpReplyParser, MalformedLinesAreRepliesWithCodeZero) {
  for (const char* line : {"\r\n", "25\r\n", "abc def\r\n", "2x0 ok\r\n", "-250 x\r\n", "250/x\r\n",
                           "\x01\x02\x03\r\n"}) {
    SmtpReplyParser p;
    p.Feed(line);
    auto r = p.Next();
    ASSERT_TRUE(r) << line;
    EXPECT_EQ(r->code, 0) << line;
    EXPECT_FALSE(r->positive());
  }
  SmtpReplyParser p;
  p.Feed("250\r\n999 odd\r\n");
  auto replies = All(p);
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].code, 250) << "a bare code is a complete reply";
  EXPECT_EQ(replies[1].code, 999);
}

TEST(SmtpReplyParser, HostileRepliesStayBounded) {
  SmtpReplyParser p;
  std::string huge(60 * 1024, 'x');
  for (int i = 0; i < 16; ++i) {  // just under kMaxReply
    p.Feed("550-" + huge + "\r\n");
    EXPECT_FALSE(p.Next());
    EXPECT_FALSE(p.overflowed());
  }
  p.Feed("550 end\r\n");
  auto r = p.Next();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, 550);
  EXPECT_LE(r->text.size(), SmtpReplyParser::kMaxReplyText);
  EXPECT_EQ(r->text.rfind("550-xxx", 0), 0u);
}

TEST(SmtpReplyParser, AnEndlessLineOverflows) {
  SmtpReplyParser p;
  for (int i = 0; i < 100 && !p.overflowed(); ++i) p.Feed(std::string(4096, 'y'));
  EXPECT_TRUE(p.overflowed());
  EXPECT_FALSE(p.Next());
  p.Clear();
  EXPECT_FALSE(p.overflowed());
  EXPECT_TRUE(p.empty());
}

// Short lines, but no last one: a server could keep the client reading for ever.
TEST(SmtpReplyParser, AnEndlessReplyOverflows) {
  SmtpReplyParser p;
  std::string lines;
  for (int i = 0; i < 1000; ++i) lines += "250-MORE\r\n";
  for (int i = 0; i < 200 && !p.overflowed(); ++i) {
    p.Feed(lines);
    EXPECT_FALSE(p.Next());
  }
  EXPECT_TRUE(p.overflowed());
  p.Feed("250 end\r\n");
  EXPECT_FALSE(p.Next()) << "nothing more parses";
  p.Clear();
  EXPECT_FALSE(p.overflowed());
  p.Feed("250 ok\r\n");
  ASSERT_TRUE(p.Next());
}

TEST(ParseEnhancedStatus, ReadsTheCodeAfterTheReplyCode) {
  EXPECT_EQ(ParseEnhancedStatus("550 5.1.1 <b@y.test>: unknown"), (EnhancedStatus{5, 1, 1}));
  EXPECT_EQ(ParseEnhancedStatus("550-5.1.1 first\n550 5.1.1 second"), (EnhancedStatus{5, 1, 1}));
  EXPECT_EQ(ParseEnhancedStatus("552 5.2.2"), (EnhancedStatus{5, 2, 2}));
  EXPECT_EQ(ParseEnhancedStatus("550  5.7.26 two spaces"), (EnhancedStatus{5, 7, 26}));
  EXPECT_EQ(ParseEnhancedStatus("450 4.2.1 later"), (EnhancedStatus{4, 2, 1}));
  EXPECT_EQ(ParseEnhancedStatus("250 2.0.0 Ok"), (EnhancedStatus{2, 0, 0}));
  EXPECT_EQ(ParseEnhancedStatus("550 5.123.999 wide"), (EnhancedStatus{5, 123, 999}));
}

TEST(ParseEnhancedStatus, RefusesAnythingElse) {
  for (const char* text : {"", "550", "550 ", "550 no such user", "550 5.1", "550 5.1.", "550 5..1",
                           "550 .1.1", "550 3.1.1 bad class", "550 55.1.1", "550 5.1234.1",
                           "550 5.1.1234", "550 5.1.1.1", "550 x5.1.1", "5x0 5.1.1", "550/5.1.1",
                           "no reply 5.1.1", "550\n550 5.1.1 second line", "550 -5.1.1"}) {
    EXPECT_EQ(ParseEnhancedStatus(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace mailmark
