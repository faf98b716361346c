// A message whose contact replies, is cancelled, or whose sequence is paused while its SMTP
// batch is being delivered is withdrawn, not sent (docs/behaviour.md). Real neighbours: a
// SQLite store, SmtpTransport, and Postfix's smtp-sink as the server.
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/test_steps.h"

#include "core/ids.h"
#include "engine/scheduler.h"
#include "harness/smtp_sink.h"
#include "harness/temp_dir.h"
#include "mail/smtp/smtp_transport.h"
#include "store/sqlite/sqlite_store.h"

namespace mailmark {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;
using testing::SmtpSink;
using testing::SmtpSinkOptions;

constexpr std::int64_t kDay = 86'400'000;

// Runs `before_send` once, after the batch's sends were recorded and before the real SMTP
// transport sends anything: a reply or a pause "arriving while the batch is in flight".
class HookedSmtp : public Transport, public TransportProvider {
 public:
  explicit HookedSmtp(int port) : smtp_(Settings(port), Options()) {}
  std::vector<SendResult> SendBatch(std::span<const OutgoingMessage> messages) override {
    if (before_send) std::exchange(before_send, nullptr)();
    return smtp_.SendBatch(messages);
  }
  std::shared_ptr<Transport> For(const Mailbox&) override {
    return std::shared_ptr<Transport>(this, [](Transport*) {});
  }
  std::function<void()> before_send;

 private:
  static SmtpSettings Settings(int port) {
    SmtpSettings s;
    s.host = "127.0.0.1";
    s.port = port;
    s.tls = TlsMode::kNone;
    return s;
  }
  static SmtpOptions Options() {
    SmtpOptions o;
    o.connections = 1;
    o.helo_name = "client.test";
    return o;
  }
  SmtpTransport smtp_;
};

using testing_steps::Delay;
using testing_steps::Send;

class WithdrawTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MM_SKIP_OR_FAIL_IF_MISSING(SmtpSink::Missing());
    sink_ = std::make_unique<SmtpSink>(SmtpSinkOptions{.dump = true});
    transport_ = std::make_unique<HookedSmtp>(sink_->port());
    auto opened = OpenSqliteStore(tmp_.path() / "mailmark.db");
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(opened.value());
    SchedulerOptions options;
    options.runner.unsubscribe_secret = "0123456789abcdef0123456789abcdef";
    scheduler_ = std::make_unique<Scheduler>(*store_, clock_, *transport_, options);

    auto user = store_->CreateUser("ann", "", clock_.Now());
    ASSERT_TRUE(user);
    Mailbox m;
    m.id = NewId("mbx");
    m.owner_id = user->id;
    m.name = "Sales";
    m.from_email = "ann@sender.test";
    m.transport = TransportType::kSmtp;
    m.smtp = SmtpSettings{};
    m.smtp->host = "127.0.0.1";
    m.smtp->port = sink_->port();
    m.smtp->tls = TlsMode::kNone;
    m.created_at = m.updated_at = clock_.Now();
    auto mailbox = store_->CreateMailbox(m);
    ASSERT_TRUE(mailbox);

    Sequence s;
    s.id = NewId("seq");
    s.mailbox_id = mailbox->id;
    s.owner_id = user->id;
    s.name = "Outreach";
    s.steps = {Send("Hello"), Delay(3 * kDay), Send("")};
    s.created_at = s.updated_at = clock_.Now();
    auto created = store_->CreateSequence(s);
    ASSERT_TRUE(created);
    seq_ = *created;
  }

  void TearDown() override {
    scheduler_.reset();
    store_.reset();
  }

  Enrollment Enroll(std::string email) {
    auto r = store_->Enroll(seq_.id, {NewEnrollment{std::move(email), {}, false}}, clock_.Now());
    EXPECT_TRUE(r);
    return *r->front().enrollment;
  }

  Enrollment Reload(const Enrollment& e) { return *store_->GetEnrollment(e.id); }

  // The messages the server has dumped, once at least `n` are there (the dump files are
  // written by another process: give it time, never fail for a slow machine).
  std::size_t Dumped(std::size_t n) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (sink_->DumpedCount() < n && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return sink_->DumpedCount();
  }

  // How many messages carrying this Message-ID reached the server.
  std::size_t Received(const std::string& message_id) {
    std::size_t n = 0;
    for (const auto& m : sink_->DumpedMessages())
      n += m.data.find("Message-ID: " + message_id) != std::string::npos ? 1 : 0;
    return n;
  }

  testing::TempDir tmp_{"mm-withdraw"};
  ManualClock clock_{FromMillis(1'795'785'489'000)};
  std::unique_ptr<SmtpSink> sink_;
  std::unique_ptr<HookedSmtp> transport_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Scheduler> scheduler_;
  Sequence seq_;
};

