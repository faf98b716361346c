#include "mail/smtp/smtp_dialogue.h"

#include <gtest/gtest.h>

#include <string>

namespace mailmark {
namespace {

TEST(SmtpDialogue, StartsInSessionWithoutReply) {
  SmtpDialogue d;
  EXPECT_EQ(d.phase(), SmtpPhase::kSession);
  EXPECT_EQ(d.reply_code(), 0);
  EXPECT_EQ(d.reply_text(), "");
  EXPECT_FALSE(d.transaction_answered());
}

TEST(SmtpDialogue, TracksTheCommandEachReplyAnswers) {
  SmtpDialogue d;
  d.OnReplyLine("220 sink ESMTP\r\n");
  d.OnCommand("EHLO me\r\n");
  d.OnReplyLine("250-sink\r\n");
  d.OnReplyLine("250 PIPELINING\r\n");
  EXPECT_EQ(d.phase(), SmtpPhase::kSession);
  EXPECT_FALSE(d.transaction_answered());
  d.OnCommand("MAIL FROM:<a@x.test> SIZE=10\r\n");
  EXPECT_EQ(d.phase(), SmtpPhase::kMail);
  d.OnReplyLine("250 2.1.0 Ok\r\n");
  EXPECT_TRUE(d.transaction_answered());
  d.OnCommand("RCPT TO:<b@y.test>\r\n");
  EXPECT_EQ(d.phase(), SmtpPhase::kRcpt);
  d.OnReplyLine("550 5.1.1 <b@y.test>: User unknown\r\n");
  EXPECT_EQ(d.reply_code(), 550);
  EXPECT_EQ(d.reply_text(), "550 5.1.1 <b@y.test>: User unknown");
}

TEST(SmtpDialogue, DataPhaseCoversTheFinalDot) {
  SmtpDialogue d;
  d.OnCommand("MAIL FROM:<a@x.test>\r\n");
  d.OnCommand("RCPT TO:<b@y.test>\r\n");
  d.OnCommand("DATA\r\n");
  d.OnReplyLine("354 go ahead\r\n");
  d.OnReplyLine("554 5.7.1 spam\r\n");  // the answer to "." arrives with no command line
  EXPECT_EQ(d.phase(), SmtpPhase::kData);
  EXPECT_EQ(d.reply_code(), 554);
}

TEST(SmtpDialogue, JoinsMultiLineRepliesWithoutCrlf) {
  SmtpDialogue d;
  d.OnCommand("RCPT TO:<b@y.test>\r\n");
  d.OnReplyLine("550-5.1.1 The account does not exist.\r\n");
  EXPECT_EQ(d.reply_code(), 0) << "an unfinished reply is not the last reply yet";
  d.OnReplyLine("550 5.1.1 Please check the address.\r\n");
  EXPECT_EQ(d.reply_code(), 550);
  EXPECT_EQ(d.reply_text(),
            "550-5.1.1 The account does not exist.\n550 5.1.1 Please check the address.");
}

TEST(SmtpDialogue, CommandsAreCaseInsensitiveAndOnlyTheVerbCounts) {
  SmtpDialogue d;
  d.OnCommand("mail from:<a@x.test>");
  EXPECT_EQ(d.phase(), SmtpPhase::kMail);
  d.OnCommand("rcpt TO:<b@y.test>");
  EXPECT_EQ(d.phase(), SmtpPhase::kRcpt);
  d.OnCommand("MAILBOX something");  // not MAIL
  EXPECT_EQ(d.phase(), SmtpPhase::kRcpt);
}

TEST(SmtpDialogue, AuthStaysInSessionAndKeepsNoCredentials) {
  SmtpDialogue d;
  d.OnCommand("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n");
  d.OnReplyLine("535 5.7.8 Authentication credentials invalid\r\n");
  EXPECT_EQ(d.phase(), SmtpPhase::kSession);
  EXPECT_EQ(d.reply_code(), 535);
  EXPECT_EQ(d.reply_text().find("AGFsaWNl"), std::string::npos);
}

TEST(SmtpDialogue, RepliesAfterQuitAreIgnored) {
  SmtpDialogue d;
  d.OnCommand("MAIL FROM:<a@x.test>\r\n");
  d.OnCommand("RCPT TO:<b@y.test>\r\n");
  d.OnReplyLine("550 5.1.1 unknown\r\n");
  d.OnCommand("QUIT\r\n");
  d.OnReplyLine("221 2.0.0 Bye\r\n");
  EXPECT_EQ(d.phase(), SmtpPhase::kRcpt);
  EXPECT_EQ(d.reply_code(), 550);
  EXPECT_EQ(d.reply_text(), "550 5.1.1 unknown");
}

TEST(SmtpDialogue, ResetForgetsEverything) {
  SmtpDialogue d;
  d.OnCommand("MAIL FROM:<a@x.test>\r\n");
  d.OnReplyLine("451 later\r\n");
  d.OnCommand("QUIT\r\n");
  d.Reset();
  EXPECT_EQ(d.phase(), SmtpPhase::kSession);
  EXPECT_EQ(d.reply_code(), 0);
  EXPECT_FALSE(d.transaction_answered());
  d.OnCommand("MAIL FROM:<a@x.test>\r\n");
  d.OnReplyLine("250 ok\r\n");
  EXPECT_EQ(d.reply_code(), 250) << "not stuck in the closing state";
}

TEST(SmtpDialogue, MalformedRepliesHaveCodeZero) {
  for (const char* line : {"", "\r\n", "25", "abc def", "2x0 ok", "-250 x", "\x01\x02\x03"}) {
    SmtpDialogue d;
    d.OnCommand("MAIL FROM:<a@x.test>");
    d.OnReplyLine(line);
    EXPECT_EQ(d.reply_code(), 0) << line;
  }
  SmtpDialogue d;
  d.OnReplyLine("250");  // a bare code is a complete reply
  EXPECT_EQ(d.reply_code(), 250);
  d.OnReplyLine("999 odd");
  EXPECT_EQ(d.reply_code(), 999);
}

TEST(SmtpDialogue, HostileRepliesStayBounded) {
  SmtpDialogue d;
  d.OnCommand("RCPT TO:<b@y.test>");
  std::string huge(1 << 20, 'x');
  for (int i = 0; i < 1000; ++i) d.OnReplyLine("550-" + huge);
  d.OnReplyLine("550 end");
  EXPECT_EQ(d.reply_code(), 550);
  EXPECT_LE(d.reply_text().size(), SmtpDialogue::kMaxReplyText);
  EXPECT_EQ(d.reply_text().rfind("550-xxx", 0), 0u);
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
