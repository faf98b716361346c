// Issue 11.1, "no poison row": a claim whose step cannot be rendered fails alone. Its
// enrollment stops with the reason in its status and history, the rest of the batch is sent,
// and nothing is claimed again in a loop. Real neighbours: a SQLite store in a temp folder and
// the outbox, with a ManualClock.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/test_steps.h"

#include "core/ids.h"
#include "core/input_limits.h"
#include "engine/scheduler.h"
#include "harness/temp_dir.h"
#include "mail/outbox_reader.h"
#include "mail/outbox_transport.h"
#include "store/sqlite/sqlite_store.h"

namespace mailmark {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::StartsWith;

constexpr std::int64_t kDay = 86'400'000;

using testing_steps::Delay;
using testing_steps::Send;

// The outbox, which answers "try again later" to the next `fail_next` messages.
class FlakyOutbox : public Transport, public TransportProvider {
 public:
  explicit FlakyOutbox(fs::path dir) : outbox_(std::move(dir)) {}
  std::vector<SendResult> SendBatch(std::span<const OutgoingMessage> messages) override {
    std::vector<SendResult> out;
    for (const OutgoingMessage& m : messages) {
      ++attempts;
      if (fail_next > 0) {
        --fail_next;
        out.push_back(SendResult{SendStatus::kTemporaryFailure, "451 try later"});
      } else {
        out.push_back(outbox_.SendBatch(std::span(&m, 1)).front());
      }
    }
    return out;
  }
  std::shared_ptr<Transport> For(const Mailbox&) override {
    return std::shared_ptr<Transport>(this, [](Transport*) {});
  }
  int fail_next = 0;
  int attempts = 0;

 private:
  OutboxTransport outbox_;
};

// A body inside every input limit that, with a merge value inside them too, would render to
// 50,000 x 8 KiB x 6 (escaped quotes): 2.4 GB of html without the renderer's bound.
std::string PoisonBody() {
  std::string body;
  while (body.size() + 5 <= kMaxStepHtmlBytes) body += "{{x}}";
  return body;
}

class PoisonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenSqliteStore(tmp_.path() / "mailmark.db");
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(opened.value());
    transport_ = std::make_unique<FlakyOutbox>(tmp_.path() / "outbox");
    SchedulerOptions options;
    options.runner.retry.delays = {std::chrono::minutes(1)};
    options.runner.retry.jitter = 0;
    options.runner.unsubscribe_secret = "0123456789abcdef0123456789abcdef";
    options.batch_size = 10;
    scheduler_ = std::make_unique<Scheduler>(*store_, clock_, *transport_, options);

    auto user = store_->CreateUser("ann", "", clock_.Now());
    ASSERT_TRUE(user);
    Mailbox m;
    m.id = NewId("mbx");
    m.owner_id = user->id;
    m.name = "Sales";
    m.from_name = "Ann";
    m.from_email = "ann@sender.test";
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
    EXPECT_TRUE(created) << (created ? "" : created.error().message);
    return created ? *created : s;
  }

  Enrollment Enroll(const Sequence& seq, std::string email, MergeFields fields) {
    auto r = store_->Enroll(seq.id, {NewEnrollment{std::move(email), std::move(fields), false}},
                            clock_.Now());
    EXPECT_TRUE(r);
    EXPECT_TRUE(r->front().enrollment);
    return *r->front().enrollment;
  }

  Enrollment Reload(const Enrollment& e) { return *store_->GetEnrollment(e.id); }
  std::size_t OutboxSize() { return ListOutbox(tmp_.path() / "outbox", 1000, 0).size(); }

  bool HistoryMentions(const Enrollment& e, std::string_view text) {
    for (const HistoryEntry& h : store_->ListHistory(e.id))
      if (h.cause.find(text) != std::string::npos) return true;
    return false;
  }

  mailmark::testing::TempDir tmp_{"mm-poison"};
  ManualClock clock_{FromMillis(1'795'785'489'000)};
  std::unique_ptr<Store> store_;
  std::unique_ptr<FlakyOutbox> transport_;
  std::unique_ptr<Scheduler> scheduler_;
  Mailbox mailbox_;
};

