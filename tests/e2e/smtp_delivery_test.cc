// Sequences delivered over SMTP by the real server to real SMTP servers on 127.0.0.1:
// Postfix's smtp-sink for faults, aiosmtpd to read what arrived.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/aiosmtpd_sink.h"
#include "harness/message_quality.h"
#include "harness/server_fixture.h"
#include "harness/smtp_sink.h"

namespace mailmark::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using json = nlohmann::json;

class SmtpDelivery : public ServerFixture {
 protected:
  std::map<std::string, std::string> ServerEnv() const override {
    return {{"MAILMARK_SMTP_RETRY_DELAYS", "200ms,500ms,1s"},
            {"MAILMARK_SMTP_RETRY_GIVE_UP", GiveUp()},
            {"MAILMARK_PUBLIC_URL", "https://mailmark.example"}};
  }
  virtual std::string GiveUp() const { return "60s"; }

  std::string SmtpMailbox(int port, const std::string& bounce_address = "") {
    json transport = {{"type", "smtp"}, {"host", "127.0.0.1"}, {"port", port}, {"tls", "none"}};
    if (!bounce_address.empty()) transport["bounceAddress"] = bounce_address;
    HttpAnswer a = server().Post("/api/mailboxes", token(),
                                 {{"name", "Relay"},
                                  {"fromName", "Jörg Müller"},
                                  {"fromEmail", "jorg@sender.test"},
                                  {"transport", transport}});
    EXPECT_EQ(a.status, 201) << a.body;
    return a.json.value("id", "");
  }

  json Steps() {
    return {SendStep("🚀 Launch for {{firstName}}",
                     "<p>Hi {{firstName}}, "
                     "<a href=\"{{unsubscribeUrl}}\">unsubscribe</a></p>"),
            DelayStep(100), SendStep("", "<p>Following up</p>")};
  }

  bool HistoryHas(const std::string& enrollment, const std::string& prefix) {
    json e = Enrollment(token(), enrollment);  // kept alive for the loop
    for (const auto& h : e["history"])
      if (h["cause"].get<std::string>().rfind(prefix, 0) == 0) return true;
    return false;
  }
};

class SmtpGiveUp : public SmtpDelivery {
 protected:
  std::string GiveUp() const override { return "2s"; }
};

