// ImapPoller end to end: a real Postfix delivers, a real Dovecot serves, the poller's
// callbacks record what they get.
#include "inbound/imap/imap_poller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "inbound/imap/imap_test_support.h"

namespace mailmark::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

// The cursor store and everything the callbacks saw; outlives the pollers that use it.
class Recorder {
 public:
  ImapPollerCallbacks Callbacks() {
    ImapPollerCallbacks c;
    c.load_cursor = [this] {
      std::lock_guard lock(mu_);
      return cursor_;
    };
    c.on_message = [this](const ImapMessage& m) {
      std::lock_guard lock(mu_);
      attempts_.push_back(m.uid);
      if (reject_once_ == m.uid) {
        reject_once_ = 0;
        return false;
      }
      processed_.push_back(m);
      return true;
    };
    c.save_cursor = [this](const ImapCursor& cursor) -> Status {
      std::lock_guard lock(mu_);
      // Never ahead of what was processed.
      if (!processed_.empty() && cursor.last_uid > processed_.back().uid) {
        ahead_of_processing_ = true;
      }
      cursor_ = cursor;
      return Ok{};
    };
    c.on_status = [this](const ImapStatus& s) {
      std::lock_guard lock(mu_);
      statuses_.push_back(s);
    };
    return c;
  }

  std::optional<ImapCursor> cursor() {
    std::lock_guard lock(mu_);
    return cursor_;
  }
  void set_cursor(ImapCursor c) {
    std::lock_guard lock(mu_);
    cursor_ = c;
  }
  void RejectOnce(std::uint32_t uid) {
    std::lock_guard lock(mu_);
    reject_once_ = uid;
  }
  std::vector<ImapMessage> processed() {
    std::lock_guard lock(mu_);
    return processed_;
  }
  std::vector<std::uint32_t> processed_uids() {
    std::lock_guard lock(mu_);
    std::vector<std::uint32_t> uids;
    for (const auto& m : processed_) uids.push_back(m.uid);
    return uids;
  }
  std::vector<std::uint32_t> attempts() {
    std::lock_guard lock(mu_);
    return attempts_;
  }
  std::vector<ImapStatus> statuses() {
    std::lock_guard lock(mu_);
    return statuses_;
  }
  std::size_t connects() {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    for (const auto& s : statuses_) n += s.connected ? 1 : 0;
    return n;
  }
  bool ahead_of_processing() {
    std::lock_guard lock(mu_);
    return ahead_of_processing_;
  }

 private:
  std::mutex mu_;
  std::optional<ImapCursor> cursor_;
  std::uint32_t reject_once_ = 0;
  std::vector<ImapMessage> processed_;
  std::vector<std::uint32_t> attempts_;
  std::vector<ImapStatus> statuses_;
  bool ahead_of_processing_ = false;
};

ImapPollerOptions FastOptions() {
  ImapPollerOptions o;
  o.min_backoff = std::chrono::milliseconds(50);
  o.max_backoff = std::chrono::milliseconds(400);
  o.client.timeout = std::chrono::seconds(10);
  return o;
}

class ImapPollerTest : public ImapServerTest {};

TEST_F(ImapPollerTest, HandsOverEachNewMessageOnceInUidOrderAndResumesFromItsCursor) {
  const std::string user = "user7";
  Recorder rec;
  {
    ImapPoller poller(Settings(user), rec.Callbacks(), FastOptions());
    poller.Start();
    ASSERT_TRUE(WaitUntil([&] { return rec.connects() >= 1; })) << server().dovecot_log();
    ASSERT_TRUE(rec.cursor().has_value());  // saved at once: an empty folder starts at 0
    EXPECT_EQ(rec.cursor()->last_uid, 0u);
    for (int i = 1; i <= 3; ++i) SendAndWait(user, "reply " + std::to_string(i), i);
    ASSERT_TRUE(WaitUntil([&] { return rec.processed().size() >= 3; }));
    poller.Stop();
  }
  EXPECT_EQ(rec.processed_uids(), (std::vector<std::uint32_t>{1, 2, 3}));
  std::vector<ImapMessage> got = rec.processed();
  for (int i = 0; i < 3; ++i) {
    EXPECT_THAT(got[i].raw, HasSubstr("Subject: reply " + std::to_string(i + 1) + "\r\n"));
  }
  EXPECT_EQ(rec.cursor()->last_uid, 3u);
  EXPECT_FALSE(rec.ahead_of_processing());

  // A new poller with the saved cursor: nothing old again, only what is new.
  {
    ImapPoller poller(Settings(user), rec.Callbacks(), FastOptions());
    poller.Start();
    ASSERT_TRUE(WaitUntil([&] { return rec.connects() >= 2; }));
    SendAndWait(user, "reply 4", 4);
    ASSERT_TRUE(WaitUntil([&] { return rec.processed().size() >= 4; }));
  }  // the destructor stops it
  EXPECT_EQ(rec.processed_uids(), (std::vector<std::uint32_t>{1, 2, 3, 4}));
  EXPECT_THAT(rec.processed().back().raw, HasSubstr("Subject: reply 4\r\n"));
  EXPECT_EQ(rec.cursor()->last_uid, 4u);
  for (const std::string& f : MaildirFlags(user)) EXPECT_THAT(f, Not(HasSubstr("S")));
}

