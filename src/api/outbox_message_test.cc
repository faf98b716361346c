// A captured message as JSON: what the builder writes comes back exactly, and hand-written
// messages (other charsets, GMime's encoded-word bug, odd structures) read as a person
// would expect.
#include "api/outbox_message.h"

#include <gtest/gtest.h>

#include "core/time.h"
#include "mail/message_builder.h"

namespace mailmark {
namespace {

using nlohmann::json;

std::vector<std::pair<std::string, std::string>> Headers(const json& message) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const json& h : message["headers"]) out.emplace_back(h["name"], h["value"]);
  return out;
}

std::string First(const json& message, const std::string& name) {
  for (const auto& [n, v] : Headers(message))
    if (n == name) return v;
  return "<none>";
}

TEST(OutboxMessageJson, WhatTheBuilderWritesComesBackExactly) {
  MessageInput in;
  in.from_name = "Zoë Ünal-Ström, Ltd — 営業チーム";
  in.from_email = "zoe@example.com";
  in.to_email = "bob@example.org";
  in.subject = "Привет Bob, a long subject that will need several encoded words: 你好世界 ✓";
  in.html = "<p>Hi <b>Bob</b>,</p><p>Ça va?</p>";
  in.text = "Hi Bob,\n\nÇa va?";
  in.message_id = "<abc123@example.com>";
  in.date = FromMillis(1'795'000'000'000);
  in.list_unsubscribe_url = "https://mm.example.com/u/tok";
  in.list_unsubscribe_mailto = "mailto:unsubscribe@example.com?subject=tok";
  in.extra_headers.emplace_back("X-Mailmark-Enrollment", "enr_1");
  auto got = OutboxMessageJson(BuildMessage(in));
  ASSERT_TRUE(got) << got.error().message;
  const json& m = *got;
  EXPECT_EQ(m["messageId"], "<abc123@example.com>");
  EXPECT_EQ(m["from"], in.from_name + " <zoe@example.com>");
  EXPECT_EQ(m["to"], "bob@example.org");
  EXPECT_EQ(m["subject"], in.subject);
  EXPECT_EQ(m["date"], FormatRfc3339(in.date));
  EXPECT_EQ(m["text"], "Hi Bob,\n\nÇa va?");
  ASSERT_TRUE(m["html"].is_string());
  EXPECT_NE(m["html"].get<std::string>().find("<p>Ça va?</p>"), std::string::npos);
  EXPECT_EQ(m["html"].get<std::string>().find('\r'), std::string::npos);
  // The header block as written, decoded: the Subject header says what `subject` says.
  EXPECT_EQ(First(m, "Subject"), in.subject);
  EXPECT_EQ(First(m, "Message-ID"), "<abc123@example.com>");
  EXPECT_EQ(First(m, "X-Mailmark-Enrollment"), "enr_1");
  EXPECT_NE(First(m, "List-Unsubscribe").find("https://mm.example.com/u/tok"), std::string::npos);
  EXPECT_NE(First(m, "Content-Type").find("multipart/alternative"), std::string::npos);
  EXPECT_EQ(m.size(), 8u);
}

