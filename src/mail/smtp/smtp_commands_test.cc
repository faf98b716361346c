#include "mail/smtp/smtp_commands.h"

#include <gtest/gtest.h>

#include <string>

namespace mailmark {
namespace {

std::string Data(std::string_view raw) {
  std::string out;
  AppendDataContent(out, raw);
  return out;
}

TEST(AppendDataContent, DoublesDotsAtLineStartsOnly) {
  EXPECT_EQ(Data("a\r\n.b\r\n..c\r\nd.e\r\n.\r\n"), "a\r\n..b\r\n...c\r\nd.e\r\n..\r\n.\r\n");
  EXPECT_EQ(Data(".first line\r\n"), "..first line\r\n.\r\n");
  EXPECT_EQ(Data("x\n.y\n"), "x\n..y\n\r\n.\r\n") << "a bare LF still starts a line for servers";
}

TEST(AppendDataContent, EndsTheLastLineBeforeTheFinalDot) {
  EXPECT_EQ(Data("no end"), "no end\r\n.\r\n");
  EXPECT_EQ(Data("cr only\r"), "cr only\r\n.\r\n");
  EXPECT_EQ(Data("ok\r\n"), "ok\r\n.\r\n");
  EXPECT_EQ(Data(""), ".\r\n");
}

TEST(AppendDataContent, AppendsAfterWhatIsThere) {
  std::string out = "MAIL FROM:<a@x>\r\n";
  AppendDataContent(out, "body\r\n");
  EXPECT_EQ(out, "MAIL FROM:<a@x>\r\nbody\r\n.\r\n");
}

TEST(AppendMailFrom, AddsOnlyTheParametersTheServerOffersAndTheMessageNeeds) {
  SmtpExtensions none;
  std::string out;
  AppendMailFrom(out, "b+1@x.test", "c@y.test", "Subject: x\r\n\r\nhi\r\n", none);
  EXPECT_EQ(out, "MAIL FROM:<b+1@x.test>\r\n");

  SmtpExtensions all;
  all.size_offered = all.eight_bit_mime = all.smtputf8 = true;
  out.clear();
  AppendMailFrom(out, "b@x.test", "c@y.test", std::string(640, 'a'), all);
  EXPECT_EQ(out, "MAIL FROM:<b@x.test> SIZE=640\r\n") << "7-bit ASCII needs neither";
  out.clear();
  AppendMailFrom(out, "b@x.test", "jörg@y.test", "h\xc3\xa9", all);
  EXPECT_EQ(out, "MAIL FROM:<b@x.test> SIZE=3 BODY=8BITMIME SMTPUTF8\r\n");
}

TEST(AppendRcptTo, BracketsTheAddress) {
  std::string out;
  AppendRcptTo(out, "c@y.test");
  EXPECT_EQ(out, "RCPT TO:<c@y.test>\r\n");
}

TEST(SafeEnvelopeAddress, RefusesLineBreaksAndNul) {
  EXPECT_TRUE(SafeEnvelopeAddress("a@b.test"));
  EXPECT_FALSE(SafeEnvelopeAddress("a@b.test>\r\nRCPT TO:<v@z"));
  EXPECT_FALSE(SafeEnvelopeAddress("a@b\n"));
  EXPECT_FALSE(SafeEnvelopeAddress(std::string("a@b\0c", 5)));
}

TEST(CheckSmtpEndpoint, RefusesHostsAndNamesThatCouldSmuggleAnything) {
  SmtpSettings s;
  s.host = "mail.example.com";
  s.port = 587;
  EXPECT_TRUE(CheckSmtpEndpoint(s, "me.test").ok());
  EXPECT_TRUE(CheckSmtpEndpoint(s, "").ok());
  s.host = "::1";
  EXPECT_TRUE(CheckSmtpEndpoint(s, "").ok()) << "an IPv6 literal";
  for (const std::string host : {"", "evil/host", "a@b", "host?x", "h\r\nx", "a b", "[::1]"}) {
    s.host = host;
    auto st = CheckSmtpEndpoint(s, "");
    ASSERT_FALSE(st.ok()) << host;
    EXPECT_EQ(st.error().code, "invalid_smtp_host");
  }
  s.host = "mail.example.com";
  EXPECT_EQ(CheckSmtpEndpoint(s, "a b").error().code, "invalid_helo_name");
  for (int port : {0, -1, 65536}) {
    s.port = port;
    EXPECT_EQ(CheckSmtpEndpoint(s, "").error().code, "invalid_smtp_port") << port;
  }
}

TEST(AuthPlainCommand, EncodesNulSeparatedCredentialsOnOneLine) {
  EXPECT_EQ(AuthPlainCommand("alice", "s3cret pw"), "AUTH PLAIN AGFsaWNlAHMzY3JldCBwdw==\r\n");
  std::string long_password(200, 'p');
  std::string command = AuthPlainCommand("user", long_password);
  EXPECT_EQ(command.find('\r'), command.size() - 2) << "one line however long";
}

TEST(Base64Line, MatchesRfc4648Vectors) {
  EXPECT_EQ(Base64Line(""), "");
  EXPECT_EQ(Base64Line("f"), "Zg==");
  EXPECT_EQ(Base64Line("fo"), "Zm8=");
  EXPECT_EQ(Base64Line("foobar"), "Zm9vYmFy");
}

}  // namespace
}  // namespace mailmark
