// The scheduler end to end on its real neighbours: a SQLite store in a temp folder and the
// outbox transport, with a ManualClock so "wait 3 days" takes no time.
#include "engine/scheduler.h"

#include <filesystem>
#include <functional>
#include <set>

#include <date/date.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/test_steps.h"

#include "core/ids.h"
#include "core/unsubscribe_token.h"
#include "harness/temp_dir.h"
#include "mail/message_id.h"
#include "mail/outbox_transport.h"
#include "store/sqlite/sqlite_store.h"

namespace mailmark {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr std::int64_t kDay = 86'400'000;

using testing_steps::Delay;
using testing_steps::Send;

// A transport that fails the way it is told, then hands over to the real outbox.
class ScriptedTransport : public Transport {
 public:
  explicit ScriptedTransport(Transport& inner) : inner_(inner) {}
  std::vector<SendResult> SendBatch(std::span<const OutgoingMessage> messages) override {
    std::vector<SendResult> out;
    if (during_send) std::exchange(during_send, nullptr)();
    for (const OutgoingMessage& m : messages) {
      attempts.push_back(m.message_id);
      envelopes.push_back(m.envelope_from);
      if (!script.empty()) {
        SendResult r = script.front();
        script.erase(script.begin());
        out.push_back(r);
      } else {
        out.push_back(inner_.SendBatch(std::span(&m, 1)).front());
      }
    }
    return out;
  }
  std::vector<SendResult> script;
  std::vector<std::string> attempts;
  std::vector<std::string> envelopes;
  std::function<void()> during_send;  // runs once, inside the next SendBatch

 private:
  Transport& inner_;
};

class ScriptedProvider : public TransportProvider {
 public:
  explicit ScriptedProvider(fs::path dir) : outbox(std::move(dir)), scripted(outbox) {}
  std::shared_ptr<Transport> For(const Mailbox&) override {
    return std::shared_ptr<Transport>(&scripted, [](Transport*) {});
  }
  OutboxTransport outbox;
  ScriptedTransport scripted;
};

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenSqliteStore(dir_ / "mailmark.db");
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(opened.value());
    provider_ = std::make_unique<ScriptedProvider>(dir_ / "outbox");
    SchedulerOptions options;
    options.runner.retry.delays = {std::chrono::minutes(1)};
    options.runner.retry.jitter = 0;
    options.runner.public_url = "https://mm.example";
    options.runner.unsubscribe_secret = "0123456789abcdef0123456789abcdef";
    options.batch_size = 7;  // small, so tests cross batch boundaries
    scheduler_ = std::make_unique<Scheduler>(*store_, clock_, *provider_, options);

    auto user = store_->CreateUser("ann", "", clock_.Now());
    ASSERT_TRUE(user);
    Mailbox m;
    m.id = NewId("mbx");
    m.owner_id = user->id;
    m.name = "Sales";
    m.from_name = "Jörg Müller";
    m.from_email = "jorg@sender.test";
    m.created_at = m.updated_at = clock_.Now();
    auto mailbox = store_->CreateMailbox(m);
    ASSERT_TRUE(mailbox);
    mailbox_ = *mailbox;
  }

  void TearDown() override {
    scheduler_.reset();
    store_.reset();
  }

  Sequence MakeSequence(std::vector<Step> steps) {
    Sequence s;
    s.id = NewId("seq");
    s.mailbox_id = mailbox_.id;
    s.owner_id = mailbox_.owner_id;
    s.name = "Outreach";
    s.steps = std::move(steps);
    s.created_at = s.updated_at = clock_.Now();
    auto created = store_->CreateSequence(s);
    EXPECT_TRUE(created);
    return *created;
  }

  // The product doc's example: send → 3 days → send → 5 days → send.
  Sequence Example() {
    return MakeSequence({Send("Hey {{firstName}}", "<p>Hi {{firstName|there}}</p>"),
                         Delay(3 * kDay), Send("", "<p>Following up</p>"), Delay(5 * kDay),
                         Send("", "<p>Last one</p>")});
  }

  Enrollment Enroll(const Sequence& seq, std::string email, MergeFields fields = {}) {
    auto r = store_->Enroll(seq.id, {NewEnrollment{std::move(email), std::move(fields), false}},
                            clock_.Now());
    EXPECT_TRUE(r);
    EXPECT_TRUE(r->front().enrollment) << r->front().error->code;
    return *r->front().enrollment;
  }

  std::vector<OutboxEntry> Outbox() { return ListOutbox(dir_ / "outbox", 100000, 0); }

  Enrollment Reload(const Enrollment& e) { return *store_->GetEnrollment(e.id); }

  mailmark::testing::TempDir tmp_{"mm-sched"};  // removed after TearDown
  fs::path dir_ = tmp_.path();
  ManualClock clock_{FromMillis(1'795'785'489'000)};
  std::unique_ptr<Store> store_;
  std::unique_ptr<ScriptedProvider> provider_;
  std::unique_ptr<Scheduler> scheduler_;
  Mailbox mailbox_;
};

