// ImapClient against a real Dovecot (private instance, fed by a real Postfix).
#include "inbound/imap/imap_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "inbound/imap/imap_test_support.h"

namespace mailmark::testing {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

class ImapClientTest : public ImapServerTest {
 protected:
  static std::unique_ptr<ImapClient> ConnectAs(const std::string& user) {
    auto client = ImapClient::Connect(Settings(user));
    EXPECT_TRUE(client.ok()) << client.error().code << ": " << client.error().message;
    return client.ok() ? std::move(client).value() : nullptr;
  }
};

std::vector<std::uint32_t> Uids(const std::vector<ImapMessage>& messages) {
  std::vector<std::uint32_t> uids;
  for (const auto& m : messages) uids.push_back(m.uid);
  return uids;
}

TEST_F(ImapClientTest, LogsInAndExaminesAnEmptyInbox) {
  auto client = ConnectAs("user1");
  ASSERT_NE(client, nullptr);
  EXPECT_TRUE(client->SupportsIdle());  // Dovecot offers IDLE
  auto state = client->Select("INBOX");
  ASSERT_TRUE(state.ok()) << state.error().message;
  EXPECT_NE(state->uid_validity, 0u);
  EXPECT_EQ(state->uid_next, 1u);
  auto messages = client->FetchSince(0, 10);
  ASSERT_TRUE(messages.ok()) << messages.error().message;
  EXPECT_THAT(*messages, IsEmpty());
  // Selecting again gives the same validity: it identifies the folder, not the session.
  auto again = client->Select("INBOX");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->uid_validity, state->uid_validity);
  EXPECT_TRUE(client->Noop().ok());
}

TEST_F(ImapClientTest, NothingListeningIsConnectFailed) {
  ImapSettings settings = Settings("user1");
  settings.port = UnusedLoopbackPort();
  auto client = ImapClient::Connect(settings);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.error().code, "imap_connect_failed");
}

TEST_F(ImapClientTest, BadHostOrPortIsConnectFailed) {
  for (auto [host, port] : std::vector<std::pair<std::string, int>>{
           {"", 143}, {"host.invalid", 143}, {"127.0.0.1", 0}, {"127.0.0.1", 70000}}) {
    ImapSettings settings = Settings("user1");
    settings.host = host;
    settings.port = port;
    auto client = ImapClient::Connect(settings);
    ASSERT_FALSE(client.ok()) << host << ":" << port;
    EXPECT_EQ(client.error().code, "imap_connect_failed") << host << ":" << port;
  }
}

TEST_F(ImapClientTest, ServerThatIsNotImapIsConnectFailed) {
  ImapSettings settings = Settings("user1");
  settings.port = server().smtp_port();  // "220 … ESMTP Postfix" is no IMAP greeting
  ImapOptions options;
  options.timeout = std::chrono::seconds(5);
  auto client = ImapClient::Connect(settings, options);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.error().code, "imap_connect_failed");
}

TEST_F(ImapClientTest, TlsAgainstAPlainServerIsTlsFailed) {
  ImapOptions options;
  options.timeout = std::chrono::seconds(5);
  ImapSettings settings = Settings("user1");
  settings.tls = TlsMode::kTls;  // Dovecot here speaks plain IMAP: no handshake possible
  auto implicit = ImapClient::Connect(settings, options);
  ASSERT_FALSE(implicit.ok());
  EXPECT_EQ(implicit.error().code, "imap_tls_failed");

  settings.tls = TlsMode::kStartTls;  // this Dovecot has ssl = no: STARTTLS is refused
  auto starttls = ImapClient::Connect(settings, options);
  ASSERT_FALSE(starttls.ok());
  EXPECT_EQ(starttls.error().code, "imap_tls_failed");
}