TEST_F(SmtpDelivery, DeliversEveryStepThreadedWithUnsubscribeHeadersAndStrictlyValid) {
  MM_SKIP_OR_FAIL_IF_MISSING(InspectingSink::Missing());
  InspectingSink sink;
  std::string mailbox = SmtpMailbox(sink.port(), "bounces@sender.test");
  json seq = CreateSequence(token(), mailbox, Steps());
  HttpAnswer e = Enroll(token(), seq["id"], "Alice@Acme.test", {{"firstName", "Ålice"}});
  ASSERT_EQ(e.status, 201) << e.body;
  std::string id = e.json["id"];
  ASSERT_TRUE(Eventually([&] { return Enrollment(token(), id)["status"] == "completed"; }));

  auto received = sink.Messages();
  ASSERT_EQ(received.size(), 2u);
  json messages = Enrollment(token(), id)["messages"];
  for (std::size_t i = 0; i < 2; ++i) {
    const ReceivedMessage& m = received[i];
    EXPECT_EQ(m.rcpt_tos, std::vector<std::string>{"alice@acme.test"});
    EXPECT_EQ(m.mail_from, "bounces+" + messages[i]["id"].get<std::string>() + "@sender.test")
        << "VERP: the envelope names the message";
    EXPECT_THAT(MessageQualityProblems(m.data), ::testing::IsEmpty());
    EXPECT_THAT(m.data, HasSubstr("List-Unsubscribe: <https://mailmark.example/u/"));
    EXPECT_THAT(m.data, HasSubstr("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    EXPECT_EQ(messages[i]["status"], "sent");
  }
  DecodedMessage first = DecodeWithPython(received[0].data);
  DecodedMessage second = DecodeWithGMime(received[1].data);
  EXPECT_EQ(first.subject, "🚀 Launch for Ålice");
  EXPECT_EQ(first.from_name, "Jörg Müller");
  EXPECT_EQ(second.subject, "Re: 🚀 Launch for Ålice");
  EXPECT_EQ(second.in_reply_to, messages[0]["messageId"]);
  EXPECT_THAT(first.text, HasSubstr("https://mailmark.example/u/"));
}

TEST_F(SmtpGiveUp, TemporaryRejectionsAreRetriedThenBounceAsRetriesExhausted) {
  MM_SKIP_OR_FAIL_IF_MISSING(SmtpSink::Missing());
  SmtpSink sink(SmtpSinkOptions{.soft_reject = {"RCPT"}});
  std::string mailbox = SmtpMailbox(sink.port());
  json seq = CreateSequence(token(), mailbox, Steps());
  std::string id = Enroll(token(), seq["id"], "alice@acme.test").json["id"];
  ASSERT_TRUE(Eventually([&] { return Enrollment(token(), id)["status"] == "bounced"; }));
  json e = Enrollment(token(), id);
  EXPECT_EQ(e["statusReason"], "retries_exhausted");
  EXPECT_TRUE(HistoryHas(id, "retry "));
  EXPECT_TRUE(HistoryHas(id, "retries_exhausted"));
  ASSERT_EQ(e["messages"].size(), 1u);
  EXPECT_EQ(e["messages"][0]["status"], "failed");
}

TEST_F(SmtpDelivery, APermanentRejectionBouncesWithTheServersTextAndSuppresses) {
  MM_SKIP_OR_FAIL_IF_MISSING(SmtpSink::Missing());
  SmtpSink sink(SmtpSinkOptions{.hard_reject = {"RCPT"}});
  std::string mailbox = SmtpMailbox(sink.port());
  json seq = CreateSequence(token(), mailbox, Steps());
  std::string id = Enroll(token(), seq["id"], "alice@acme.test").json["id"];
  ASSERT_TRUE(Eventually([&] { return Enrollment(token(), id)["status"] == "bounced"; }));
  json e = Enrollment(token(), id);
  EXPECT_THAT(e["statusReason"].get<std::string>(), StartsWith("5"));
  EXPECT_FALSE(HistoryHas(id, "retry ")) << "a permanent failure is not retried";
  json other = CreateSequence(token(), mailbox, Steps(), "Another");
  HttpAnswer again = Enroll(token(), other["id"], "alice@acme.test");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.json["error"]["code"], "contact_suppressed");
}

TEST_F(SmtpDelivery, ADisconnectMidTransactionIsRetriedAndDeliveredExactlyOnce) {
  MM_SKIP_OR_FAIL_IF_MISSING(SmtpSink::Missing());
  SmtpSink sink(SmtpSinkOptions{.hang_up = {"DATA"}, .dump = true});
  std::string mailbox = SmtpMailbox(sink.port());
  json seq = CreateSequence(token(), mailbox,
                            json::array({SendStep("Once {{firstName}}", "<p>Only once</p>")}));
  std::string id = Enroll(token(), seq["id"], "alice@acme.test", {{"firstName", "A"}}).json["id"];
  ASSERT_TRUE(Eventually([&] { return HistoryHas(id, "retry "); }));
  sink.Restart(SmtpSinkOptions{.dump = true});
  ASSERT_TRUE(Eventually([&] { return Enrollment(token(), id)["status"] == "completed"; }));
  ASSERT_TRUE(Eventually([&] { return sink.DumpedCount() >= 1; }));
  EXPECT_EQ(sink.DumpedCount(), 1u);
  json e = Enrollment(token(), id);
  ASSERT_EQ(e["messages"].size(), 1u);
  EXPECT_EQ(e["messages"][0]["status"], "sent");
}

TEST_F(SmtpDelivery, AServerThatIsDownLosesNothing) {
  MM_SKIP_OR_FAIL_IF_MISSING(SmtpSink::Missing());
  SmtpSink sink(SmtpSinkOptions{.dump = true});
  sink.Stop();  // nothing listens on its port now
  std::string mailbox = SmtpMailbox(sink.port());
  json seq = CreateSequence(token(), mailbox, Steps());
  std::string id = Enroll(token(), seq["id"], "alice@acme.test").json["id"];
  ASSERT_TRUE(Eventually([&] { return HistoryHas(id, "retry "); }));
  EXPECT_EQ(Enrollment(token(), id)["status"], "active");
  sink.Restart(SmtpSinkOptions{.dump = true});
  ASSERT_TRUE(Eventually([&] { return Enrollment(token(), id)["status"] == "completed"; }));
  ASSERT_TRUE(Eventually([&] { return sink.DumpedCount() >= 2; }));
  EXPECT_EQ(sink.DumpedCount(), 2u);
}

TEST_F(SmtpDelivery, OneClickUnsubscribeStopsTheContactAndAGetDoesNot) {
  MM_SKIP_OR_FAIL_IF_MISSING(InspectingSink::Missing());
  InspectingSink sink;
  std::string mailbox = SmtpMailbox(sink.port());
  json seq = CreateSequence(
      token(), mailbox,
      {SendStep("Hello", "<p>x</p>"), DelayStep(3'600'000), SendStep("", "<p>never</p>")});
  std::string id = Enroll(token(), seq["id"], "alice@acme.test").json["id"];
  ASSERT_TRUE(Eventually([&] { return sink.MessageCount() == 1; }));
  std::string data = sink.Messages()[0].data;
  auto start = data.find("https://mailmark.example/u/");
  ASSERT_NE(start, std::string::npos);
  auto end = data.find('>', start);
  std::string path = data.substr(start + std::string("https://mailmark.example").size(),
                                 end - start - std::string("https://mailmark.example").size());

  HttpAnswer page = server().Get(path, "");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(Enrollment(token(), id)["status"], "active") << "a GET never unsubscribes";
  HttpAnswer post =
      server().PostRaw(path, "", "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded");
  EXPECT_EQ(post.status, 200) << post.body;
  json e = Enrollment(token(), id);
  EXPECT_EQ(e["status"], "cancelled");
  EXPECT_EQ(e["statusReason"], "unsubscribed");
  HttpAnswer again = Enroll(token(), seq["id"], "alice@acme.test");
  EXPECT_EQ(again.json["error"]["code"], "contact_suppressed");
}

}  // namespace
}  // namespace mailmark::testing