TEST_F(SchedulerTest, RunsTheProductDocExampleWithItsDelays) {
  Sequence seq = Example();
  Enrollment alice = Enroll(seq, "alice@acme.test", {{"firstName", "Alice"}});
  Enrollment bob = Enroll(seq, "bob@acme.test");

  scheduler_->RunDue();
  ASSERT_THAT(Outbox(), SizeIs(2));
  auto messages = store_->ListMessages(alice.id);
  ASSERT_THAT(messages, SizeIs(1));
  EXPECT_EQ(messages[0].subject, "Hey Alice");
  EXPECT_EQ(messages[0].state, MessageState::kSent);
  EXPECT_EQ(Reload(alice).next_run_at, clock_.Now() + Duration{3 * kDay});

  clock_.Advance(Duration{3 * kDay - 1});
  scheduler_->RunDue();
  EXPECT_THAT(Outbox(), SizeIs(2)) << "nothing may go out before the delay is over";

  clock_.Advance(Duration{1});
  scheduler_->RunDue();
  ASSERT_THAT(Outbox(), SizeIs(4));
  messages = store_->ListMessages(alice.id);
  ASSERT_THAT(messages, SizeIs(2));
  EXPECT_EQ(messages[1].subject, "Re: Hey Alice");
  auto raw = ReadOutboxMessage(dir_ / "outbox", messages[1].message_id);
  ASSERT_TRUE(raw);
  EXPECT_THAT(*raw, HasSubstr("In-Reply-To: " + messages[0].message_id));

  clock_.Advance(Duration{5 * kDay});
  scheduler_->RunDue();
  EXPECT_THAT(Outbox(), SizeIs(6));
  EXPECT_EQ(Reload(alice).status, EnrollmentStatus::kCompleted);
  EXPECT_EQ(Reload(bob).status, EnrollmentStatus::kCompleted);
  EXPECT_FALSE(Reload(alice).next_run_at);
  raw = ReadOutboxMessage(dir_ / "outbox", store_->ListMessages(alice.id)[2].message_id);
  ASSERT_TRUE(raw);
  EXPECT_THAT(*raw, HasSubstr(messages[0].message_id));
  EXPECT_THAT(*raw, HasSubstr(messages[1].message_id));

  // Every Message-ID in the outbox is unique and every one is on the mailbox's domain.
  std::set<std::string> ids;
  for (const auto& entry : Outbox()) {
    EXPECT_THAT(entry.message_id, HasSubstr("@sender.test>"));
    ids.insert(entry.message_id);
  }
  EXPECT_THAT(ids, SizeIs(6));
}

TEST_F(SchedulerTest, ManyContactsCrossBatchesAndEachGetsEveryStepOnce) {
  Sequence seq = MakeSequence({Send("One", "<p>1</p>"), Delay(10), Send("", "<p>2</p>")});
  for (int i = 0; i < 40; ++i) Enroll(seq, "c" + std::to_string(i) + "@acme.test");
  scheduler_->RunDue();
  EXPECT_THAT(Outbox(), SizeIs(40));
  clock_.Advance(Duration{10});
  scheduler_->RunDue();
  EXPECT_THAT(Outbox(), SizeIs(80));
  EXPECT_EQ(store_->CountEnrollments(seq.id).completed, 40);
}

TEST_F(SchedulerTest, PauseHoldsDueStepsAndResumeSendsThemOnce) {
  Sequence seq = Example();
  Enrollment e = Enroll(seq, "alice@acme.test");
  scheduler_->RunDue();
  ASSERT_THAT(Outbox(), SizeIs(1));
  ASSERT_TRUE(store_->ApplyAction(seq.id, SequenceAction::kPause, clock_.Now()));
  clock_.Advance(Duration{10 * kDay});
  scheduler_->RunDue();
  EXPECT_THAT(Outbox(), SizeIs(1)) << "a paused sequence sends nothing";
  Enroll(seq, "late@acme.test");  // accepted while paused, waits too
  scheduler_->RunDue();
  EXPECT_THAT(Outbox(), SizeIs(1));

  ASSERT_TRUE(store_->ApplyAction(seq.id, SequenceAction::kResume, clock_.Now()));
  scheduler_->RunDue();
  // alice's second step (due during the pause) and late's first, nothing from the start again.
  EXPECT_THAT(Outbox(), SizeIs(3));
  auto messages = store_->ListMessages(e.id);
  ASSERT_THAT(messages, SizeIs(2));
  EXPECT_EQ(messages[1].step_id, seq.steps[2].id);
  scheduler_->RunDue();
  EXPECT_THAT(Outbox(), SizeIs(3)) << "resume never repeats a step";
}