TEST_F(PoisonTest, OnePoisonClaimFailsAloneAndTheRestOfTheBatchIsSent) {
  Sequence seq =
      MakeSequence({Send("Hi {{name}}", PoisonBody()), Delay(3 * kDay), Send("", "<p>More</p>")});
  std::vector<Enrollment> good;
  for (int i = 0; i < 3; ++i)
    good.push_back(Enroll(seq, "g" + std::to_string(i) + "@acme.test", {{"x", "a"}}));
  Enrollment poison =
      Enroll(seq, "poison@acme.test", {{"x", std::string(kMaxMergeValueBytes, '"')}});
  for (int i = 3; i < 6; ++i)
    good.push_back(Enroll(seq, "g" + std::to_string(i) + "@acme.test", {{"x", "a"}}));

  EXPECT_EQ(scheduler_->RunDue(), 1u) << "all seven in one batch";
  EXPECT_EQ(OutboxSize(), 6u);
  EXPECT_EQ(scheduler_->stats().sent, 6u);
  for (const Enrollment& e : good) {
    Enrollment now = Reload(e);
    EXPECT_EQ(now.status, EnrollmentStatus::kActive) << e.contact_email;
    EXPECT_EQ(now.next_run_at, clock_.Now() + Duration{3 * kDay});
    EXPECT_THAT(store_->ListMessages(e.id), SizeIs(1));
  }

  Enrollment stopped = Reload(poison);
  EXPECT_EQ(stopped.status, EnrollmentStatus::kCancelled);
  EXPECT_THAT(stopped.status_reason, StartsWith("render_failed: html: "));
  EXPECT_THAT(stopped.status_reason, HasSubstr(std::to_string(kMaxRenderedBytes)));
  EXPECT_TRUE(HistoryMentions(poison, "render_failed " + seq.steps[0].id));
  EXPECT_THAT(store_->ListMessages(poison.id), SizeIs(0)) << "nothing was begun for it";

  // Never claimed again: not once its lease would have expired, not days later.
  clock_.Advance(std::chrono::minutes(10));
  EXPECT_EQ(scheduler_->RunDue(), 0u);
  clock_.Advance(Duration{3 * kDay});
  EXPECT_EQ(scheduler_->RunDue(), 1u);
  EXPECT_EQ(OutboxSize(), 12u) << "the good contacts go on to their next step";
  EXPECT_EQ(scheduler_->RunDue(), 0u);
  EXPECT_EQ(transport_->attempts, 12);
  EXPECT_EQ(Reload(poison).status, EnrollmentStatus::kCancelled);
  // Cancelled, not bounced: with its data fixed the contact may be enrolled again, no force.
  Enroll(seq, "poison@acme.test", {{"x", "a"}});
}

TEST_F(PoisonTest, APendingRetryThatNoLongerRendersFailsItsMessageAndStops) {
  Sequence seq = MakeSequence({Send("Hi", "<p>{{x}}</p>")});
  Enrollment e = Enroll(seq, "p@acme.test", {{"x", std::string(kMaxMergeValueBytes, '"')}});
  Enrollment other = Enroll(seq, "o@acme.test", {{"x", "fine"}});
  transport_->fail_next = 2;
  scheduler_->RunDue();
  ASSERT_THAT(store_->ListMessages(e.id), SizeIs(1));
  ASSERT_EQ(store_->ListMessages(e.id)[0].state, MessageState::kSending) << "a retry is pending";

  // The step is edited in place while the retry waits: now it cannot render for this contact.
  Sequence edited = *store_->GetSequence(seq.id);
  edited.steps[0].html = PoisonBody();
  ASSERT_TRUE(store_->UpdateSequence(edited, {}, clock_.Now()));
  clock_.Advance(std::chrono::minutes(1));
  scheduler_->RunDue();

  Enrollment stopped = Reload(e);
  EXPECT_EQ(stopped.status, EnrollmentStatus::kCancelled);
  EXPECT_THAT(stopped.status_reason, StartsWith("render_failed: "));
  std::vector<Message> messages = store_->ListMessages(e.id);
  ASSERT_THAT(messages, SizeIs(1));
  EXPECT_EQ(messages[0].state, MessageState::kFailed);
  EXPECT_THAT(messages[0].response, StartsWith("withdrawn: render_failed: "));
  EXPECT_EQ(store_->ListMessages(other.id)[0].state, MessageState::kSent);
  EXPECT_EQ(Reload(other).status, EnrollmentStatus::kCompleted);

  // Never sent and no bounce: nothing for the step's figures or the mailbox's bounce protection.
  Result<std::vector<StepStats>> stats = store_->CountStepStats(seq.id);
  ASSERT_TRUE(stats);
  ASSERT_THAT(*stats, SizeIs(1));
  EXPECT_EQ((*stats)[0].bounced, 0);
  EXPECT_EQ((*stats)[0].sent, 1);

  clock_.Advance(std::chrono::minutes(10));
  EXPECT_EQ(scheduler_->RunDue(), 0u);
}

}  // namespace
}  // namespace mailmark
