// SmtpTransport against real servers on 127.0.0.1: Postfix's smtp-sink (speed, faults) and
// aiosmtpd (exact bytes, envelopes, AUTH, per-recipient refusals).
#include "mail/smtp/smtp_transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "harness/aiosmtpd_sink.h"
#include "harness/smtp_sink.h"
#include "mail/smtp/smtp_connection.h"

namespace mailmark {
namespace {

using ::testing::HasSubstr;
using testing::InspectingSink;
using testing::InspectingSinkOptions;
using testing::SmtpSink;
using testing::SmtpSinkOptions;
using ::testing::StartsWith;

SmtpSettings Plain(int port) {
  SmtpSettings s;
  s.host = "127.0.0.1";
  s.port = port;
  s.tls = TlsMode::kNone;
  return s;
}

SmtpOptions Connections(std::size_t n) {
  SmtpOptions o;
  o.connections = n;
  o.helo_name = "client.test";
  return o;
}

OutgoingMessage Message(int i, const std::string& recipient = "") {
  std::string id = "<m" + std::to_string(i) + "@x.test>";
  std::string rcpt = recipient.empty() ? "user" + std::to_string(i) + "@y.test" : recipient;
  std::string raw = "From: Sales <sales@x.test>\r\nTo: <" + rcpt + ">\r\nSubject: Hello " +
                    std::to_string(i) + "\r\nMessage-ID: " + id + "\r\n\r\nHi there,\r\nmessage " +
                    std::to_string(i) + ".\r\n";
  return OutgoingMessage{id, "bounces+" + std::to_string(i) + "@x.test", rcpt, raw};
}

std::vector<OutgoingMessage> Messages(int count, int first = 0) {
  std::vector<OutgoingMessage> out;
  for (int i = first; i < first + count; ++i) out.push_back(Message(i));
  return out;
}

template <typename Condition>
bool Eventually(Condition condition) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!condition() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

#define REQUIRE_SMTP_SINK() MM_SKIP_OR_FAIL_IF_MISSING(SmtpSink::Missing())
#define REQUIRE_AIOSMTPD() MM_SKIP_OR_FAIL_IF_MISSING(InspectingSink::Missing())

TEST(SmtpTransport, EmptyBatchSendsNothing) {
  SmtpTransport transport(Plain(1));
  EXPECT_TRUE(transport.SendBatch({}).empty());
  EXPECT_EQ(transport.connections_opened(), 0u);
}

// Both ways a server may want its commands: pipelined (RFC 2920) or one at a time.
class BothDialogues : public ::testing::TestWithParam<bool> {
 protected:
  InspectingSinkOptions SinkOptions() const { return {.pipelining = GetParam()}; }
};
INSTANTIATE_TEST_SUITE_P(SmtpTransport, BothDialogues, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Pipelined" : "OneByOne"; });

TEST_P(BothDialogues, DeliversExactBytesWithTheEnvelope) {
  REQUIRE_AIOSMTPD();
  InspectingSink sink(SinkOptions());
  std::vector<OutgoingMessage> batch = Messages(3);
  // Lines SMTP must dot-stuff, 8-bit UTF-8, a long body (about 250 KB), a blank last line.
  batch[1].raw += ".\r\n..\r\n.leading dot\r\n. \r\nGrüße, 名前\r\n\r\n";
  batch[2].raw += std::string(998, 'a') + "\r\n";  // the longest line SMTP allows
  for (int i = 0; i < 20000; ++i) batch[2].raw += "line " + std::to_string(i) + "\r\n";
  batch.push_back(Message(3));
  batch[3].envelope_from = "";  // null sender, as for notifications
  batch.push_back(Message(4));
  batch[4].raw = ".X-Odd: a first line that starts with a dot\r\n" + batch[4].raw;

  SmtpTransport transport(Plain(sink.port()), Connections(1));
  std::vector<SendResult> results = transport.SendBatch(batch);

  ASSERT_EQ(results.size(), batch.size());
  for (const auto& r : results) {
    EXPECT_EQ(r.status, SendStatus::kSent) << r.response;
    EXPECT_THAT(r.response, StartsWith("250 2.0.0 Ok: queued as"));
  }
  auto received = sink.Messages();
  ASSERT_EQ(received.size(), batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ(received[i].data, batch[i].raw) << "message " << i;
    EXPECT_EQ(received[i].mail_from, i == 3 ? "<>" : batch[i].envelope_from);  // aiosmtpd's null
    EXPECT_EQ(received[i].rcpt_tos, std::vector<std::string>{batch[i].recipient});
  }
  EXPECT_EQ(sink.Connections(), 1u);
  EXPECT_EQ(transport.connections_opened(), 1u);
}

TEST(SmtpTransport, KeepsConnectionsOpenAcrossBatches) {
  REQUIRE_AIOSMTPD();
  InspectingSink sink;
  SmtpTransport transport(Plain(sink.port()), Connections(2));
  for (int round = 0; round < 5; ++round) {
    for (const auto& r : transport.SendBatch(Messages(10, round * 10))) {
      EXPECT_EQ(r.status, SendStatus::kSent) << r.response;
    }
  }
  EXPECT_EQ(sink.MessageCount(), 50u);
  EXPECT_LE(sink.Connections(), 2u);
  EXPECT_EQ(transport.connections_opened(), sink.Connections());
}

TEST(SmtpTransport, ThousandMessagesOverOneConnectionOpenOne) {
  REQUIRE_SMTP_SINK();
  SmtpSink sink;
  std::uint64_t opened = 0;
  {
    SmtpTransport transport(Plain(sink.port()), Connections(1));
    for (const auto& r : transport.SendBatch(Messages(1000))) {
      ASSERT_EQ(r.status, SendStatus::kSent) << r.response;
    }
    opened = transport.connections_opened();
  }  // closing the transport ends the session, which is when smtp-sink counts it
  EXPECT_EQ(opened, 1u);
  ASSERT_TRUE(Eventually([&] { return sink.counters().sessions >= 1; }));
  EXPECT_EQ(sink.counters().sessions, 1);
  EXPECT_EQ(sink.counters().messages, 1000);
}

TEST(SmtpTransport, ThousandMessagesSpreadOverAtMostTheConfiguredConnections) {
  REQUIRE_SMTP_SINK();
  SmtpSink sink;
  std::uint64_t opened = 0;
  {
    SmtpTransport transport(Plain(sink.port()), Connections(4));
    for (int batch = 0; batch < 2; ++batch) {
      for (const auto& r : transport.SendBatch(Messages(500, batch * 500))) {
        ASSERT_EQ(r.status, SendStatus::kSent) << r.response;
      }
    }
    opened = transport.connections_opened();
  }
  EXPECT_GE(opened, 1u);
  EXPECT_LE(opened, 4u);
  ASSERT_TRUE(Eventually([&] { return sink.counters().sessions >= static_cast<long>(opened); }));
  EXPECT_EQ(sink.counters().sessions, static_cast<long>(opened));
  EXPECT_EQ(sink.counters().messages, 1000);
}

TEST(SmtpTransport, AMessageNoLongerWantedIsWithdrawnWithoutTouchingTheServer) {
  REQUIRE_SMTP_SINK();
  SmtpSink sink;
  std::vector<OutgoingMessage> batch = Messages(3);
  int asked = 0;
  for (auto& m : batch) m.still_wanted = [&asked] { return ++asked, false; };
  std::uint64_t opened = 0;
  {
    SmtpTransport transport(Plain(sink.port()), Connections(1));
    std::vector<SendResult> results = transport.SendBatch(batch);
    ASSERT_EQ(results.size(), 3u);
    for (const auto& r : results) {
      EXPECT_EQ(r.status, SendStatus::kWithdrawn);
      EXPECT_EQ(r.response, "withdrawn before sending: no longer wanted");
    }
    opened = transport.connections_opened();
  }
  EXPECT_EQ(asked, 3);
  EXPECT_EQ(opened, 0u);
  EXPECT_EQ(sink.counters().messages, 0);
}

// The question is asked by the sender right before each message, not once for the batch:
// a reply that arrives while earlier messages are being sent stops the later ones.
TEST(SmtpTransport, StillWantedIsAskedRightBeforeEachMessage) {
  REQUIRE_SMTP_SINK();
  SmtpSink sink;
  std::vector<OutgoingMessage> batch = Messages(4);
  std::vector<int> order;  // one connection: the sender asks in queue order
  bool replied = false;
  for (int i = 0; i < 4; ++i) {
    batch[i].still_wanted = [&, i] {
      order.push_back(i);
      if (i == 1) {  // message 1 goes out; the contact replies right after
        replied = true;
        return true;
      }
      return i == 0 || !replied;
    };
  }
  batch.push_back(Message(4));  // no question: always wanted
  std::vector<SendResult> results;
  {
    SmtpTransport transport(Plain(sink.port()), Connections(1));
    results = transport.SendBatch(batch);
  }
  ASSERT_EQ(results.size(), 5u);
  EXPECT_EQ(results[0].status, SendStatus::kSent) << results[0].response;
  EXPECT_EQ(results[1].status, SendStatus::kSent) << results[1].response;
  EXPECT_EQ(results[2].status, SendStatus::kWithdrawn);
  EXPECT_EQ(results[3].status, SendStatus::kWithdrawn);
  EXPECT_EQ(results[4].status, SendStatus::kSent) << results[4].response;
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
  ASSERT_TRUE(Eventually([&] { return sink.counters().sessions >= 1; }));
  EXPECT_EQ(sink.counters().sessions, 1);  // a withdrawn message did not cost the connection
  EXPECT_EQ(sink.counters().messages, 3);
}

TEST(SmtpTransport, ConcurrentBatchesShareThePool) {
  REQUIRE_SMTP_SINK();
  SmtpSink sink;
  SmtpTransport transport(Plain(sink.port()), Connections(2));
  std::vector<std::vector<SendResult>> results(4);
  {
    std::vector<std::jthread> workers;
    for (int w = 0; w < 4; ++w) {
      workers.emplace_back([&, w] { results[w] = transport.SendBatch(Messages(100, w * 100)); });
    }
  }
  for (const auto& batch : results) {
    ASSERT_EQ(batch.size(), 100u);
    for (const auto& r : batch) EXPECT_EQ(r.status, SendStatus::kSent) << r.response;
  }
  EXPECT_LE(transport.connections_opened(), 2u);
  ASSERT_TRUE(Eventually([&] { return sink.counters().messages == 400; }));
}

TEST(SmtpTransport, SoftRejectedRecipientIsRetriedLater) {
  REQUIRE_SMTP_SINK();
  SmtpSink sink(SmtpSinkOptions{.soft_reject = {"RCPT"}});
  SmtpTransport transport(Plain(sink.port()), Connections(1));
  auto results = transport.SendBatch(Messages(3));
  for (const auto& r : results) {
    EXPECT_EQ(r.status, SendStatus::kTemporaryFailure);
    EXPECT_THAT(r.response, StartsWith("450 4.3.0"));
  }
}

TEST(SmtpTransport, HardRejectedRecipientBouncesWithTheServersText) {
  REQUIRE_SMTP_SINK();
  SmtpSink sink(SmtpSinkOptions{.hard_reject = {"RCPT"}});
  SmtpTransport transport(Plain(sink.port()), Connections(1));
  auto results = transport.SendBatch(Messages(3));
  for (const auto& r : results) {
    EXPECT_EQ(r.status, SendStatus::kPermanentFailure);
    EXPECT_EQ(r.response, "500 5.3.0 Error: command failed");
    EXPECT_TRUE(r.recipient_rejected);
  }
}

TEST(SmtpTransport, HardRejectOfDataOrTheMessageBouncesOnlyTheMessage) {
  REQUIRE_SMTP_SINK();
  for (const char* command : {"DATA", "."}) {
    SmtpSink sink(SmtpSinkOptions{.hard_reject = {command}});
    SmtpTransport transport(Plain(sink.port()), Connections(1));
    auto results = transport.SendBatch(Messages(2));
    for (const auto& r : results) {
      EXPECT_EQ(r.status, SendStatus::kPermanentFailure) << command << ": " << r.response;
      EXPECT_THAT(r.response, StartsWith("5")) << command;
      EXPECT_FALSE(r.recipient_rejected) << command << ": " << r.response;  // 5.3.0
    }
  }
}

TEST(SmtpTransport, HardRejectOfMailFromIsRetriedNotBounced) {
  REQUIRE_SMTP_SINK();
  SmtpSink sink(SmtpSinkOptions{.hard_reject = {"MAIL"}});
  SmtpTransport transport(Plain(sink.port()), Connections(1));
  auto results = transport.SendBatch(Messages(2));
  for (const auto& r : results) {
    EXPECT_EQ(r.status, SendStatus::kTemporaryFailure) << r.response;
    EXPECT_EQ(r.response, "500 5.3.0 Error: command failed");
    EXPECT_FALSE(r.recipient_rejected);
  }
  EXPECT_EQ(sink.counters().messages, 0);
}

TEST(SmtpTransport, SoftRejectOfTheMessageIsTemporary) {
  REQUIRE_SMTP_SINK();
  for (const char* command : {"MAIL", "DATA", "."}) {
    SmtpSink sink(SmtpSinkOptions{.soft_reject = {command}});
    SmtpTransport transport(Plain(sink.port()), Connections(1));
    for (const auto& r : transport.SendBatch(Messages(2))) {
      EXPECT_EQ(r.status, SendStatus::kTemporaryFailure) << command << ": " << r.response;
      EXPECT_THAT(r.response, StartsWith("4")) << command;
    }
  }
}

TEST(SmtpTransport, HangUpMidTransactionIsTemporaryAndTheSameMessageGoesLater) {
  REQUIRE_SMTP_SINK();
  SmtpSink sink(SmtpSinkOptions{.hang_up = {"DATA"}, .dump = true});
  SmtpTransport transport(Plain(sink.port()), Connections(1));
  std::vector<OutgoingMessage> batch = Messages(2);
  for (const auto& r : transport.SendBatch(batch)) {
    EXPECT_EQ(r.status, SendStatus::kTemporaryFailure) << r.response;
    EXPECT_FALSE(r.response.empty());
  }
  EXPECT_EQ(sink.counters().messages, 0);

  sink.Restart(SmtpSinkOptions{.dump = true});
  for (const auto& r : transport.SendBatch(batch)) {
    EXPECT_EQ(r.status, SendStatus::kSent) << r.response;
  }
  auto dumped = sink.DumpedMessages();
  ASSERT_EQ(dumped.size(), 2u);
  std::vector<std::string> rcpts{dumped[0].rcpt_args.at(0), dumped[1].rcpt_args.at(0)};
  EXPECT_THAT(rcpts, ::testing::UnorderedElementsAre(HasSubstr("<user0@y.test>"),
                                                     HasSubstr("<user1@y.test>")));
  EXPECT_THAT(dumped[0].data, HasSubstr("Hi there,"));
}

TEST(SmtpTransport, ServerThatStopsAnsweringTimesOutTemporarily) {
  REQUIRE_SMTP_SINK();
  SmtpSink sink(SmtpSinkOptions{.delay = "RCPT:30"});
  SmtpOptions options = Connections(1);
  options.command_timeout = std::chrono::seconds(1);
  SmtpTransport transport(Plain(sink.port()), options);
  auto results = transport.SendBatch(Messages(1));
  EXPECT_EQ(results[0].status, SendStatus::kTemporaryFailure);
  EXPECT_THAT(results[0].response, HasSubstr("imeout"));
}

TEST(SmtpTransport, TheFinalReplyMayTakeLongerThanACommand) {
  // A server checking the message before it answers the final ".": giving up at the command
  // timeout would retry a message the server then accepts, and send it twice.
  REQUIRE_SMTP_SINK();
  SmtpSink sink(SmtpSinkOptions{.delay = ".:2"});
  SmtpOptions options = Connections(1);
  options.command_timeout = std::chrono::seconds(1);
  options.data_timeout = std::chrono::seconds(20);
  SmtpTransport patient(Plain(sink.port()), options);
  auto results = patient.SendBatch(Messages(1));
  EXPECT_EQ(results[0].status, SendStatus::kSent) << results[0].response;

  options.data_timeout = std::chrono::seconds(1);
  SmtpTransport hasty(Plain(sink.port()), options);
  results = hasty.SendBatch(Messages(1, 1));
  EXPECT_EQ(results[0].status, SendStatus::kTemporaryFailure);
  EXPECT_THAT(results[0].response, HasSubstr("imeout"));
}

TEST(SmtpTransport, ServerRestartedBetweenBatchesIsReconnected) {
  REQUIRE_SMTP_SINK();
  SmtpSink sink;
  SmtpTransport transport(Plain(sink.port()), Connections(1));
  for (const auto& r : transport.SendBatch(Messages(3))) ASSERT_EQ(r.status, SendStatus::kSent);
  sink.Restart({});  // the pooled connection is now dead
  for (const auto& r : transport.SendBatch(Messages(3, 3))) {
    EXPECT_EQ(r.status, SendStatus::kSent) << r.response;
  }
  EXPECT_EQ(transport.connections_opened(), 2u);
}

TEST(SmtpTransport, NothingListeningFailsTheBatchTemporarily) {
  int port = testing::UnusedLoopbackPort();
  SmtpTransport transport(Plain(port), Connections(4));
  auto results = transport.SendBatch(Messages(20));
  ASSERT_EQ(results.size(), 20u);
  for (const auto& r : results) {
    EXPECT_EQ(r.status, SendStatus::kTemporaryFailure);
    EXPECT_THAT(r.response, HasSubstr("connect"));
  }
  EXPECT_LE(transport.connections_opened(), 4u);
}

TEST_P(BothDialogues, MixedBatchFailsOnlyTheRefusedAndKeepsGoing) {
  REQUIRE_AIOSMTPD();
  InspectingSink sink(SinkOptions());
  std::vector<OutgoingMessage> batch{Message(0), Message(1, "reject5-gone@y.test"), Message(2),
                                     Message(3, "reject4-full@y.test"), Message(4)};
  SmtpTransport transport(Plain(sink.port()), Connections(1));
  auto results = transport.SendBatch(batch);
  ASSERT_EQ(results.size(), 5u);
  EXPECT_EQ(results[0].status, SendStatus::kSent);
  EXPECT_EQ(results[1].status, SendStatus::kPermanentFailure);
  EXPECT_EQ(results[1].response,
            "550 5.1.1 <reject5-gone@y.test>: Recipient address rejected: User unknown");
  EXPECT_TRUE(results[1].recipient_rejected);
  EXPECT_EQ(results[2].status, SendStatus::kSent) << results[2].response;
  EXPECT_EQ(results[3].status, SendStatus::kTemporaryFailure);
  EXPECT_THAT(results[3].response, StartsWith("450 4.2.1 <reject4-full@y.test>"));
  EXPECT_FALSE(results[3].recipient_rejected);
  EXPECT_EQ(results[4].status, SendStatus::kSent) << results[4].response;
  auto received = sink.Messages();
  ASSERT_EQ(received.size(), 3u);
  EXPECT_EQ(received[0].data, batch[0].raw);
  EXPECT_EQ(received[1].data, batch[2].raw);
  EXPECT_EQ(received[2].data, batch[4].raw);
  // A refused message costs an RSET, not the connection.
  EXPECT_EQ(transport.connections_opened(), 1u);
  EXPECT_EQ(sink.Connections(), 1u);
}

TEST(SmtpTransport, ARelayRefusingToRelayHoldsTheBatchInsteadOfBouncingIt) {
  REQUIRE_AIOSMTPD();
  InspectingSink sink;
  std::vector<OutgoingMessage> batch{Message(0), Message(1, "relay5-x@y.test"), Message(2),
                                     Message(3)};
  SmtpTransport transport(Plain(sink.port()), Connections(1));
  auto results = transport.SendBatch(batch);
  EXPECT_EQ(results[0].status, SendStatus::kSent) << results[0].response;
  for (std::size_t i = 1; i < results.size(); ++i) {
    EXPECT_EQ(results[i].status, SendStatus::kTemporaryFailure) << i << ": " << results[i].response;
    EXPECT_FALSE(results[i].recipient_rejected);
    EXPECT_THAT(results[i].response, HasSubstr("Relay access denied"));
  }
  EXPECT_THAT(results[2].response, StartsWith("not attempted")) << "no further contact tried";
  EXPECT_EQ(sink.MessageCount(), 1u);
  // The next batch tries again (the relay may have been fixed meanwhile).
  for (const auto& r : transport.SendBatch(Messages(2, 10))) {
    EXPECT_EQ(r.status, SendStatus::kSent) << r.response;
  }
}

TEST(SmtpTransport, EnvelopeInjectionIsRefusedWithoutTouchingTheServer) {
  REQUIRE_AIOSMTPD();
  InspectingSink sink;
  std::vector<OutgoingMessage> batch = Messages(4);
  batch[0].recipient = "a@y.test>\r\nRCPT TO:<victim@z.test";
  batch[1].envelope_from = "x@x.test>\r\nRSET";
  batch[2].recipient = std::string("a@y.test\0b", 10);
  SmtpTransport transport(Plain(sink.port()), Connections(1));
  auto results = transport.SendBatch(batch);
  EXPECT_EQ(results[0].status, SendStatus::kPermanentFailure);
  EXPECT_EQ(results[1].status, SendStatus::kTemporaryFailure);  // the sender's, not the contact's
  EXPECT_EQ(results[2].status, SendStatus::kPermanentFailure);
  EXPECT_EQ(results[3].status, SendStatus::kSent) << results[3].response;
  auto received = sink.Messages();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].rcpt_tos, std::vector<std::string>{"user3@y.test"});
}

TEST(SmtpTransport, AuthenticatesWithUsernameAndPassword) {
  REQUIRE_AIOSMTPD();
  InspectingSink sink(InspectingSinkOptions{.username = "alice", .password = "s3cret pw"});
  SmtpSettings settings = Plain(sink.port());
  settings.username = "alice";
  settings.password = "s3cret pw";
  SmtpTransport transport(settings, Connections(1));
  for (const auto& r : transport.SendBatch(Messages(3))) {
    EXPECT_EQ(r.status, SendStatus::kSent) << r.response;
  }
  EXPECT_EQ(sink.MessageCount(), 3u);
}

TEST(SmtpTransport, WrongPasswordIsTemporaryNotABounce) {
  REQUIRE_AIOSMTPD();
  InspectingSink sink(InspectingSinkOptions{.username = "alice", .password = "right"});
  SmtpSettings settings = Plain(sink.port());
  settings.username = "alice";
  settings.password = "wrong";
  SmtpTransport transport(settings, Connections(2));
  auto results = transport.SendBatch(Messages(10));
  for (const auto& r : results) {
    EXPECT_EQ(r.status, SendStatus::kTemporaryFailure);
    EXPECT_THAT(r.response, HasSubstr("535"));
  }
  EXPECT_EQ(sink.MessageCount(), 0u);
}

TEST(SmtpTransport, MissingCredentialsAreTemporaryNotABounce) {
  REQUIRE_AIOSMTPD();
  InspectingSink sink(InspectingSinkOptions{.username = "alice", .password = "right"});
  SmtpTransport transport(Plain(sink.port()), Connections(1));
  for (const auto& r : transport.SendBatch(Messages(3))) {
    EXPECT_EQ(r.status, SendStatus::kTemporaryFailure);
    EXPECT_THAT(r.response, HasSubstr("530"));
  }
}

TEST(SmtpTransport, StartTlsRequiredButNotOfferedIsTemporary) {
  REQUIRE_SMTP_SINK();
  SmtpSink sink(SmtpSinkOptions{.dump = true});
  SmtpSettings settings = Plain(sink.port());
  settings.tls = TlsMode::kStartTls;
  SmtpTransport transport(settings, Connections(1));
  for (const auto& r : transport.SendBatch(Messages(3))) {
    EXPECT_EQ(r.status, SendStatus::kTemporaryFailure) << r.response;
  }
  EXPECT_EQ(sink.DumpedCount(), 0u) << "never falls back to plain text";
}

TEST(SmtpTransport, ImplicitTlsAgainstAPlainServerIsTemporary) {
  REQUIRE_SMTP_SINK();
  SmtpSink sink;
  SmtpSettings settings = Plain(sink.port());
  settings.tls = TlsMode::kTls;
  SmtpOptions options = Connections(1);
  options.command_timeout = std::chrono::seconds(5);
  options.connect_timeout = std::chrono::seconds(5);
  SmtpTransport transport(settings, options);
  for (const auto& r : transport.SendBatch(Messages(2))) {
    EXPECT_EQ(r.status, SendStatus::kTemporaryFailure) << r.response;
  }
}

TEST(SmtpTransport, InvalidSettingsFailTemporarily) {
  for (const std::string host : {"", "evil/host", "a@b", "host?x", "h\r\nx"}) {
    SmtpSettings settings = Plain(25);
    settings.host = host;
    SmtpTransport transport(settings, Connections(1));
    auto results = transport.SendBatch(Messages(2));
    for (const auto& r : results) {
      EXPECT_EQ(r.status, SendStatus::kTemporaryFailure) << host;
      EXPECT_THAT(r.response, HasSubstr("invalid SMTP host"));
    }
  }
  SmtpSettings bad_port = Plain(70000);
  SmtpTransport transport(bad_port, Connections(1));
  EXPECT_EQ(transport.SendBatch(Messages(1))[0].status, SendStatus::kTemporaryFailure);
}

}  // namespace
}  // namespace mailmark