TEST_F(SchedulerTest, CompleteCancelsEveryActiveEnrollmentAndNothingMoreIsSent) {
  Sequence seq = Example();
  Enrollment e = Enroll(seq, "alice@acme.test");
  scheduler_->RunDue();
  ASSERT_TRUE(store_->ApplyAction(seq.id, SequenceAction::kComplete, clock_.Now()));
  EXPECT_EQ(Reload(e).status, EnrollmentStatus::kCancelled);
  clock_.Advance(Duration{30 * kDay});
  scheduler_->RunDue();
  EXPECT_THAT(Outbox(), SizeIs(1));
}

TEST_F(SchedulerTest, EditingAStepChangesOnlyLaterSends) {
  Sequence seq = Example();
  Enrollment e = Enroll(seq, "alice@acme.test");
  scheduler_->RunDue();
  Sequence edited = seq;
  edited.steps[0].subject = "Edited first";
  edited.steps[2].subject = "Edited follow-up";
  ASSERT_TRUE(store_->UpdateSequence(edited, {}, clock_.Now()));
  clock_.Advance(Duration{3 * kDay});
  scheduler_->RunDue();
  auto messages = store_->ListMessages(e.id);
  ASSERT_THAT(messages, SizeIs(2));
  EXPECT_EQ(messages[0].subject, "Hey {{firstName}}") << "what was sent stays as sent";
  EXPECT_EQ(messages[1].subject, "Edited follow-up");
}

TEST_F(SchedulerTest, RemovingTheNextStepMovesMidWayContactsOn) {
  Sequence seq = Example();  // a d1 b d2 c
  Enrollment e = Enroll(seq, "alice@acme.test");
  scheduler_->RunDue();  // a sent, due for b in 3 days
  Sequence edited = seq;
  edited.steps = {seq.steps[0], seq.steps[3], seq.steps[4]};  // remove d1 and b
  ASSERT_TRUE(
      store_->UpdateSequence(edited, RemapRemovedSteps(seq.steps, edited.steps), clock_.Now()));
  // It keeps its due time and then runs the first email after the last one it got: c.
  clock_.Advance(Duration{3 * kDay});
  scheduler_->RunDue();
  auto messages = store_->ListMessages(e.id);
  ASSERT_THAT(messages, SizeIs(2));
  EXPECT_EQ(messages[1].step_id, seq.steps[4].id);
  EXPECT_EQ(Reload(e).status, EnrollmentStatus::kCompleted);
}

TEST_F(SchedulerTest, ReorderingStepsNeverSendsAStepTwiceNorSkipsTheNextOne) {
  Sequence seq = MakeSequence(
      {Send("A", "<p>a</p>"), Delay(10), Send("B", "<p>b</p>"), Delay(10), Send("C", "<p>c</p>")});
  Enrollment e = Enroll(seq, "alice@acme.test");
  scheduler_->RunDue();  // a
  clock_.Advance(Duration{10});
  scheduler_->RunDue();  // b; now due for c
  // c and b swap places: after b (the last step it ran) nothing follows, so it completes,
  // and b is never sent twice.
  Sequence swapped = seq;
  swapped.steps = {seq.steps[0], seq.steps[1], seq.steps[4], seq.steps[3], seq.steps[2]};
  ASSERT_TRUE(store_->UpdateSequence(swapped, {}, clock_.Now()));
  clock_.Advance(Duration{10});
  scheduler_->RunDue();
  EXPECT_THAT(store_->ListMessages(e.id), SizeIs(2));
  EXPECT_EQ(Reload(e).status, EnrollmentStatus::kCompleted);
}

TEST_F(SchedulerTest, AContactWaitingAfterAStepGetsWhateverNowFollowsIt) {
  Sequence seq = MakeSequence({Send("A", "<p>a</p>"), Delay(10), Send("", "<p>b</p>")});
  Enrollment e = Enroll(seq, "alice@acme.test");
  scheduler_->RunDue();  // a sent; waiting 10 ms for b
  Sequence moved = seq;
  moved.steps = {seq.steps[0], seq.steps[2], seq.steps[1]};  // a b d1
  ASSERT_TRUE(store_->UpdateSequence(moved, {}, clock_.Now()));
  clock_.Advance(Duration{10});
  scheduler_->RunDue();
  auto messages = store_->ListMessages(e.id);
  ASSERT_THAT(messages, SizeIs(2)) << "b now follows a: it is sent, not skipped";
  EXPECT_EQ(messages[1].step_id, seq.steps[2].id);
}