TEST_F(ImapClientTest, SelectOfMissingFolderFailsAndFetchNeedsAFolder) {
  auto client = ConnectAs("user1");
  ASSERT_NE(client, nullptr);
  auto fetched = client->FetchSince(0, 10);
  ASSERT_FALSE(fetched.ok());
  EXPECT_EQ(fetched.error().code, "imap_fetch_failed");
  auto idle = client->Idle(std::chrono::milliseconds(10));
  ASSERT_FALSE(idle.ok());
  EXPECT_EQ(idle.error().code, "imap_idle_failed");

  auto state = client->Select("No Such Folder");
  ASSERT_FALSE(state.ok());
  EXPECT_EQ(state.error().code, "imap_select_failed");
  // The session survives a refused command.
  EXPECT_TRUE(client->Select("INBOX").ok());
}

TEST_F(ImapClientTest, FetchesNewMessagesExactlyOnceInUidOrderWithoutMarkingThemSeen) {
  const std::string user = "user2";
  std::vector<std::string> sent;
  for (int i = 1; i <= 3; ++i) {
    sent.push_back(Send(user, "message " + std::to_string(i)));
    ASSERT_TRUE(server().WaitForMessages(user, i));  // one at a time: delivery order = UIDs
  }
  auto client = ConnectAs(user);
  ASSERT_NE(client, nullptr);
  auto state = client->Select("INBOX");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->uid_next, 4u);

  auto all = client->FetchSince(0, 100);
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_THAT(*all, SizeIs(3));
  EXPECT_EQ(Uids(*all), (std::vector<std::uint32_t>{1, 2, 3}));
  std::vector<std::string> stored = server().MaildirMessages(user);
  ASSERT_THAT(stored, SizeIs(3));
  for (std::size_t i = 0; i < 3; ++i) {
    // Byte for byte what Dovecot stores (Postfix adds its trace headers on top) …
    EXPECT_EQ((*all)[i].raw, ToCrlf(stored[i]));
    // … which ends with exactly what was sent.
    EXPECT_THAT((*all)[i].raw, EndsWith(sent[i]));
  }

  // "UID FETCH 4:*" answers with message 3 even though it is not newer: filtered out.
  auto none = client->FetchSince(3, 100);
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(*none, IsEmpty());
  auto far = client->FetchSince(1000, 100);
  ASSERT_TRUE(far.ok());
  EXPECT_THAT(*far, IsEmpty());
  auto max = client->FetchSince(std::numeric_limits<std::uint32_t>::max(), 100);
  ASSERT_TRUE(max.ok());
  EXPECT_THAT(*max, IsEmpty());

  auto after_first = client->FetchSince(1, 100);
  ASSERT_TRUE(after_first.ok());
  EXPECT_EQ(Uids(*after_first), (std::vector<std::uint32_t>{2, 3}));
  auto limited = client->FetchSince(0, 2);  // the oldest first
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(Uids(*limited), (std::vector<std::uint32_t>{1, 2}));
  auto zero = client->FetchSince(0, 0);
  ASSERT_TRUE(zero.ok());
  EXPECT_THAT(*zero, IsEmpty());

  client.reset();  // LOGOUT: Dovecot writes its flag changes (if any) to the file names
  std::vector<std::string> flags = MaildirFlags(user);
  ASSERT_THAT(flags, SizeIs(3));
  for (const std::string& f : flags) EXPECT_THAT(f, Not(HasSubstr("S"))) << "marked \\Seen";
  // A second session sees them unchanged: still there, still new to us.
  auto again = ConnectAs(user);
  ASSERT_NE(again, nullptr);
  ASSERT_TRUE(again->Select("INBOX").ok());
  auto refetched = again->FetchSince(0, 100);
  ASSERT_TRUE(refetched.ok());
  EXPECT_EQ(Uids(*refetched), (std::vector<std::uint32_t>{1, 2, 3}));
}

