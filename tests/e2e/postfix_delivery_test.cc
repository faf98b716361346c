// The real server delivering through a private Postfix instance into maildirs on 127.0.0.1.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/mail_server.h"
#include "harness/message_quality.h"
#include "harness/server_fixture.h"

namespace mailmark::testing {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

class PostfixDelivery : public ServerFixture {
 protected:
  std::string PostfixMailbox(int port) {
    HttpAnswer a = server().Post(
        "/api/mailboxes", token(),
        {{"name", "Postfix"},
         {"fromName", "Sam Sender"},
         {"fromEmail", "sam@sender.test"},
         {"transport",
          {{"type", "smtp"}, {"host", "127.0.0.1"}, {"port", port}, {"tls", "none"}}}});
    EXPECT_EQ(a.status, 201) << a.body;
    return a.json.value("id", "");
  }
};

TEST_F(PostfixDelivery, DeliversIntoTheMaildirAndAnUnknownUserBouncesAtRcpt) {
  MM_SKIP_OR_FAIL_IF_MISSING(PrivateMailServer::Missing());
  PrivateMailServer postfix(MailServerOptions{});
  postfix.Start();

  std::string delivering = PostfixMailbox(postfix.smtp_port());
  json seq = CreateSequence(token(), delivering,
                            {SendStep("Hello {{firstName}}", "<p>Hi {{firstName}}</p>"),
                             DelayStep(50), SendStep("", "<p>Second</p>")});
  std::string alice =
      Enroll(token(), seq["id"], PrivateMailServer::Address("alice"), {{"firstName", "Alice"}})
          .json["id"];
  ASSERT_TRUE(Eventually([&] { return Enrollment(token(), alice)["status"] == "completed"; }));
  ASSERT_TRUE(postfix.WaitForMessages("alice", 2, 60));
  auto delivered = postfix.MaildirMessages("alice");
  ASSERT_EQ(delivered.size(), 2u);
  json messages = Enrollment(token(), alice)["messages"];
  EXPECT_THAT(delivered[0], HasSubstr(messages[0]["messageId"].get<std::string>()));
  EXPECT_THAT(delivered[1],
              HasSubstr("In-Reply-To: " + messages[0]["messageId"].get<std::string>()));
  EXPECT_EQ(DecodeWithPython(delivered[1]).subject, "Re: Hello Alice");

  std::string strict = PostfixMailbox(postfix.strict_smtp_port());
  json seq2 = CreateSequence(token(), strict, json::array({SendStep("Hi", "<p>x</p>")}));
  std::string nobody = Enroll(token(), seq2["id"], PrivateMailServer::Address("nobody")).json["id"];
  ASSERT_TRUE(Eventually([&] { return Enrollment(token(), nobody)["status"] == "bounced"; }));
  json e = Enrollment(token(), nobody);
  EXPECT_THAT(e["statusReason"].get<std::string>(), HasSubstr("5.1.1"));
  ASSERT_EQ(e["messages"].size(), 1u);
  EXPECT_EQ(e["messages"][0]["status"], "failed");
}

}  // namespace
}  // namespace mailmark::testing