TEST_F(ImapPollerTest, FirstStartSkipsMailThatWasAlreadyThere) {
  const std::string user = "user8";
  SendAndWait(user, "old 1", 1);
  SendAndWait(user, "old 2", 2);
  Recorder rec;
  ImapPoller poller(Settings(user), rec.Callbacks(), FastOptions());
  poller.Start();
  ASSERT_TRUE(WaitUntil([&] { return rec.connects() >= 1; }));
  EXPECT_EQ(rec.cursor()->last_uid, 2u);
  SendAndWait(user, "new", 3);
  ASSERT_TRUE(WaitUntil([&] { return rec.processed().size() >= 1; }));
  poller.Stop();
  EXPECT_EQ(rec.processed_uids(), (std::vector<std::uint32_t>{3}));
  EXPECT_THAT(rec.processed().front().raw, HasSubstr("Subject: new\r\n"));
}

TEST_F(ImapPollerTest, ChangedUidValidityRestartsAtTheFolderEnd) {
  const std::string user = "user9";
  SendAndWait(user, "before", 1);
  SendAndWait(user, "before too", 2);
  std::uint32_t validity = 0;
  {
    auto client = ImapClient::Connect(Settings(user));
    ASSERT_TRUE(client.ok());
    auto state = (*client)->Select("INBOX");
    ASSERT_TRUE(state.ok());
    validity = state->uid_validity;
  }
  Recorder rec;
  rec.set_cursor(ImapCursor{validity + 1, 0});  // a folder that no longer exists
  ImapPoller poller(Settings(user), rec.Callbacks(), FastOptions());
  poller.Start();
  ASSERT_TRUE(WaitUntil([&] { return rec.connects() >= 1; }));
  EXPECT_EQ(rec.cursor(), (ImapCursor{validity, 2}));
  SendAndWait(user, "after", 3);
  ASSERT_TRUE(WaitUntil([&] { return rec.processed().size() >= 1; }));
  poller.Stop();
  EXPECT_EQ(rec.processed_uids(), (std::vector<std::uint32_t>{3}));
}

TEST_F(ImapPollerTest, MessageNotProcessedIsOfferedAgainAndTheCursorWaits) {
  const std::string user = "user10";
  Recorder rec;
  ImapPoller poller(Settings(user), rec.Callbacks(), FastOptions());
  poller.Start();
  ASSERT_TRUE(WaitUntil([&] { return rec.connects() >= 1; }));
  rec.RejectOnce(1);
  SendAndWait(user, "first", 1);
  SendAndWait(user, "second", 2);
  ASSERT_TRUE(WaitUntil([&] { return rec.processed().size() >= 2; }));
  poller.Stop();
  EXPECT_EQ(rec.processed_uids(), (std::vector<std::uint32_t>{1, 2}));
  std::vector<std::uint32_t> attempts = rec.attempts();
  ASSERT_GE(attempts.size(), 3u);
  EXPECT_EQ(attempts[0], 1u);
  EXPECT_EQ(attempts[1], 1u);  // the same message again, never the next one first
  EXPECT_FALSE(rec.ahead_of_processing());
  bool reported = false;
  for (const auto& s : rec.statuses()) {
    if (!s.connected && s.last_error.find("UID 1 was not processed") != std::string::npos) {
      reported = true;
    }
  }
  EXPECT_TRUE(reported);
  EXPECT_EQ(rec.cursor()->last_uid, 2u);
}