TEST_F(ImapClientTest, EightBitAndLargeMessagesComeBackByteForByte) {
  const std::string user = "user3";
  std::string eight_bit =
      "From: =?UTF-8?Q?J=C3=BCrgen?= <j@sender.test>\r\nSubject: Grüße\r\n"
      "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
      "Grüße, 日本語, \xF0\x9F\x93\xA7 and a raw \xE9 byte.\r\n";
  std::string large = "From: big@sender.test\r\nSubject: large\r\n\r\n";
  for (int i = 0; large.size() < 3'000'000; ++i) {
    large += "line " + std::to_string(i) + " " + std::string(70, 'a' + i % 26) + "\r\n";
  }
  DeliverToMaildir(user, eight_bit);
  DeliverToMaildir(user, large);
  DeliverToMaildir(user, "Subject: no body\r\n\r\n");

  auto client = ConnectAs(user);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Select("INBOX").ok());
  auto messages = client->FetchSince(0, 10);
  ASSERT_TRUE(messages.ok()) << messages.error().message;
  ASSERT_THAT(*messages, SizeIs(3));
  // Files that appear in new/ together get their UIDs in no promised order.
  std::multiset<std::string> got;
  for (const auto& m : *messages) got.insert(m.raw);
  EXPECT_TRUE(got == (std::multiset<std::string>{eight_bit, large, "Subject: no body\r\n\r\n"}));
  EXPECT_EQ(got.count(eight_bit), 1u);
}

TEST_F(ImapClientTest, IdleReturnsTrueWhenMailArrives) {
  const std::string user = "user4";
  auto client = ConnectAs(user);
  ASSERT_NE(client, nullptr);
  auto state = client->Select("INBOX");
  ASSERT_TRUE(state.ok());

  auto idle = std::async(std::launch::async, [&] { return client->Idle(std::chrono::minutes(5)); });
  SendAndWait(user, "wake up", 1);
  // A ceiling, not a timing claim: Dovecot announces new mail well within it.
  ASSERT_EQ(idle.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  auto woke = idle.get();
  ASSERT_TRUE(woke.ok()) << woke.error().message;
  EXPECT_TRUE(*woke);
  auto messages = client->FetchSince(state->uid_next - 1, 10);
  ASSERT_TRUE(messages.ok());
  ASSERT_THAT(*messages, SizeIs(1));
  EXPECT_THAT(messages->front().raw, HasSubstr("Subject: wake up"));
}

TEST_F(ImapClientTest, InterruptEndsIdleAndTheSessionGoesOn) {
  auto client = ConnectAs("user5");
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Select("INBOX").ok());

  auto idle = std::async(std::launch::async, [&] { return client->Idle(std::chrono::hours(1)); });
  // Whether the interrupt lands before or during the IDLE, it ends it.
  client->Interrupt();
  ASSERT_EQ(idle.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  auto result = idle.get();
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_FALSE(*result);

  // One interrupt ends one Idle: the next one runs to its own timeout.
  auto timed_out = client->Idle(std::chrono::milliseconds(200));
  ASSERT_TRUE(timed_out.ok()) << timed_out.error().message;
  EXPECT_FALSE(*timed_out);
  EXPECT_TRUE(client->FetchSince(0, 10).ok());
}

TEST_F(ImapClientTest, IdleSurvivesMailThatArrivedBeforeIt) {
  const std::string user = "user6";
  auto client = ConnectAs(user);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Select("INBOX").ok());
  SendAndWait(user, "early", 1);
  // Delivered between EXAMINE and IDLE: Dovecot reports it when the IDLE starts.
  auto woke = client->Idle(std::chrono::seconds(30));
  ASSERT_TRUE(woke.ok()) << woke.error().message;
  EXPECT_TRUE(*woke);
}

// Failed logins last: Dovecot then delays every login from 127.0.0.1 (its auth penalty, up
// to 15 s), which would slow the tests after them.
TEST_F(ImapClientTest, WrongPasswordIsLoginFailed) {
  ImapSettings settings = Settings("user1");
  settings.password = "not-the-password";
  auto client = ImapClient::Connect(settings);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.error().code, "imap_login_failed");
  EXPECT_THAT(client.error().message, Not(HasSubstr("not-the-password")));
}

TEST_F(ImapClientTest, UnknownUserAndEmptyCredentialsAreLoginFailed) {
  ImapSettings settings = Settings("user1");
  settings.username = "nobody@example.test";
  auto unknown = ImapClient::Connect(settings);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "imap_login_failed");

  settings.username = "";
  settings.password = "";
  auto empty = ImapClient::Connect(settings);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, "imap_login_failed");
}

}  // namespace
}  // namespace mailmark::testing