TEST_F(SchedulerTest, AnEditWhileABatchIsInFlightIsHonouredWhenItsOutcomeIsRecorded) {
  Sequence seq = Example();  // a d1 b d2 c
  Enrollment e = Enroll(seq, "alice@acme.test");
  Sequence edited = seq;
  edited.steps = {seq.steps[0], seq.steps[2], seq.steps[3], seq.steps[4]};  // d1 removed
  provider_->scripted.during_send = [&] {
    ASSERT_TRUE(
        store_->UpdateSequence(edited, RemapRemovedSteps(seq.steps, edited.steps), clock_.Now()));
  };
  // a is delivered while the user removes d1; with no delay after a any more, b is due at
  // once and goes out in the same pass, then the contact waits on d2.
  scheduler_->RunDue();
  auto messages = store_->ListMessages(e.id);
  ASSERT_THAT(messages, SizeIs(2));
  EXPECT_EQ(messages[1].step_id, seq.steps[2].id);
  Enrollment after = Reload(e);
  EXPECT_EQ(after.last_step_id, seq.steps[2].id);
  EXPECT_EQ(after.next_run_at, clock_.Now() + Duration{5 * kDay});
}

TEST_F(SchedulerTest, TemporaryFailureRetriesWithTheSameMessageId) {
  Sequence seq = Example();
  Enrollment e = Enroll(seq, "alice@acme.test");
  provider_->scripted.script = {{SendStatus::kTemporaryFailure, "451 try later"}};
  scheduler_->RunDue();
  EXPECT_THAT(Outbox(), SizeIs(0));
  EXPECT_EQ(Reload(e).status, EnrollmentStatus::kActive);
  clock_.Advance(std::chrono::minutes(1));
  scheduler_->RunDue();
  ASSERT_THAT(Outbox(), SizeIs(1));
  ASSERT_THAT(provider_->scripted.attempts, SizeIs(2));
  EXPECT_EQ(provider_->scripted.attempts[0], provider_->scripted.attempts[1]);
  auto messages = store_->ListMessages(e.id);
  ASSERT_THAT(messages, SizeIs(1));
  EXPECT_EQ(messages[0].state, MessageState::kSent);
}

TEST_F(SchedulerTest, TemporaryFailuresPastTheGiveUpTimeBounceAsRetriesExhausted) {
  SchedulerOptions options;
  options.runner.retry.delays = {std::chrono::minutes(1), std::chrono::minutes(5)};
  options.runner.retry.give_up_after = std::chrono::minutes(10);
  options.runner.retry.jitter = 0;
  Scheduler scheduler(*store_, clock_, *provider_, options);
  Sequence seq = Example();
  Enrollment e = Enroll(seq, "alice@acme.test");
  provider_->scripted.script.assign(10,
                                    SendResult{SendStatus::kTemporaryFailure, "451 4.3.0 busy"});
  scheduler.RunDue();  // t=0, attempt 1
  clock_.Advance(std::chrono::minutes(1));
  scheduler.RunDue();  // t=1m, attempt 2
  EXPECT_EQ(Reload(e).next_run_at, clock_.Now() + std::chrono::minutes(5));
  clock_.Advance(std::chrono::minutes(5));
  scheduler.RunDue();  // t=6m, attempt 3: the next wait is capped at the give-up time
  EXPECT_EQ(Reload(e).next_run_at, clock_.Now() + std::chrono::minutes(4));
  EXPECT_EQ(Reload(e).status, EnrollmentStatus::kActive);
  clock_.Advance(std::chrono::minutes(4));
  scheduler.RunDue();  // t=10m, attempt 4, the last
  Enrollment after = Reload(e);
  EXPECT_EQ(after.status, EnrollmentStatus::kBounced);
  EXPECT_EQ(after.status_reason, "retries_exhausted");
  EXPECT_THAT(provider_->scripted.attempts, SizeIs(4));
  EXPECT_EQ(std::set<std::string>(provider_->scripted.attempts.begin(),
                                  provider_->scripted.attempts.end())
                .size(),
            1u)
      << "every attempt carries the same Message-ID";
  auto history = store_->ListHistory(e.id);
  int retries = 0;
  for (const auto& h : history) retries += h.cause.rfind("retry ", 0) == 0;
  EXPECT_EQ(retries, 3) << "every attempt is in the history";
  EXPECT_EQ(history.back().status, "bounced");
  EXPECT_THAT(history[history.size() - 2].cause, HasSubstr("retries_exhausted"));
  EXPECT_THAT(history[history.size() - 2].cause, HasSubstr("(attempt 4): 451 4.3.0 busy"));
  EXPECT_EQ(store_->ListMessages(e.id).at(0).state, MessageState::kFailed);
  EXPECT_THAT(Outbox(), SizeIs(0));
}

