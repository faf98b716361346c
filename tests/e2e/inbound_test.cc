// Inbound mail end to end: the real server sends through a private Postfix, and watches the
// mailbox's own Dovecot inbox over IMAP for the contact's reply and for Postfix's DSN.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/mail_server.h"
#include "harness/server_fixture.h"
#include "mail/smtp/smtp_transport.h"

namespace mailmark::testing {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

class Inbound : public ServerFixture {
 protected:
  std::map<std::string, std::string> ServerEnv() const override {
    return {{"MAILMARK_IMAP_POLL_INTERVAL", "1s"}};
  }

  // A mailbox sending as sam@example.test through Postfix and reading sam's inbox.
  std::string WatchedMailbox(const PrivateMailServer& mail) {
    HttpAnswer a = server().Post(
        "/api/mailboxes", token(),
        {{"name", "Sam"},
         {"fromName", "Sam Sender"},
         {"fromEmail", PrivateMailServer::Address("sam")},
         {"transport",
          {{"type", "smtp"}, {"host", "127.0.0.1"}, {"port", mail.smtp_port()}, {"tls", "none"}}},
         {"imap",
          {{"host", "127.0.0.1"},
           {"port", mail.imap_port()},
           {"tls", "none"},
           {"username", PrivateMailServer::Address("sam")},
           {"password", mail.password()}}}});
    EXPECT_EQ(a.status, 201) << a.body;
    return a.json.value("id", "");
  }

  bool ImapConnected(const std::string& mailbox) {
    json m = server().Get("/api/mailboxes/" + mailbox, token()).json;
    return m["imapStatus"].is_object() && m["imapStatus"]["connected"] == true;
  }