TEST(OutboxMessageJson, HandWrittenMessagesReadAsAPersonWould) {
  std::string raw =
      "Received: from a by b; Mon, 2 Jan 2023 10:00:00 +0000\r\n"
      "Received: from c by d;\r\n"
      " Mon, 2 Jan 2023 09:59:00 +0000\r\n"
      "Message-ID: <m1@x.fr>\r\n"
      "From: =?ISO-8859-1?Q?Andr=E9?= Dupont <andre@x.fr>\r\n"
      "To: \"Doe, Jane\" <jane@x.co>, bob@x.co,\r\n"
      " =?UTF-8?B?WsO2ZQ==?= <zoe@x.co>\r\n"
      // GMime 3.2.13 loses the second word here (bug #133); the project's decoder does not.
      "Subject: =?UTF-8?B?UmU6IMOc?= =?UTF-8?B?YmVyYmxpY2s=?=\r\n"
      "Date: Mon, 2 Jan 2023 10:00:00 +0100\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=\"b\"\r\n"
      "\r\n"
      "--b\r\n"
      "Content-Type: text/plain; charset=ISO-8859-1\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n"
      "\r\n"
      "Voil=E0 le r=E9sum=E9.\r\nBonne journ=E9e\r\n"
      "--b\r\n"
      "Content-Type: text/html; charset=utf-8\r\n"
      "Content-Disposition: attachment; filename=\"page.html\"\r\n"
      "\r\n"
      "<p>an attachment, not the body</p>\r\n"
      "--b--\r\n";
  auto got = OutboxMessageJson(raw);
  ASSERT_TRUE(got) << got.error().message;
  const json& m = *got;
  EXPECT_EQ(m["messageId"], "<m1@x.fr>");
  EXPECT_EQ(m["from"], "André Dupont <andre@x.fr>");
  EXPECT_EQ(m["to"], "Doe, Jane <jane@x.co>, bob@x.co, Zöe <zoe@x.co>");
  EXPECT_EQ(m["subject"], "Re: Überblick");
  EXPECT_EQ(m["date"], "2023-01-02T09:00:00Z");
  // The line break before the boundary belongs to the boundary.
  EXPECT_EQ(m["text"], "Voilà le résumé.\nBonne journée");
  EXPECT_TRUE(m["html"].is_null()) << m["html"];
  std::vector<std::pair<std::string, std::string>> expected = {
      {"Received", "from a by b; Mon, 2 Jan 2023 10:00:00 +0000"},
      {"Received", "from c by d; Mon, 2 Jan 2023 09:59:00 +0000"},
      {"Message-ID", "<m1@x.fr>"},
      {"From", "André Dupont <andre@x.fr>"},
      {"To", "\"Doe, Jane\" <jane@x.co>, bob@x.co, Zöe <zoe@x.co>"},
      {"Subject", "Re: Überblick"},
      {"Date", "Mon, 2 Jan 2023 10:00:00 +0100"},
      {"MIME-Version", "1.0"},
      {"Content-Type", "multipart/mixed; boundary=\"b\""}};
  EXPECT_EQ(Headers(m), expected);
}

TEST(OutboxMessageJson, MissingPartsAndHeadersAreNull) {
  auto html_only = OutboxMessageJson(
      "From: a@x.co\nTo: b@x.co\nContent-Type: text/html; charset=utf-8\n\n<p>Hi</p>\n");
  ASSERT_TRUE(html_only);
  EXPECT_TRUE((*html_only)["text"].is_null());
  EXPECT_EQ((*html_only)["html"], "<p>Hi</p>\n");
  EXPECT_TRUE((*html_only)["date"].is_null());
  EXPECT_EQ((*html_only)["subject"], "");
  EXPECT_EQ((*html_only)["messageId"], "");

  auto plain = OutboxMessageJson("Subject: plain\n\nJust text\n");
  ASSERT_TRUE(plain);
  EXPECT_EQ((*plain)["text"], "Just text\n") << "no Content-Type is text/plain";
  EXPECT_TRUE((*plain)["html"].is_null());
  EXPECT_EQ((*plain)["from"], "");
  EXPECT_EQ((*plain)["to"], "");
  EXPECT_EQ((*plain)["date"], nullptr);
}

TEST(OutboxMessageJson, AHeaderTooLongToReadSafelyIsRefused) {
  std::string raw = "Subject: " + std::string(200 * 1024, 'x') + "\r\n\r\nbody\r\n";
  auto got = OutboxMessageJson(raw);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, "unreadable_message");
  EXPECT_EQ(got.error().kind, ErrorKind::kInvalid);
}

TEST(DisplayAddresses, NamesAreUnquotedAndDecoded) {
  EXPECT_EQ(DisplayAddresses("a@x.co"), "a@x.co");
  EXPECT_EQ(DisplayAddresses(" Ann <a@x.co> "), "Ann <a@x.co>");
  EXPECT_EQ(DisplayAddresses("\"Ann \\\"The\\\" Best\" <a@x.co>"), "Ann \"The\" Best <a@x.co>");
  EXPECT_EQ(DisplayAddresses("<a@x.co>"), "a@x.co");
  EXPECT_EQ(DisplayAddresses("a@x.co (Ann, Sales), b@x.co"), "a@x.co (Ann, Sales), b@x.co");
  EXPECT_EQ(DisplayAddresses("=?UTF-8?Q?Jos=C3=A9?= <j@x.co>,,"), "José <j@x.co>");
  EXPECT_EQ(DisplayAddresses(""), "");
}

}  // namespace
}  // namespace mailmark