TEST_F(ImapPollerTest, PollsWithoutIdleWhenToldTo) {
  const std::string user = "user11";
  Recorder rec;
  ImapPollerOptions options = FastOptions();
  options.use_idle = false;
  options.poll_interval = std::chrono::milliseconds(100);
  ImapPoller poller(Settings(user), rec.Callbacks(), options);
  poller.Start();
  ASSERT_TRUE(WaitUntil([&] { return rec.connects() >= 1; }));
  SendAndWait(user, "polled", 1);
  ASSERT_TRUE(WaitUntil([&] { return rec.processed().size() >= 1; }));
  poller.Stop();
  EXPECT_EQ(rec.processed_uids(), (std::vector<std::uint32_t>{1}));
}

TEST_F(ImapPollerTest, StopWithoutStartAndTwiceIsHarmless) {
  Recorder rec;
  ImapPoller never(Settings("user12"), rec.Callbacks(), FastOptions());
  never.Stop();
  never.Stop();
  ImapPoller twice(Settings("user12"), rec.Callbacks(), FastOptions());
  twice.Start();
  twice.Start();
  twice.Stop();
  twice.Stop();
  EXPECT_THAT(rec.processed(), IsEmpty());
}

// Its own server: this test stops and restarts it.
TEST(ImapPollerRestartTest, ReportsTheOutageAndReconnectsWhenTheServerIsBack) {
  MM_SKIP_OR_FAIL_IF_MISSING(PrivateMailServer::Missing(true));
  MailServerOptions server_options;
  server_options.imap = true;
  server_options.users = {"alice"};
  PrivateMailServer server(server_options);
  server.Start();
  ImapSettings settings;
  settings.host = "127.0.0.1";
  settings.port = server.imap_port();
  settings.tls = TlsMode::kNone;
  settings.username = PrivateMailServer::Address("alice");
  settings.password = server.password();

  Recorder rec;
  ImapPoller poller(settings, rec.Callbacks(), FastOptions());
  poller.Start();
  ASSERT_TRUE(WaitUntil([&] { return rec.connects() >= 1; })) << server.dovecot_log();

  server.Stop();
  ASSERT_TRUE(WaitUntil([&] {
    auto s = rec.statuses();
    return !s.back().connected && !s.back().last_error.empty();
  }));
  server.Start();  // same ports
  ASSERT_TRUE(WaitUntil([&] { return rec.connects() >= 2; }, 60)) << server.dovecot_log();

  MessageInput in;
  in.from_name = "Contact";
  in.from_email = "contact@sender.test";
  in.to_email = PrivateMailServer::Address("alice");
  in.subject = "after the outage";
  in.html = "<p>hi</p>";
  in.message_id = "<restart-test@sender.test>";
  in.date = FromMillis(1'795'000'000'000);
  OutgoingMessage message{in.message_id, in.from_email, in.to_email, BuildMessage(in)};
  SmtpSettings smtp;
  smtp.host = "127.0.0.1";
  smtp.port = server.smtp_port();
  smtp.tls = TlsMode::kNone;
  SmtpTransport transport(smtp);
  ASSERT_EQ(transport.SendBatch({&message, 1}).at(0).status, SendStatus::kSent);
  ASSERT_TRUE(WaitUntil([&] { return rec.processed().size() >= 1; }));
  poller.Stop();
  EXPECT_EQ(rec.processed_uids(), (std::vector<std::uint32_t>{1}));
  EXPECT_THAT(rec.processed().front().raw, HasSubstr("Subject: after the outage\r\n"));
}

// Failed logins last: Dovecot then delays every login from 127.0.0.1 (its auth penalty, up
// to 15 s), which would slow the tests after them.
TEST_F(ImapPollerTest, WrongPasswordIsReportedAndRetried) {
  Recorder rec;
  ImapSettings settings = Settings("user12");
  settings.password = "wrong";
  ImapPoller poller(settings, rec.Callbacks(), FastOptions());
  poller.Start();
  ASSERT_TRUE(WaitUntil([&] { return rec.statuses().size() >= 2; }));
  poller.Stop();
  for (const auto& s : rec.statuses()) {
    EXPECT_FALSE(s.connected);
    EXPECT_THAT(s.last_error, HasSubstr("login"));
    EXPECT_THAT(s.last_error, Not(HasSubstr("wrong")));
  }
  EXPECT_FALSE(rec.cursor().has_value());  // never examined the folder: nothing saved
  EXPECT_THAT(rec.processed(), IsEmpty());
}

}  // namespace
}  // namespace mailmark::testing