  // `user` answers through Postfix, threaded on our message `in_reply_to` (empty: not threaded).
  static void Reply(const PrivateMailServer& mail, const std::string& in_reply_to,
                    const std::string& user = "alice",
                    const std::string& subject = "Re: Hello Alice",
                    const std::string& extra_headers = "",
                    const std::string& body = "Yes, let's talk on Tuesday.") {
    std::string message_id = "<reply-from-" + user + "@example.test>";
    std::string raw =
        "From: " + user + " <" + user + "@example.test>\r\n" +
        "To: Sam Sender <sam@example.test>\r\n" + "Subject: " + subject + "\r\n" +
        "Date: Fri, 27 Nov 2026 17:45:02 +0100\r\n" + "Message-ID: " + message_id + "\r\n" +
        (in_reply_to.empty()
             ? std::string()
             : "In-Reply-To: " + in_reply_to + "\r\nReferences: " + in_reply_to + "\r\n") +
        extra_headers + "MIME-Version: 1.0\r\n" + "Content-Type: text/plain; charset=utf-8\r\n" +
        "\r\n" + body + "\r\n";
    OutgoingMessage message{message_id, user + "@example.test", "sam@example.test", raw};
    SmtpSettings smtp;
    smtp.host = "127.0.0.1";
    smtp.port = mail.smtp_port();
    smtp.tls = TlsMode::kNone;
    SmtpOptions options;
    options.connections = 1;
    options.helo_name = "alice.test";
    SmtpTransport transport(smtp, options);
    SendResult sent = transport.SendBatch({&message, 1}).at(0);
    EXPECT_EQ(sent.status, SendStatus::kSent) << sent.response;
  }
};

TEST_F(Inbound, AReplyStopsTheSequenceAndAnUnknownAddressBouncesFromTheDsn) {
  MM_SKIP_OR_FAIL_IF_MISSING(PrivateMailServer::Missing(true));
  MailServerOptions options;
  options.users = {"alice", "bob", "carol", "sam", "bounces"};
  options.imap = true;
  PrivateMailServer mail(options);
  mail.Start();

  std::string mailbox = WatchedMailbox(mail);
  // The poller starts at the end of the inbox: only mail arriving after it is read.
  ASSERT_TRUE(Eventually([&] { return ImapConnected(mailbox); }, 60)) << mail.dovecot_log();
  // The later steps are far enough away that the reply is always handled first; once the
  // enrollment is `replied` the store refuses every later send anyway.
  json seq = CreateSequence(
      token(), mailbox,
      {SendStep("Hello {{firstName}}", "<p>Hi {{firstName}}</p>"), DelayStep(10'000),
       SendStep("", "<p>Second</p>"), DelayStep(10'000), SendStep("", "<p>Third</p>")});
  std::string alice =
      Enroll(token(), seq["id"], PrivateMailServer::Address("alice"), {{"firstName", "Alice"}})
          .json["id"];
  ASSERT_TRUE(mail.WaitForMessages("alice", 1, 60)) << mail.log();
  json messages = Enrollment(token(), alice)["messages"];
  ASSERT_EQ(messages.size(), 1u);
  std::string first_id = messages[0]["messageId"];
  ASSERT_THAT(mail.MaildirMessages("alice").at(0), HasSubstr(first_id));

  Reply(mail, first_id);
  ASSERT_TRUE(Eventually([&] { return Enrollment(token(), alice)["status"] == "replied"; }, 60))
      << Enrollment(token(), alice).dump(2) << mail.log();
  json e = Enrollment(token(), alice);
  EXPECT_EQ(e["messages"].size(), 1u) << "nothing more is sent after the reply";
  EXPECT_EQ(mail.MaildirMessages("alice").size(), 1u);

  // An address Postfix accepts, then bounces: its DSN to sam@ bounces the enrollment.
  std::string nobody = Enroll(token(), seq["id"], PrivateMailServer::Address("nobody")).json["id"];
  ASSERT_TRUE(Eventually([&] { return Enrollment(token(), nobody)["status"] == "bounced"; }, 60))
      << Enrollment(token(), nobody).dump(2) << mail.log();
  json bounced = Enrollment(token(), nobody);
  EXPECT_THAT(bounced["statusReason"].get<std::string>(), HasSubstr("5.1.1"));
  EXPECT_EQ(bounced["messages"].size(), 1u);
  EXPECT_EQ(bounced["messages"][0]["status"], "sent") << "Postfix accepted it at first";

  // An out-of-office answer is not a reply: noted, and the contact gets its next step.
  json quick = CreateSequence(token(), mailbox,
                              {SendStep("Hello {{firstName}}", "<p>Hi</p>"), DelayStep(3'000),
                               SendStep("", "<p>Second</p>")},
                              "Quick");
  std::string bob =
      Enroll(token(), quick["id"], PrivateMailServer::Address("bob"), {{"firstName", "Bob"}})
          .json["id"];
  ASSERT_TRUE(mail.WaitForMessages("bob", 1, 60)) << mail.log();
  std::string bob_first = Enrollment(token(), bob)["messages"][0]["messageId"];
  Reply(mail, bob_first, "bob", "Automatic reply: Hello Bob", "Auto-Submitted: auto-replied\r\n",
        "I am out of the office with limited access to email.");
  auto noted = [&] {
    json h = Enrollment(token(), bob)["history"];
    for (const auto& line : h)
      if (line["cause"].get<std::string>().find("auto_reply") != std::string::npos) return true;
    return false;
  };
  ASSERT_TRUE(Eventually(noted, 60)) << Enrollment(token(), bob).dump(2);
  ASSERT_TRUE(Eventually([&] { return Enrollment(token(), bob)["status"] == "completed"; }, 60))
      << Enrollment(token(), bob).dump(2);
  EXPECT_EQ(Enrollment(token(), bob)["messages"].size(), 2u);
  EXPECT_TRUE(mail.WaitForMessages("bob", 2, 60));

  // The List-Unsubscribe mailto: a new message titled "unsubscribe", as a mail client writes
  // it, cancels the contact and suppresses the address.
  std::string carol = Enroll(token(), seq["id"], PrivateMailServer::Address("carol")).json["id"];
  ASSERT_TRUE(mail.WaitForMessages("carol", 1, 60)) << mail.log();
  EXPECT_THAT(mail.MaildirMessages("carol").at(0),
              HasSubstr("<mailto:sam@example.test?subject=unsubscribe>"));
  Reply(mail, "", "carol", "unsubscribe", "", "");
  ASSERT_TRUE(Eventually([&] { return Enrollment(token(), carol)["status"] == "cancelled"; }, 60))
      << Enrollment(token(), carol).dump(2);
  EXPECT_EQ(Enrollment(token(), carol)["statusReason"], "unsubscribed");
  HttpAnswer again = Enroll(token(), quick["id"], PrivateMailServer::Address("carol"));
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_THAT(again.body, HasSubstr("contact_suppressed"));

  // The mailbox still shows a healthy inbox.
  json m = server().Get("/api/mailboxes/" + mailbox, token()).json;
  EXPECT_EQ(m["imapStatus"]["connected"], true);
  EXPECT_EQ(m["imapStatus"]["lastError"], "");
  EXPECT_EQ(e["status"], "replied");
}

}  // namespace
}  // namespace mailmark::testing
