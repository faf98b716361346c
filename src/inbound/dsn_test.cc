#include "inbound/dsn.h"

#include <gtest/gtest.h>

#include <string>

namespace mailmark {
namespace {

std::string Crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

std::optional<DeliveryReport> Report(const std::string& text) {
  std::string raw = Crlf(text);
  Result<ParsedInbound> in = ParseInbound(raw);
  if (!in.ok()) return std::nullopt;
  return ParseDeliveryReport(*in, raw);
}

std::string Dsn(const std::string& status_part, const std::string& returned = "") {
  return "From: MAILER-DAEMON@mx.example\nTo: bounces+Tag_1@sender.test\n"
         "Subject: Undelivered\nMIME-Version: 1.0\n"
         "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
         "--B\nContent-Type: text/plain\n\nhuman text\n"
         "--B\nContent-Type: message/delivery-status\n\n" +
         status_part + "\n" + returned + "--B--\n";
}

TEST(FindEnhancedStatus, FindsCodesNotAddressesOrDates) {
  EXPECT_EQ(FindEnhancedStatus("550 5.1.1 user unknown"), "5.1.1");
  EXPECT_EQ(FindEnhancedStatus("#5.1.10 smtp"), "5.1.10");
  EXPECT_EQ(FindEnhancedStatus("4.7.1 (greylisted)"), "4.7.1");
  EXPECT_EQ(FindEnhancedStatus("2.0.0 ok"), "2.0.0");
  EXPECT_EQ(FindEnhancedStatus("host 10.5.1.1 and 192.168.4.2"), "");
  EXPECT_EQ(FindEnhancedStatus("on 5.12.2026"), "");
  EXPECT_EQ(FindEnhancedStatus("version 15.1.1"), "");
  EXPECT_EQ(FindEnhancedStatus("3.1.1 is not a class"), "");
  EXPECT_EQ(FindEnhancedStatus("5.1"), "");
  EXPECT_EQ(FindEnhancedStatus(""), "");
}

TEST(VerpTag, TakesTheTagAfterThePlus) {
  EXPECT_EQ(VerpTag("bounces+msg_123@example.com"), "msg_123");
  EXPECT_EQ(VerpTag("<bounces+a+b@example.com>"), "a+b");
  EXPECT_EQ(VerpTag("Bounces <bounces+X1@example.com>"), "x1");
  EXPECT_EQ(VerpTag("bounces@example.com"), "");
  EXPECT_EQ(VerpTag(""), "");
}

TEST(ParseDeliveryReport, PicksTheFailedRecipientAmongSeveral) {
  std::optional<DeliveryReport> report = Report(
      Dsn("Reporting-MTA: dns; mx.example\n\n"
          "Final-Recipient: rfc822; ok@x.example\nAction: delivered\nStatus: 2.0.0\n\n"
          "Final-Recipient: rfc822; slow@x.example\nAction: delayed\nStatus: 4.4.7\n\n"
          "Final-Recipient: rfc822;<Gone@X.example>\nAction: FAILED\nStatus: 5.2.1 (disabled)\n"
          "Diagnostic-Code: smtp; 550 5.2.1 mailbox\n disabled\n"));
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->standard);
  EXPECT_TRUE(report->permanent);
  EXPECT_EQ(report->action, "failed");
  EXPECT_EQ(report->status, "5.2.1");
  EXPECT_EQ(report->final_recipient, "gone@x.example");
  EXPECT_EQ(report->diagnostic, "550 5.2.1 mailbox disabled");
  EXPECT_EQ(report->verp_tag, "tag_1");
}

TEST(ParseDeliveryReport, ActionDecidesPermanenceThenStatus) {
  auto permanent = [](const std::string& fields) {
    std::optional<DeliveryReport> report =
        Report(Dsn("Reporting-MTA: dns; mx\n\nFinal-Recipient: rfc822; a@x.example\n" + fields));
    EXPECT_TRUE(report) << fields;
    return report && report->permanent;
  };
  EXPECT_TRUE(permanent("Action: failed\nStatus: 5.1.1\n"));
  EXPECT_TRUE(permanent("Action: failed\nStatus: 4.4.7\n"));  // gave up after retries
  EXPECT_FALSE(permanent("Action: delayed\nStatus: 4.4.1\n"));
  EXPECT_FALSE(permanent("Action: delivered\nStatus: 2.0.0\n"));
  EXPECT_FALSE(permanent("Action: relayed\n"));
  EXPECT_TRUE(permanent("Status: 5.0.0\n"));
  EXPECT_FALSE(permanent("Status: 4.0.0\n"));
  EXPECT_FALSE(permanent("Diagnostic-Code: smtp; 451 4.3.0 try later\n"));
  EXPECT_TRUE(permanent("Diagnostic-Code: smtp; 550 5.7.1 policy\n"));
}

TEST(ParseDeliveryReport, OriginalIdFromHeadersPartThenThreadingThenBody) {
  std::string headers_part =
      "--B\nContent-Type: text/rfc822-headers\n\nFrom: s@sender.test\nMessage-ID:\n"
      " <folded@sender.test>\n\n";
  std::optional<DeliveryReport> report = Report(
      Dsn("Final-Recipient: rfc822; a@x.example\nAction: failed\nStatus: 5.1.1\n", headers_part));
  ASSERT_TRUE(report);
  EXPECT_EQ(report->original_message_id, "<folded@sender.test>");

  std::string threaded = Dsn("Final-Recipient: rfc822; a@x.example\nAction: failed\n");
  threaded.insert(0, "References: <r1@sender.test> <r2@sender.test>\n");
  EXPECT_EQ(Report(threaded)->original_message_id, "<r2@sender.test>");

  std::optional<DeliveryReport> text = Report(
      "From: MAILER-DAEMON@mx.example\nTo: bounces@sender.test\nSubject: failure notice\n\n"
      "Hi. This is the qmail-send program at mx.example.\n\n<a@x.example>:\nSorry, no mailbox "
      "here by that name. (#5.1.1)\n\n--- Below this line is a copy of the message.\n\n"
      "> Message-Id: <quoted@sender.test>\n");
  ASSERT_TRUE(text);
  EXPECT_EQ(text->original_message_id, "<quoted@sender.test>");
  EXPECT_EQ(text->status, "5.1.1");
  EXPECT_EQ(text->final_recipient, "a@x.example");
  EXPECT_EQ(text->verp_tag, "");
}

TEST(ParseDeliveryReport, TextBouncesOfCommonSystems) {
  std::optional<DeliveryReport> gmail_legacy = Report(
      "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nTo: s@sender.test\n"
      "Subject: Delivery Status Notification (Failure)\n\n"
      "Delivery to the following recipient failed permanently:\n\n     lost@gmail.com\n\n"
      "Technical details of permanent failure:\nGoogle tried to deliver your message, but it "
      "was rejected by the server for the recipient domain gmail.com by "
      "gmail-smtp-in.l.google.com. [209.85.233.27].\n\nThe error that the other server "
      "returned was:\n550-5.1.1 The email account that you tried to reach does not exist.\n");
  ASSERT_TRUE(gmail_legacy);
  EXPECT_FALSE(gmail_legacy->standard);
  EXPECT_EQ(gmail_legacy->final_recipient, "lost@gmail.com");
  EXPECT_EQ(gmail_legacy->status, "5.1.1");
  EXPECT_TRUE(gmail_legacy->permanent);

  std::optional<DeliveryReport> sendmail = Report(
      "From: Mail Delivery Subsystem <MAILER-DAEMON@old.example>\nTo: s@sender.test\n"
      "Subject: Returned mail: User unknown\n\n"
      "   ----- The following addresses had permanent fatal errors -----\n<who@old.example>\n\n"
      "   ----- Transcript of session follows -----\n550 <who@old.example>... User unknown\n");
  ASSERT_TRUE(sendmail);
  EXPECT_EQ(sendmail->final_recipient, "who@old.example");
  EXPECT_EQ(sendmail->status, "550");
  EXPECT_EQ(sendmail->action, "failed");

  std::optional<DeliveryReport> delay = Report(
      "From: postmaster@mx.example\nTo: s@sender.test\nSubject: Delivery delayed: hello\n\n"
      "Delivery to the following recipient has been delayed:\n\n    late@x.example\n\n"
      "Message will be retried for 2 more day(s)\n");
  ASSERT_TRUE(delay);
  EXPECT_FALSE(delay->permanent);
  EXPECT_EQ(delay->action, "delayed");
  EXPECT_EQ(delay->final_recipient, "late@x.example");
}

TEST(ParseDeliveryReport, PeopleAndListsAreNotBounces) {
  // Bounce words, but from a person.
  EXPECT_FALSE(
      Report("From: Ann <ann@x.example>\nSubject: Undeliverable: mail delivery failed\n"
             "\nThis message was created automatically by mail delivery software\n"
             "550 5.1.1 <bob@x.example>: unknown\n"));
  // A daemon, but nothing that says bounce.
  EXPECT_FALSE(Report("From: MAILER-DAEMON@x.example\nSubject: Weekly report\n\nAll good.\n"));
  // A report that is not about delivery status (a read receipt).
  EXPECT_FALSE(
      Report("From: a@x.example\nContent-Type: multipart/report; "
             "report-type=disposition-notification; boundary=b\n\n--b\nContent-Type: "
             "message/disposition-notification\n\nDisposition: displayed\n--b--\n"));
  // The delivery-status of a bounce quoted inside a forwarded message does not count.
  EXPECT_FALSE(
      Report("From: Ann <ann@x.example>\nSubject: Fwd: bounce\nContent-Type: "
             "multipart/mixed; boundary=o\n\n--o\nContent-Type: text/plain\n\nlook\n"
             "--o\nContent-Type: message/rfc822\n\n" +
             Dsn("Final-Recipient: rfc822; a@x.example\nAction: failed\n") + "--o--\n"));
}

TEST(ParseDeliveryReport, BrokenReportsDoNotCrash) {
  EXPECT_TRUE(Report(Dsn("")));  // a delivery-status part with nothing in it
  std::optional<DeliveryReport> empty = Report(Dsn(""));
  EXPECT_FALSE(empty->permanent);
  EXPECT_EQ(empty->final_recipient, "");
  EXPECT_TRUE(Report(Dsn("garbage without colons\n\n\n:::\n : \nAction:\n")));
  std::string many;
  for (int i = 0; i < 5000; ++i)
    many += "Final-Recipient: rfc822; r" + std::to_string(i) + "@x.example\nAction: delayed\n\n";
  std::optional<DeliveryReport> report = Report(Dsn(many));
  ASSERT_TRUE(report);
  EXPECT_EQ(report->final_recipient, "r0@x.example");
}

}  // namespace
}  // namespace mailmark
