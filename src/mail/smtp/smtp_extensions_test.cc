#include "mail/smtp/smtp_extensions.h"

#include <gtest/gtest.h>

namespace mailmark {
namespace {

TEST(ParseEhloReply, ReadsPostfixStyleReplies) {
  auto ext = ParseEhloReply(
      "250-mx.example.com\n250-PIPELINING\n250-SIZE 10240000\n250-VRFY\n250-ETRN\n"
      "250-STARTTLS\n250-AUTH PLAIN LOGIN\n250-ENHANCEDSTATUSCODES\n250-8BITMIME\n"
      "250-DSN\n250 SMTPUTF8");
  EXPECT_TRUE(ext.pipelining);
  EXPECT_TRUE(ext.starttls);
  EXPECT_TRUE(ext.smtputf8);
  EXPECT_TRUE(ext.eight_bit_mime);
  EXPECT_TRUE(ext.size_offered);
  EXPECT_EQ(ext.size, 10240000u);
  EXPECT_TRUE(ext.auth_plain);
  EXPECT_TRUE(ext.auth_login);
}

TEST(ParseEhloReply, KeywordsAreCaseInsensitiveAndTheOldAuthFormCounts) {
  auto ext = ParseEhloReply("250-host\n250-pipelining\n250-Auth=login\n250 size");
  EXPECT_TRUE(ext.pipelining);
  EXPECT_TRUE(ext.auth_login);
  EXPECT_FALSE(ext.auth_plain);
  EXPECT_TRUE(ext.size_offered);
  EXPECT_EQ(ext.size, 0u) << "SIZE without a number: no limit given";
}

TEST(ParseEhloReply, TheGreetingLineIsNotAKeyword) {
  auto ext = ParseEhloReply("250 PIPELINING");  // a server named PIPELINING offering nothing
  EXPECT_FALSE(ext.pipelining);
  EXPECT_FALSE(ParseEhloReply("").pipelining);
  EXPECT_FALSE(ParseEhloReply("250-x\n250-PIPELININGX\n250 AUTH CRAM-MD5 XOAUTH2").pipelining);
  auto cram = ParseEhloReply("250-x\n250 AUTH CRAM-MD5 XOAUTH2");
  EXPECT_FALSE(cram.auth_plain);
  EXPECT_FALSE(cram.auth_login);
}

TEST(ParseEhloReply, GarbageSizesAreIgnored) {
  for (const char* reply :
       {"250-x\n250 SIZE -1", "250-x\n250 SIZE 12abc", "250-x\n250 SIZE 99999999999999999999999"}) {
    auto ext = ParseEhloReply(reply);
    EXPECT_TRUE(ext.size_offered) << reply;
    EXPECT_EQ(ext.size, 0u) << reply;
  }
}

}  // namespace
}  // namespace mailmark
