#include "inbound/classifier.h"

#include <gtest/gtest.h>

#include <string>

namespace mailmark {
namespace {

InboundClass ClassifyRaw(const std::string& raw) {
  Result<ParsedInbound> in = ParseInbound(raw);
  EXPECT_TRUE(in.ok());
  return in.ok() ? Classify(*in, raw) : InboundClass{};
}

TEST(Classify, DeliveryReportsBeforeAutoReplies) {
  // Return-Path <> and Auto-Submitted would also make it an automatic reply.
  InboundClass result = ClassifyRaw(
      "Return-Path: <>\r\nAuto-Submitted: auto-replied\r\nFrom: MAILER-DAEMON@mx.example\r\n"
      "In-Reply-To: <m1@sender.test>\r\nSubject: Undelivered Mail Returned to Sender\r\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
      "Final-Recipient: rfc822; a@x.example\r\nAction: failed\r\nStatus: 5.1.1\r\n--b--\r\n");
  EXPECT_EQ(result.kind, InboundKind::kDeliveryReport);
  ASSERT_TRUE(result.report);
  EXPECT_FALSE(result.auto_reply);
  EXPECT_EQ(result.report->original_message_id, "<m1@sender.test>");
}

TEST(Classify, AutoRepliesBeforeReplies) {
  InboundClass result = ClassifyRaw(
      "From: a@x.example\r\nIn-Reply-To: <m1@sender.test>\r\nSubject: Re: Hello\r\n"
      "Auto-Submitted: auto-replied\r\n\r\nI am away.\r\n");
  EXPECT_EQ(result.kind, InboundKind::kAutoReply);
  EXPECT_FALSE(result.report);
  ASSERT_TRUE(result.auto_reply);
}

TEST(Classify, RepliesAndOthers) {
  EXPECT_EQ(
      ClassifyRaw("From: a@x.example\r\nReferences: <m1@s.test>\r\nSubject: x\r\n\r\nhi").kind,
      InboundKind::kReply);
  EXPECT_EQ(ClassifyRaw("From: a@x.example\r\nSubject: Re: hello\r\n\r\nhi").kind,
            InboundKind::kReply);
  EXPECT_EQ(ClassifyRaw("From: a@x.example\r\nSubject: hello\r\n\r\nhi").kind, InboundKind::kOther);
  EXPECT_EQ(ClassifyRaw("From: a@x.example\r\nSubject: Fwd: hello\r\n\r\nhi").kind,
            InboundKind::kOther);
}

TEST(Classify, UnsubscribeRequestsBeforeReplies) {
  // What a mail client sends for "mailto:sales@x.test?subject=unsubscribe".
  EXPECT_EQ(
      ClassifyRaw("From: a@x.example\r\nTo: sales@x.test\r\nSubject: unsubscribe\r\n\r\n").kind,
      InboundKind::kUnsubscribe);
  EXPECT_EQ(ClassifyRaw("From: a@x.example\r\nIn-Reply-To: <m1@s.test>\r\nSubject:  UNSUBSCRIBE "
                        "\r\n\r\nplease")
                .kind,
            InboundKind::kUnsubscribe);
  EXPECT_EQ(ClassifyRaw("From: a@x.example\r\nSubject: =?utf-8?q?Unsubscribe?=\r\n\r\n").kind,
            InboundKind::kUnsubscribe);
  // An automatic reply to an unsubscribe request is still only an automatic reply.
  EXPECT_EQ(ClassifyRaw("From: a@x.example\r\nAuto-Submitted: auto-replied\r\n"
                        "Subject: unsubscribe\r\n\r\n")
                .kind,
            InboundKind::kAutoReply);
}

TEST(Classify, OnlyTheWordAloneIsAnUnsubscribeSubject) {
  for (const char* yes : {"unsubscribe", "Unsubscribe", " unsubscribe\t", "UNSUBSCRIBE"})
    EXPECT_TRUE(IsUnsubscribeSubject(yes)) << yes;
  for (const char* no : {"", "Re: unsubscribe", "how do I unsubscribe?", "unsubscribed",
                         "unsubscribe me", "un subscribe"})
    EXPECT_FALSE(IsUnsubscribeSubject(no)) << no;
}

TEST(Classify, KindNames) {
  EXPECT_STREQ(InboundKindName(InboundKind::kUnsubscribe), "unsubscribe");
  EXPECT_STREQ(InboundKindName(InboundKind::kDeliveryReport), "delivery_report");
  EXPECT_STREQ(InboundKindName(InboundKind::kAutoReply), "auto_reply");
  EXPECT_STREQ(InboundKindName(InboundKind::kReply), "reply");
  EXPECT_STREQ(InboundKindName(InboundKind::kOther), "other");
}

}  // namespace
}  // namespace mailmark