TEST_F(SchedulerTest, EveryMessageCarriesAWorkingUnsubscribeLink) {
  Sequence seq = MakeSequence({Send("Hi", "<p>Bye: <a href=\"{{unsubscribeUrl}}\">here</a></p>")});
  Enrollment e = Enroll(seq, "alice@acme.test", {{"unsubscribeUrl", "https://evil.example"}});
  scheduler_->RunDue();
  auto raw = ReadOutboxMessage(dir_ / "outbox", store_->ListMessages(e.id).at(0).message_id);
  ASSERT_TRUE(raw);
  std::string token = MakeUnsubscribeToken("0123456789abcdef0123456789abcdef", e.id);
  EXPECT_THAT(*raw, HasSubstr("List-Unsubscribe: <https://mm.example/u/" + token + ">"));
  EXPECT_THAT(*raw, HasSubstr("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
  EXPECT_THAT(*raw, HasSubstr("mailto:jorg@sender.test?subject=unsubscribe"));
  EXPECT_THAT(*raw, ::testing::Not(HasSubstr("evil.example"))) << "a contact cannot override it";
  EXPECT_EQ(VerifyUnsubscribeToken("0123456789abcdef0123456789abcdef", token), e.id);
}

TEST_F(SchedulerTest, ABounceAddressTagsTheEnvelopeWithTheMessage) {
  Mailbox m = mailbox_;
  m.transport = TransportType::kSmtp;
  m.smtp = SmtpSettings{"smtp.sender.test",   587, TlsMode::kStartTls, true, "", "",
                        "bounces@sender.test"};
  ASSERT_TRUE(store_->UpdateMailbox(m));
  Sequence seq = Example();
  Enrollment e = Enroll(seq, "alice@acme.test");
  scheduler_->RunDue();
  ASSERT_THAT(provider_->scripted.envelopes, SizeIs(1));
  EXPECT_EQ(provider_->scripted.envelopes[0],
            "bounces+" + store_->ListMessages(e.id).at(0).id + "@sender.test");
}

TEST_F(SchedulerTest, APauseHoldsPendingRetriesToo) {
  Sequence seq = Example();
  Enrollment e = Enroll(seq, "alice@acme.test");
  provider_->scripted.script = {{SendStatus::kTemporaryFailure, "421 closing"}};
  scheduler_->RunDue();
  ASSERT_TRUE(store_->ApplyAction(seq.id, SequenceAction::kPause, clock_.Now()));
  clock_.Advance(std::chrono::hours(1));
  scheduler_->RunDue();
  EXPECT_THAT(provider_->scripted.attempts, SizeIs(1)) << "no retry while paused";
  ASSERT_TRUE(store_->ApplyAction(seq.id, SequenceAction::kResume, clock_.Now()));
  scheduler_->RunDue();
  ASSERT_THAT(provider_->scripted.attempts, SizeIs(2));
  EXPECT_EQ(provider_->scripted.attempts[0], provider_->scripted.attempts[1]);
  EXPECT_THAT(Outbox(), SizeIs(1));
}

TEST_F(SchedulerTest, AMessageLevelRejectionBouncesWithoutSuppressing) {
  Sequence seq = Example();
  Enrollment e = Enroll(seq, "alice@acme.test");
  provider_->scripted.script = {
      {SendStatus::kPermanentFailure, "554 5.7.1 content rejected", false}};
  scheduler_->RunDue();
  EXPECT_EQ(Reload(e).status, EnrollmentStatus::kBounced);
  EXPECT_EQ(store_->FindSuppression(mailbox_.owner_id, "alice@acme.test"), std::nullopt);
  Sequence other = Example();
  Enroll(other, "alice@acme.test");  // still welcome elsewhere
}

TEST_F(SchedulerTest, PermanentFailureBouncesAndSuppresses) {
  Sequence seq = Example();
  Enrollment e = Enroll(seq, "alice@acme.test");
  provider_->scripted.script = {{SendStatus::kPermanentFailure, "550 5.1.1 no such user", true}};
  scheduler_->RunDue();
  Enrollment after = Reload(e);
  EXPECT_EQ(after.status, EnrollmentStatus::kBounced);
  EXPECT_THAT(after.status_reason, HasSubstr("550 5.1.1"));
  EXPECT_EQ(store_->FindSuppression(mailbox_.owner_id, "alice@acme.test"),
            SuppressionReason::kBounced);
  clock_.Advance(Duration{10 * kDay});
  scheduler_->RunDue();
  EXPECT_THAT(Outbox(), SizeIs(0));
}

TEST_F(SchedulerTest, CancelledBeforeTheSendStartsIsNeverSent) {
  Sequence seq = Example();
  Enrollment e = Enroll(seq, "alice@acme.test");
  auto claims = store_->ClaimDue(clock_.Now(), "local", clock_.Now() + Duration{60000}, 10);
  ASSERT_THAT(claims, SizeIs(1));
  ASSERT_TRUE(
      store_->FinishEnrollment(e.id, EnrollmentStatus::kReplied, "reply", "", clock_.Now()));
  StepRunner runner(*store_, clock_, *provider_, RunnerOptions{});
  BatchReport report = runner.Run(claims, "local");
  EXPECT_EQ(report.skipped, 1u);
  EXPECT_THAT(Outbox(), SizeIs(0));
  EXPECT_EQ(Reload(e).status, EnrollmentStatus::kReplied);
}

TEST_F(SchedulerTest, CrashAfterRecordingSendingResendsOnceWithTheSameMessageId) {
  Sequence seq = Example();
  Enrollment e = Enroll(seq, "alice@acme.test");
  // A node claims, records `sending`, hands the message to the outbox, then dies before it
  // can record the outcome.
  auto claims = store_->ClaimDue(clock_.Now(), "dead-node", clock_.Now() + Duration{60000}, 10);
  ASSERT_THAT(claims, SizeIs(1));
  std::string mid = NewMessageId("sender.test");
  auto rows = store_->BeginSends("dead-node", {SendStart{e.id, seq.steps[0].id, mid, "Hey", {}}},
                                 clock_.Now());
  ASSERT_TRUE(rows[0]);
  OutgoingMessage m{mid, "jorg@sender.test", "alice@acme.test",
                    "Message-ID: " + mid + "\r\nSubject: Hey\r\n\r\nbody\r\n"};
  ASSERT_EQ(provider_->outbox.SendBatch(std::span(&m, 1))[0].status, SendStatus::kSent);

  scheduler_->RunDue();
  EXPECT_THAT(provider_->scripted.attempts, SizeIs(0))
      << "the lease is still held by the dead node";
  clock_.Advance(Duration{60001});
  scheduler_->RunDue();
  auto entries = Outbox();
  ASSERT_THAT(entries, SizeIs(1)) << "the outbox never gets a Message-ID twice";
  EXPECT_EQ(entries[0].message_id, mid);
  auto messages = store_->ListMessages(e.id);
  ASSERT_THAT(messages, SizeIs(1));
  EXPECT_EQ(messages[0].message_id, mid);
  EXPECT_EQ(messages[0].state, MessageState::kSent);
  EXPECT_EQ(Reload(e).last_step_id, seq.steps[0].id);
  EXPECT_EQ(Reload(e).next_run_at, clock_.Now() + Duration{3 * kDay}) << "waiting on the delay";
  EXPECT_TRUE(provider_->scripted.attempts.size() == 1u)
      << "the resend after the lease expired went to the transport once, not before";
}

TEST_F(SchedulerTest, WorkersWakeAtTheDueTimeAndOnWake) {
  Sequence seq = MakeSequence({Send("One", "<p>1</p>"), Delay(1000), Send("", "<p>2</p>")});
  scheduler_->Start();
  Enroll(seq, "alice@acme.test");
  scheduler_->Wake();
  // Generous bounds: the assertion is about behaviour, not speed.
  auto wait_for = [&](size_t n) {
    for (int i = 0; i < 10000 && Outbox().size() < n; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return Outbox().size();
  };
  EXPECT_EQ(wait_for(1), 1u);
  // The file lands before the outcome is recorded; the delay counts from that record, so
  // the clock may only move once it is written.
  Enrollment e = store_->ListEnrollments(seq.id, std::nullopt, 10, "")->enrollments.at(0);
  for (int i = 0; i < 10000 && !Reload(e).last_step_id; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_EQ(Reload(e).last_step_id, seq.steps[0].id);
  clock_.Advance(Duration{1000});
  EXPECT_EQ(wait_for(2), 2u);
  scheduler_->Stop();
}

// Issue 11.7: pause, remove the first step, resume, all while a slow batch sending the second
// step is in flight (and withdraws it, as the SMTP transport does for a paused sequence). The
// contact continues with the steps that are left; it is not completed without them.
TEST_F(SchedulerTest, AnEditDuringASlowBatchNeitherSkipsNorCompletesTheContact) {
  Sequence seq = MakeSequence(
      {Send("A", "<p>a</p>"), Delay(10), Send("B", "<p>b</p>"), Delay(10), Send("C", "<p>c</p>")});
  Enrollment e = Enroll(seq, "alice@acme.test");
  scheduler_->RunDue();  // A goes out
  ASSERT_THAT(Outbox(), SizeIs(1));
  clock_.Advance(Duration{10});
  provider_->scripted.script = {{SendStatus::kWithdrawn, "withdrawn: sequence paused"}};
  provider_->scripted.during_send = [&] {
    ASSERT_TRUE(store_->ApplyAction(seq.id, SequenceAction::kPause, clock_.Now()));
    Sequence edited = *store_->GetSequence(seq.id);
    std::vector<Step> before = edited.steps;
    edited.steps.erase(edited.steps.begin(), edited.steps.begin() + 2);  // A and its delay go
    ASSERT_TRUE(
        store_->UpdateSequence(edited, RemapRemovedSteps(before, edited.steps), clock_.Now()));
    ASSERT_TRUE(store_->ApplyAction(seq.id, SequenceAction::kResume, clock_.Now()));
  };
  // B is withdrawn while the edit happens; by the remap B is the contact's next step, so the
  // same run of due work sends it at once.
  scheduler_->RunDue();
  EXPECT_EQ(Reload(e).status, EnrollmentStatus::kActive);
  EXPECT_EQ(Reload(e).last_step_id, seq.steps[2].id);
  for (int i = 0; i < 4; ++i) {
    scheduler_->RunDue();
    clock_.Advance(Duration{10});
  }
  EXPECT_EQ(Reload(e).status, EnrollmentStatus::kCompleted);
  std::vector<std::string> sent;
  for (const Message& m : store_->ListMessages(e.id))
    if (m.state == MessageState::kSent) sent.push_back(m.step_id);
  EXPECT_THAT(sent, ::testing::ElementsAre(seq.steps[0].id, seq.steps[2].id, seq.steps[4].id));
}

// ---- sending like a person, on the manual clock ---------------------------------------------

// A UTC instant by its calendar fields.
Timestamp Utc(int y, unsigned m, unsigned d, int hh, int mm = 0) {
  return Timestamp{date::sys_days{date::year{y} / m / d}} + std::chrono::hours(hh) +
         std::chrono::minutes(mm);
}

class SchedulerLimitsTest : public SchedulerTest {
 protected:
  Sequence Windowed(std::vector<Step> steps, const std::string& zone) {
    Sequence seq = MakeSequence(std::move(steps));
    SendSchedule s;
    s.timezone = zone;
    s.days = 0x7F;
    s.from_minute = 9 * 60;
    s.to_minute = 17 * 60;
    seq.schedule = s;
    auto updated = store_->UpdateSequence(seq, {}, clock_.Now());
    EXPECT_TRUE(updated) << updated.error().code;
    return *updated;
  }
  // Runs everything due, then jumps the clock to the next wake-up, `times` times.
  void RunWakes(int times) {
    for (int i = 0; i < times; ++i) {
      scheduler_->RunDue();
      auto next = store_->NextWakeAt();
      if (!next) return;
      clock_.Set(std::max(*next, clock_.Now()));
    }
    scheduler_->RunDue();
  }
  std::vector<Timestamp> SentTimes(const Enrollment& e) {
    std::vector<Timestamp> out;
    for (const Message& m : store_->ListMessages(e.id))
      if (m.sent_at) out.push_back(*m.sent_at);
    return out;
  }
  void SetMailbox(const std::function<void(Mailbox&)>& change) {
    Mailbox m = *store_->GetMailbox(mailbox_.id);
    change(m);
    ASSERT_TRUE(store_->UpdateMailbox(m));
  }
};

TEST_F(SchedulerLimitsTest, ANineOClockWindowIsNineLocalOnBothSidesOfSpringForward) {
  // New York moves to EDT on Sunday 2026-03-08. Delays of 12 h land each step at night.
  clock_.Set(Utc(2026, 3, 7, 3));  // Friday 22:00 EST
  Sequence seq = Windowed({Send("One", "<p>1</p>"), Delay(12 * 3'600'000), Send("", "<p>2</p>"),
                           Delay(12 * 3'600'000), Send("", "<p>3</p>")},
                          "America/New_York");
  Enrollment e = Enroll(seq, "alice@acme.test");
  EXPECT_EQ(Reload(e).next_run_at, Utc(2026, 3, 7, 14));  // Saturday 09:00 EST
  RunWakes(6);
  EXPECT_THAT(SentTimes(e), ::testing::ElementsAre(Utc(2026, 3, 7, 14),    // Sat 09:00 EST
                                                   Utc(2026, 3, 8, 13),    // Sun 09:00 EDT
                                                   Utc(2026, 3, 9, 13)));  // Mon 09:00 EDT
}

TEST_F(SchedulerLimitsTest, ANineOClockWindowIsNineLocalOnBothSidesOfFallBack) {
  // Berlin goes back to CET on Sunday 2026-10-25.
  clock_.Set(Utc(2026, 10, 24, 5));  // Saturday 07:00 CEST
  Sequence seq =
      Windowed({Send("One", "<p>1</p>"), Delay(kDay), Send("", "<p>2</p>")}, "Europe/Berlin");
  Enrollment e = Enroll(seq, "alice@acme.test");
  RunWakes(4);
  // A day after 07:00 UTC is 07:00 UTC = 08:00 CET, before the window: 09:00 CET = 08:00 UTC.
  EXPECT_THAT(SentTimes(e), ::testing::ElementsAre(Utc(2026, 10, 24, 7), Utc(2026, 10, 25, 8)));
}

TEST_F(SchedulerLimitsTest, ACapReachedMidBatchHoldsTheRestForTheMailboxsMidnight) {
  clock_.Set(Utc(2026, 6, 1, 20));  // 22:00 in Berlin (CEST)
  SetMailbox([](Mailbox& m) {
    m.daily_limit = 10;
    m.timezone = "Europe/Berlin";
  });
  Sequence seq = MakeSequence({Send("One", "<p>1</p>")});
  for (int i = 0; i < 25; ++i) Enroll(seq, "c" + std::to_string(i) + "@acme.test");
  scheduler_->RunDue();  // batches of 7: the second batch reaches the cap
  EXPECT_THAT(Outbox(), SizeIs(10));
  EXPECT_EQ(store_->NextWakeAt(), Utc(2026, 6, 1, 22));  // Berlin's midnight
  clock_.Set(Utc(2026, 6, 1, 22) - Duration{1});
  scheduler_->RunDue();
  EXPECT_THAT(Outbox(), SizeIs(10));
  clock_.Set(Utc(2026, 6, 1, 22));
  scheduler_->RunDue();
  EXPECT_THAT(Outbox(), SizeIs(20));
  // The held ones went oldest first: c10…c19 today, c20…c24 tomorrow.
  for (int i = 10; i < 20; ++i) {
    auto page = store_->SearchEnrollments(
        seq.id, EnrollmentFilter{std::nullopt, "c" + std::to_string(i) + "@"}, 5, "");
    ASSERT_TRUE(page);
    ASSERT_THAT(page->enrollments, SizeIs(1));
    EXPECT_EQ(page->enrollments[0].status, EnrollmentStatus::kCompleted) << i;
  }
  clock_.Set(Utc(2026, 6, 2, 22));
  scheduler_->RunDue();
  EXPECT_THAT(Outbox(), SizeIs(25));
}

TEST_F(SchedulerLimitsTest, ASendGapSendsOneEmailAtATimeSpacedByTheGap) {
  SetMailbox([](Mailbox& m) { m.send_gap = SendGap{30'000, 30'000}; });
  Sequence seq = MakeSequence({Send("One", "<p>1</p>")});
  for (int i = 0; i < 3; ++i) Enroll(seq, "c" + std::to_string(i) + "@acme.test");
  const Timestamp start = clock_.Now();
  scheduler_->RunDue();
  EXPECT_THAT(Outbox(), SizeIs(1));
  EXPECT_EQ(store_->NextWakeAt(), start + Duration{30'000});
  RunWakes(4);
  EXPECT_THAT(Outbox(), SizeIs(3));
  EXPECT_EQ(clock_.Now(), start + Duration{60'000});
}

TEST_F(SchedulerLimitsTest, BounceProtectionTripsJustPastTheThreshold) {
  SetMailbox([](Mailbox& m) { m.bounce_protection = BounceProtection{50, 4}; });
  Sequence seq = MakeSequence({Send("One", "<p>1</p>")});
  const SendResult bounce{SendStatus::kPermanentFailure, "550 5.1.1 no such user", true};
  const SendResult ok{SendStatus::kSent, "250 ok"};
  auto send_one = [&](const SendResult& r, const std::string& who) {
    provider_->scripted.script = {r};
    Enroll(seq, who + "@acme.test");
    scheduler_->RunDue();
  };
  send_one(bounce, "a");
  send_one(ok, "b");
  send_one(bounce, "c");
  send_one(ok, "d");
  // 2 of the last 4 is 50 %: not more than 50 %.
  EXPECT_EQ(store_->GetMailbox(mailbox_.id)->status, MailboxStatus::kActive);
  send_one(bounce, "e");  // last 4: ok, bounce, ok, bounce
  EXPECT_EQ(store_->GetMailbox(mailbox_.id)->status, MailboxStatus::kActive);
  send_one(bounce, "f");  // last 4: bounce, ok, bounce, bounce
  Mailbox m = *store_->GetMailbox(mailbox_.id);
  EXPECT_EQ(m.status, MailboxStatus::kPaused);
  EXPECT_EQ(m.paused_reason, PauseReason::kBounceRate);
  EXPECT_EQ(m.paused_bounced, 3);
  // Nothing more goes out until it is resumed; then the held contact goes, once.
  Enrollment held = Enroll(seq, "g@acme.test");
  scheduler_->RunDue();
  EXPECT_TRUE(store_->ListMessages(held.id).empty());
  ASSERT_TRUE(store_->ResumeMailbox(mailbox_.id, clock_.Now()));
  scheduler_->RunDue();
  EXPECT_THAT(store_->ListMessages(held.id), SizeIs(1));
}

}  // namespace
}  // namespace mailmark