TEST_F(WithdrawTest, AReplyDuringTheBatchWithdrawsTheMessageForGood) {
  Enrollment alice = Enroll("alice@acme.test");
  Enrollment bob = Enroll("bob@acme.test");
  transport_->before_send = [&] {
    ASSERT_TRUE(store_->FinishEnrollment(alice.id, EnrollmentStatus::kReplied, "reply_received", "",
                                         clock_.Now()));
  };
  scheduler_->RunDue();

  EXPECT_EQ(scheduler_->stats().withdrawn, 1u);
  EXPECT_EQ(scheduler_->stats().sent, 1u);
  EXPECT_EQ(Reload(alice).status, EnrollmentStatus::kReplied);
  auto messages = store_->ListMessages(alice.id);
  ASSERT_THAT(messages, SizeIs(1));
  EXPECT_EQ(messages[0].state, MessageState::kFailed);
  EXPECT_THAT(messages[0].response, HasSubstr("withdrawn"));
  EXPECT_EQ(Received(messages[0].message_id), 0u);
  // A final enrollment's history ends with what finished it; the message row tells the rest.
  auto history = store_->ListHistory(alice.id);
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.back().cause, "reply_received");
  auto bobs = store_->ListMessages(bob.id);
  ASSERT_THAT(bobs, SizeIs(1));
  EXPECT_EQ(bobs[0].state, MessageState::kSent);
  EXPECT_EQ(Dumped(1), 1u);
  EXPECT_EQ(Received(bobs[0].message_id), 1u);

  // Later runs never send alice anything; bob goes on.
  clock_.Advance(Duration{10 * kDay});
  scheduler_->RunDue();
  EXPECT_THAT(store_->ListMessages(alice.id), SizeIs(1));
  EXPECT_EQ(Reload(alice).status, EnrollmentStatus::kReplied);
  EXPECT_EQ(Reload(bob).status, EnrollmentStatus::kCompleted);
  EXPECT_EQ(Dumped(2), 2u);
}

TEST_F(WithdrawTest, APauseDuringTheBatchWithdrawsAndResumeSendsTheStepOnce) {
  Enrollment alice = Enroll("alice@acme.test");
  transport_->before_send = [&] {
    ASSERT_TRUE(store_->ApplyAction(seq_.id, SequenceAction::kPause, clock_.Now()));
  };
  scheduler_->RunDue();

  EXPECT_EQ(scheduler_->stats().withdrawn, 1u);
  Enrollment held = Reload(alice);
  EXPECT_EQ(held.status, EnrollmentStatus::kActive);
  EXPECT_FALSE(held.last_step_id) << "nothing was sent: the first step is still to come";
  auto messages = store_->ListMessages(alice.id);
  ASSERT_THAT(messages, SizeIs(1));
  const std::string withdrawn_id = messages[0].message_id;
  EXPECT_EQ(messages[0].state, MessageState::kFailed);
  EXPECT_THAT(messages[0].response, HasSubstr("withdrawn"));
  EXPECT_EQ(sink_->DumpedCount(), 0u);
  auto history = store_->ListHistory(alice.id);
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.back().cause,
            "withdrawn " + seq_.steps[0].id + ": withdrawn before sending: no longer wanted");
  EXPECT_EQ(history.back().status, "active");

  clock_.Advance(std::chrono::hours(1));
  scheduler_->RunDue();  // still paused: nothing is claimed
  EXPECT_THAT(store_->ListMessages(alice.id), SizeIs(1));

  ASSERT_TRUE(store_->ApplyAction(seq_.id, SequenceAction::kResume, clock_.Now()));
  scheduler_->RunDue();
  messages = store_->ListMessages(alice.id);
  ASSERT_THAT(messages, SizeIs(2));
  EXPECT_EQ(messages[1].state, MessageState::kSent);
  EXPECT_EQ(messages[1].step_id, seq_.steps[0].id);
  EXPECT_NE(messages[1].message_id, withdrawn_id);
  EXPECT_EQ(Dumped(1), 1u);
  EXPECT_EQ(Received(messages[1].message_id), 1u);
  EXPECT_EQ(Received(withdrawn_id), 0u);
  EXPECT_EQ(Reload(alice).last_step_id, seq_.steps[0].id);
  EXPECT_EQ(scheduler_->stats().sent, 1u);
}

TEST_F(WithdrawTest, AnOutOfOfficePauseDuringTheBatchHoldsTheStepUntilItsDate) {
  Enrollment alice = Enroll("alice@acme.test");
  const Timestamp back = clock_.Now() + Duration{2 * kDay};
  transport_->before_send = [&] {
    ASSERT_TRUE(store_->PauseEnrollmentUntil(alice.id, back, "ooo", clock_.Now()));
  };
  scheduler_->RunDue();
  EXPECT_EQ(scheduler_->stats().withdrawn, 1u);
  EXPECT_EQ(Reload(alice).next_run_at, back);
  EXPECT_EQ(sink_->DumpedCount(), 0u);

  clock_.Set(back);
  scheduler_->RunDue();
  auto messages = store_->ListMessages(alice.id);
  ASSERT_THAT(messages, SizeIs(2));
  EXPECT_EQ(messages[1].state, MessageState::kSent);
  EXPECT_EQ(Dumped(1), 1u);
  EXPECT_EQ(Received(messages[1].message_id), 1u);
}

}  // namespace
}  // namespace mailmark
