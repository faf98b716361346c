#include "mail/smtp/smtp_outcome.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mailmark {
namespace {

// A dialogue that reached `phase` and got `reply` to its last command.
SmtpDialogue Dialogue(const std::vector<std::string>& commands, const std::string& reply) {
  SmtpDialogue d;
  for (const auto& c : commands) d.OnCommand(c);
  if (!reply.empty()) d.OnReplyLine(reply);
  return d;
}

const std::vector<std::string> kMail{"EHLO me", "MAIL FROM:<a@x.test>"};
const std::vector<std::string> kRcpt{"EHLO me", "MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>"};
const std::vector<std::string> kData{"MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>", "DATA"};

TEST(ClassifyAttempt, OkIsSentWithTheFinalReply) {
  auto o = ClassifyAttempt(CURLE_OK, Dialogue(kData, "250 2.0.0 Ok: queued as 7"), "");
  EXPECT_EQ(o.result.status, SendStatus::kSent);
  EXPECT_EQ(o.result.response, "250 2.0.0 Ok: queued as 7");
  EXPECT_EQ(o.scope, FailureScope::kNone);
}

TEST(ClassifyAttempt, OkWithoutAReplyStillSaysSent) {
  auto o = ClassifyAttempt(CURLE_OK, SmtpDialogue{}, "");
  EXPECT_EQ(o.result.status, SendStatus::kSent);
  EXPECT_EQ(o.result.response, "250 OK");
}

TEST(ClassifyAttempt, FiveHundredsInTheTransactionBounce) {
  for (const auto& commands : {kMail, kRcpt, kData}) {
    auto o = ClassifyAttempt(CURLE_SEND_ERROR, Dialogue(commands, "550 5.1.1 no such user"), "x");
    EXPECT_EQ(o.result.status, SendStatus::kPermanentFailure);
    EXPECT_EQ(o.result.response, "550 5.1.1 no such user") << "the server's own words";
    EXPECT_EQ(o.scope, FailureScope::kMessage);
  }
  auto dot = ClassifyAttempt(CURLE_WEIRD_SERVER_REPLY, Dialogue(kData, "554 5.7.1 spam"), "");
  EXPECT_EQ(dot.result.status, SendStatus::kPermanentFailure);
}

TEST(ClassifyAttempt, FourHundredsAreRetried) {
  for (const auto& commands : {kMail, kRcpt, kData}) {
    auto o = ClassifyAttempt(CURLE_SEND_ERROR, Dialogue(commands, "451 4.3.0 try later"), "");
    EXPECT_EQ(o.result.status, SendStatus::kTemporaryFailure);
    EXPECT_EQ(o.result.response, "451 4.3.0 try later");
    EXPECT_EQ(o.scope, FailureScope::kMessage);
  }
}

TEST(ClassifyAttempt, RefusalsBeforeTheTransactionNeverBounce) {
  // A 554 greeting, a 5xx to EHLO or STARTTLS: the server or our setup, not the contact.
  for (const char* reply : {"554 5.7.1 go away", "502 5.5.2 EHLO?", "421 4.3.2 busy"}) {
    auto o = ClassifyAttempt(CURLE_WEIRD_SERVER_REPLY, Dialogue({"EHLO me"}, reply), "");
    EXPECT_EQ(o.result.status, SendStatus::kTemporaryFailure) << reply;
    EXPECT_EQ(o.scope, FailureScope::kServer);
    EXPECT_NE(o.result.response.find(reply), std::string::npos) << o.result.response;
  }
}

TEST(ClassifyAttempt, LoginProblemsAreTemporaryAndStopTheServer) {
  auto denied = ClassifyAttempt(CURLE_LOGIN_DENIED,
                                Dialogue({"AUTH PLAIN xyz"}, "535 5.7.8 bad credentials"), "");
  EXPECT_EQ(denied.result.status, SendStatus::kTemporaryFailure);
  EXPECT_EQ(denied.scope, FailureScope::kServer);
  EXPECT_NE(denied.result.response.find("535 5.7.8"), std::string::npos);
  // 530 at MAIL: the server wants AUTH we did not configure; bouncing would hit every contact.
  auto required =
      ClassifyAttempt(CURLE_SEND_ERROR, Dialogue(kMail, "530 5.7.0 Authentication required"), "");
  EXPECT_EQ(required.result.status, SendStatus::kTemporaryFailure);
  EXPECT_EQ(required.scope, FailureScope::kServer);
}

TEST(ClassifyAttempt, NetworkErrorsAreTemporary) {
  for (CURLcode code :
       {CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_OPERATION_TIMEDOUT,
        CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_USE_SSL_FAILED}) {
    auto o = ClassifyAttempt(code, SmtpDialogue{}, "detail here");
    EXPECT_EQ(o.result.status, SendStatus::kTemporaryFailure) << code;
    EXPECT_EQ(o.scope, FailureScope::kServer);
    EXPECT_NE(o.result.response.find("detail here"), std::string::npos);
  }
}

TEST(ClassifyAttempt, DroppedMidTransactionIsAConnectionProblem) {
  // MAIL and RCPT were accepted, then the server hung up after DATA.
  SmtpDialogue d;
  d.OnCommand("MAIL FROM:<a@x.test>");
  d.OnReplyLine("250 ok");
  d.OnCommand("RCPT TO:<b@y.test>");
  d.OnReplyLine("250 ok");
  d.OnCommand("DATA");
  auto o = ClassifyAttempt(CURLE_RECV_ERROR, d, "Connection reset");
  EXPECT_EQ(o.result.status, SendStatus::kTemporaryFailure);
  EXPECT_EQ(o.scope, FailureScope::kConnection);
  // No answer at all to MAIL (a dead pooled connection).
  auto silent = ClassifyAttempt(CURLE_SEND_ERROR, Dialogue(kMail, ""), "");
  EXPECT_EQ(silent.result.status, SendStatus::kTemporaryFailure);
  EXPECT_EQ(silent.scope, FailureScope::kConnection);
}

}  // namespace
}  // namespace mailmark
