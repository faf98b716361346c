#include "mail/smtp/smtp_outcome.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace mailmark {
namespace {

// An attempt that got `reply` (lines split at '\n') to `phase`'s command.
SmtpAttempt Answered(SmtpPhase phase, const std::string& reply) {
  SmtpAttempt a;
  a.phase = phase;
  SmtpReplyParser parser;
  parser.Feed(reply + "\r\n");
  if (auto r = parser.Next()) a.reply = *r;
  a.transaction_answered = phase != SmtpPhase::kSession;
  return a;
}

SmtpAttempt Failed(SmtpPhase phase, StreamFailure failure, const std::string& detail) {
  SmtpAttempt a;
  a.phase = phase;
  a.failure = failure;
  a.detail = detail;
  return a;
}

constexpr SmtpPhase kMail = SmtpPhase::kMail;
constexpr SmtpPhase kRcpt = SmtpPhase::kRcpt;
constexpr SmtpPhase kData = SmtpPhase::kData;

TEST(ClassifyAttempt, OkIsSentWithTheFinalReply) {
  auto o = ClassifyAttempt(Answered(kData, "250 2.0.0 Ok: queued as 7"));
  EXPECT_EQ(o.result.status, SendStatus::kSent);
  EXPECT_EQ(o.result.response, "250 2.0.0 Ok: queued as 7");
  EXPECT_EQ(o.scope, FailureScope::kNone);
}

TEST(ClassifyAttempt, AnythingButTwoHundredsToTheDataIsNotSent) {
  for (const char* reply : {"354 go ahead", "250 but the connection broke"}) {
    SmtpAttempt a = Answered(kData, reply);
    if (reply[0] == '2') a.failure = StreamFailure::kClosed;
    EXPECT_NE(ClassifyAttempt(a).result.status, SendStatus::kSent) << reply;
  }
  EXPECT_NE(ClassifyAttempt(Answered(kRcpt, "250 2.1.5 Ok")).result.status, SendStatus::kSent);
}

TEST(ClassifyAttempt, FiveHundredsToRcptOrDataBounce) {
  for (const auto& commands : {kRcpt, kData}) {
    auto o = ClassifyAttempt(Answered(commands, "550 5.1.1 no such user"));
    EXPECT_EQ(o.result.status, SendStatus::kPermanentFailure);
    EXPECT_EQ(o.result.response, "550 5.1.1 no such user") << "the server's own words";
    EXPECT_TRUE(o.result.recipient_rejected);
    EXPECT_EQ(o.scope, FailureScope::kMessage);
  }
}

TEST(ClassifyAttempt, ARefusedRecipientIsRejectedAtRcptWhateverTheText) {
  for (const char* reply :
       {"550 5.1.1 <b@y.test>: Recipient address rejected: User unknown", "550 No such user",
        "553 5.1.3 bad address syntax", "552 5.2.2 mailbox full", "550 5.2.1 mailbox disabled",
        "550-5.1.1 The email account that you tried to reach does not exist.\n550 5.1.1 Try "
        "double-checking the recipient's email address",
        "500 5.3.0 Error: command failed", "554 5.0.0 nope"}) {
    auto o = ClassifyAttempt(Answered(kRcpt, reply));
    EXPECT_EQ(o.result.status, SendStatus::kPermanentFailure) << reply;
    EXPECT_TRUE(o.result.recipient_rejected) << reply;
    EXPECT_EQ(o.result.response, reply);
  }
}

TEST(ClassifyAttempt, PolicyRefusalsAtRcptBounceWithoutBlamingTheAddress) {
  for (const char* reply :
       {"550-5.7.26 Unauthenticated email is not accepted\n550 5.7.26 from this domain",
        "550 5.7.1 <b@y.test>: Recipient address rejected: Access denied"}) {
    auto o = ClassifyAttempt(Answered(kRcpt, reply));
    EXPECT_EQ(o.result.status, SendStatus::kPermanentFailure) << reply;
    EXPECT_FALSE(o.result.recipient_rejected) << reply;
  }
}

TEST(ClassifyAttempt, SenderRefusalsAtRcptAreRetriedLikeARefusedMailFrom) {
  // Postfix defers sender restrictions to RCPT: the mailbox's setup, not the contact.
  for (const char* reply : {"553 5.1.8 <a@x.test>: Sender address rejected: Domain not found",
                            "550 5.1.7 <a@x.test>: Sender address rejected: bad syntax"}) {
    auto o = ClassifyAttempt(Answered(kRcpt, reply));
    EXPECT_EQ(o.result.status, SendStatus::kTemporaryFailure) << reply;
    EXPECT_EQ(o.result.response, reply);
    EXPECT_EQ(o.scope, FailureScope::kMessage);
  }
}

TEST(ClassifyAttempt, ARelayRefusingUsIsTheServersProblemNotTheContacts) {
  for (const char* reply :
       {"554 5.7.1 <b@y.test>: Relay access denied",
        "554 5.7.1 <client[1.2.3.4]>: Client host rejected: Access denied",
        "550 relay not permitted", "550 5.7.1 Relaying denied. Proper authentication required.",
        "550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain",
        "550 5.7.0 Mail relay denied"}) {
    auto o = ClassifyAttempt(Answered(kRcpt, reply));
    EXPECT_EQ(o.result.status, SendStatus::kTemporaryFailure) << reply;
    EXPECT_EQ(o.scope, FailureScope::kServer) << reply;
    EXPECT_FALSE(o.result.recipient_rejected) << reply;
    EXPECT_NE(o.result.response.find(reply), std::string::npos) << o.result.response;
  }
  // "relay" inside the address is the contact's name, not the server's policy.
  auto named = ClassifyAttempt(Answered(kRcpt, "550 5.1.1 <relay@y.test>: User unknown"));
  EXPECT_EQ(named.result.status, SendStatus::kPermanentFailure);
  EXPECT_TRUE(named.result.recipient_rejected);
  // After DATA it is about the message (e.g. content policy), as before.
  EXPECT_EQ(ClassifyAttempt(Answered(kData, "554 5.7.1 relay content refused")).result.status,
            SendStatus::kPermanentFailure);
}

TEST(ClassifyAttempt, AfterDataOnlyAMailboxProblemRejectsTheRecipient) {
  struct Case {
    const char* reply;
    bool recipient;
  };
  for (const Case& c : std::vector<Case>{
           {"550 5.1.1 <b@y.test>: user unknown", true},
           {"552 5.2.2 <b@y.test>: mailbox full", true},
           {"550 5.2.1 mailbox disabled", true},
           {"550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found", true},
           {"554 5.7.1 Message content rejected", false},
           {"550 5.7.1 Message rejected as spam", false},
           {"552 5.3.4 Message size exceeds fixed limit", false},
           {"552 5.2.3 Message length exceeds administrative limit", false},
           {"553 5.1.8 sender domain does not exist", false},
           {"554 5.6.0 Malformed message", false},
           {"554 Transaction failed", false},  // no enhanced status: nothing says "mailbox"
           {"550 5.1.1.1 odd", false},
           {"550 x5.1.1 odd", false},
       }) {
    auto o = ClassifyAttempt(Answered(kData, c.reply));
    EXPECT_EQ(o.result.status, SendStatus::kPermanentFailure) << c.reply;
    EXPECT_EQ(o.result.recipient_rejected, c.recipient) << c.reply;
    EXPECT_EQ(o.result.response, c.reply);
    EXPECT_EQ(o.scope, FailureScope::kMessage);
  }
}

TEST(ClassifyAttempt, ARefusedSenderIsRetriedNeverBounced) {
  for (const char* reply : {"550 5.1.8 <a@x.test>: Sender address rejected: Domain not found",
                            "553 5.7.1 <a@x.test>: Sender address rejected: not owned by user",
                            "552 5.3.4 Message size exceeds fixed limit",
                            "501 5.1.7 Bad sender address syntax", "550 rejected"}) {
    auto o = ClassifyAttempt(Answered(kMail, reply));
    EXPECT_EQ(o.result.status, SendStatus::kTemporaryFailure) << reply;
    EXPECT_EQ(o.result.response, reply) << "the server's own words";
    EXPECT_FALSE(o.result.recipient_rejected);
    EXPECT_EQ(o.scope, FailureScope::kMessage);
  }
}

TEST(ClassifyAttempt, FourHundredsAreRetried) {
  for (const auto& commands : {kMail, kRcpt, kData}) {
    auto o = ClassifyAttempt(Answered(commands, "451 4.3.0 try later"));
    EXPECT_EQ(o.result.status, SendStatus::kTemporaryFailure);
    EXPECT_EQ(o.result.response, "451 4.3.0 try later");
    EXPECT_FALSE(o.result.recipient_rejected);
    EXPECT_EQ(o.scope, FailureScope::kMessage);
  }
}

TEST(ClassifyAttempt, RefusalsBeforeTheTransactionNeverBounce) {
  // A 554 greeting, a 5xx to EHLO or STARTTLS: the server or our setup, not the contact.
  for (const char* reply : {"554 5.7.1 go away", "502 5.5.2 EHLO?", "421 4.3.2 busy"}) {
    auto o = ClassifyAttempt(Answered(SmtpPhase::kSession, reply));
    EXPECT_EQ(o.result.status, SendStatus::kTemporaryFailure) << reply;
    EXPECT_EQ(o.scope, FailureScope::kServer);
    EXPECT_NE(o.result.response.find(reply), std::string::npos) << o.result.response;
  }
}

TEST(ClassifyAttempt, LoginProblemsAreTemporaryAndStopTheServer) {
  SmtpAttempt refused = Answered(SmtpPhase::kSession, "535 5.7.8 bad credentials");
  refused.auth_failed = true;
  auto denied = ClassifyAttempt(refused);
  EXPECT_EQ(denied.result.status, SendStatus::kTemporaryFailure);
  EXPECT_EQ(denied.scope, FailureScope::kServer);
  EXPECT_NE(denied.result.response.find("535 5.7.8"), std::string::npos);
  // 530 at MAIL: the server wants AUTH we did not configure; bouncing would hit every contact.
  auto required = ClassifyAttempt(Answered(kMail, "530 5.7.0 Authentication required"));
  EXPECT_EQ(required.result.status, SendStatus::kTemporaryFailure);
  EXPECT_EQ(required.scope, FailureScope::kServer);
}

TEST(ClassifyAttempt, NetworkErrorsAreTemporary) {
  for (StreamFailure code : {StreamFailure::kConnect, StreamFailure::kTls, StreamFailure::kTimeout,
                             StreamFailure::kClosed, StreamFailure::kNetwork}) {
    auto o = ClassifyAttempt(Failed(SmtpPhase::kSession, code, "detail here"));
    EXPECT_EQ(o.result.status, SendStatus::kTemporaryFailure) << static_cast<int>(code);
    EXPECT_EQ(o.scope, FailureScope::kServer);
    EXPECT_NE(o.result.response.find("detail here"), std::string::npos);
  }
}

TEST(ClassifyAttempt, DroppedMidTransactionIsAConnectionProblem) {
  // MAIL and RCPT were accepted, then the server hung up after DATA.
  SmtpAttempt a = Failed(kData, StreamFailure::kClosed, "connection closed by 127.0.0.1:25");
  a.transaction_answered = true;
  auto o = ClassifyAttempt(a);
  EXPECT_EQ(o.result.status, SendStatus::kTemporaryFailure);
  EXPECT_EQ(o.scope, FailureScope::kConnection);
  EXPECT_EQ(o.result.response, "connection closed by 127.0.0.1:25");
  // No answer at all to MAIL (a dead pooled connection).
  auto silent = ClassifyAttempt(Answered(kMail, ""));
  EXPECT_EQ(silent.result.status, SendStatus::kTemporaryFailure);
  EXPECT_EQ(silent.scope, FailureScope::kConnection);
}

}  // namespace
}  // namespace mailmark
