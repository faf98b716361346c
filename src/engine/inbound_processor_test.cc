// InboundProcessor over the corpus (tests/corpus) on a real SQLite store: replies, bounces,
// automatic replies and the rest, and a reply racing a claimed send.
#include "engine/inbound_processor.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/ids.h"
#include "engine/step_runner.h"
#include "harness/temp_dir.h"
#include "mail/outbox_transport.h"
#include "store/sqlite/sqlite_store.h"

namespace mailmark {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr const char* kThreadId = "<3f9a0c1e5b7d4e2a9c8b6a5f4e3d2c1b@sender.test>";
constexpr const char* kSubject = "Quick question about your Q3 roadmap";

std::string Corpus(const std::string& name) {
  std::ifstream in(fs::path(MAILMARK_CORPUS_DIR) / name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t p = text.find(from); p != std::string::npos; p = text.find(from, p + to.size()))
    text.replace(p, from.size(), to);
  return text;
}

class OutboxProvider : public TransportProvider {
 public:
  explicit OutboxProvider(fs::path dir) : outbox(std::move(dir)) {}
  std::shared_ptr<Transport> For(const Mailbox&) override {
    return std::shared_ptr<Transport>(&outbox, [](Transport*) {});
  }
  OutboxTransport outbox;
};

class InboundProcessorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenSqliteStore(dir_ / "mailmark.db");
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(opened.value());
    mailbox_ = NewMailbox("ann");
    Step first{NewId("stp"), StepType::kSendEmail, kSubject, "<p>Hi</p>", std::nullopt, 0};
    Step wait{NewId("stp"), StepType::kDelay, "", "", std::nullopt, 86'400'000};
    Step second{NewId("stp"), StepType::kSendEmail, "", "<p>Bump</p>", std::nullopt, 0};
    sequence_ = NewSequence(mailbox_, {first, wait, second});
  }
  void TearDown() override { store_.reset(); }

  Mailbox NewMailbox(const std::string& user_name) {
    auto user = store_->CreateUser(user_name, "", clock_.Now());
    EXPECT_TRUE(user);
    Mailbox m;
    m.owner_id = user->id;
    m.name = "Sales";
    m.from_name = "Sales Team";
    m.from_email = "sales@sender.test";
    m.created_at = m.updated_at = clock_.Now();
    auto created = store_->CreateMailbox(m);
    EXPECT_TRUE(created);
    return *created;
  }

  Sequence NewSequence(const Mailbox& mailbox, std::vector<Step> steps) {
    Sequence s;
    s.mailbox_id = mailbox.id;
    s.owner_id = mailbox.owner_id;
    s.name = "Outreach";
    s.steps = std::move(steps);
    s.created_at = s.updated_at = clock_.Now();
    auto created = store_->CreateSequence(s);
    EXPECT_TRUE(created);
    return *created;
  }

  // Enrolls the contact and records the sequence's first email as sent with this Message-ID.
  Enrollment SentTo(const std::string& email, const std::string& message_id,
                    const Sequence* seq = nullptr, const std::string& subject = kSubject) {
    if (!seq) seq = &sequence_;
    auto r = store_->Enroll(seq->id, {NewEnrollment{email, {}, false}}, clock_.Now());
    EXPECT_TRUE(r && r->front().enrollment);
    Enrollment e = *r->front().enrollment;
    auto claims = store_->ClaimDue(clock_.Now(), "t", clock_.Now() + Duration{60000}, 100);
    EXPECT_THAT(claims, SizeIs(1));
    auto rows = store_->BeginSends(
        "t", {SendStart{e.id, seq->steps[0].id, message_id, subject, {}}}, clock_.Now());
    EXPECT_TRUE(rows.at(0));
    StepOutcome out;
    out.enrollment_id = e.id;
    out.ran_step_id = seq->steps[0].id;
    out.message = rows.at(0)->id;
    out.response = "250 ok";
    store_->RecordOutcomes("t", {out}, clock_.Now());
    clock_.Advance(Duration{1000});
    return *store_->GetEnrollment(e.id);
  }

  Status Process(const std::string& raw) {
    InboundProcessor processor(*store_, clock_);
    return processor.Process(mailbox_, raw);
  }

  Enrollment Reload(const Enrollment& e) { return *store_->GetEnrollment(e.id); }
  std::string LastCause(const Enrollment& e) { return store_->ListHistory(e.id).back().cause; }

  mailmark::testing::TempDir tmp_{"mm-inbound"};  // removed after TearDown
  fs::path dir_ = tmp_.path();
  ManualClock clock_{FromMillis(1'795'785'489'000)};
  std::unique_ptr<Store> store_;
  Mailbox mailbox_;
  Sequence sequence_;
};

TEST_F(InboundProcessorTest, AReplyFromTheContactMarksTheEnrollmentReplied) {
  Enrollment e = SentTo("alice@acme.example", kThreadId);
  ASSERT_TRUE(Process(Corpus("reply-in-reply-to.eml")));
  Enrollment after = Reload(e);
  EXPECT_EQ(after.status, EnrollmentStatus::kReplied);
  EXPECT_FALSE(after.next_run_at);
  EXPECT_EQ(LastCause(e), "reply_received");
  // The same reply again (a re-delivered message) changes nothing and is not an error.
  std::size_t lines = store_->ListHistory(e.id).size();
  ASSERT_TRUE(Process(Corpus("reply-in-reply-to.eml")));
  EXPECT_EQ(store_->ListHistory(e.id).size(), lines);
  EXPECT_EQ(Reload(e).status, EnrollmentStatus::kReplied);
}

TEST_F(InboundProcessorTest, AReplyMatchedThroughReferencesOnly) {
  Enrollment e = SentTo("bob@globex.example", "<5555eeee6666ffff7777aaaa8888bbbb@sender.test>");
  ASSERT_TRUE(Process(Corpus("reply-references-only.eml")));
  EXPECT_EQ(Reload(e).status, EnrollmentStatus::kReplied);
}

TEST_F(InboundProcessorTest, AReplyWithoutThreadingMatchesBySenderAndSubject) {
  Enrollment e = SentTo("carol@initech.example", "<other-id@sender.test>");
  ASSERT_TRUE(Process(Corpus("reply-no-threading.eml")));
  EXPECT_EQ(Reload(e).status, EnrollmentStatus::kReplied);
}

TEST_F(InboundProcessorTest, ASubjectFallbackNeedsTheSameSubject) {
  Enrollment e =
      SentTo("carol@initech.example", "<other-id@sender.test>", nullptr, "Something else entirely");
  ASSERT_TRUE(Process(Corpus("reply-no-threading.eml")));
  EXPECT_EQ(Reload(e).status, EnrollmentStatus::kActive);
}

TEST_F(InboundProcessorTest, AColleagueAnsweringIsRecordedNotActedOn) {
  Enrollment e = SentTo("alice@acme.example", kThreadId);
  ASSERT_TRUE(Process(Corpus("reply-from-colleague.eml")));
  Enrollment after = Reload(e);
  EXPECT_EQ(after.status, EnrollmentStatus::kActive);
  EXPECT_EQ(after.next_run_at, e.next_run_at);
  EXPECT_EQ(LastCause(e), "reply_from_other erin@acme.example");
}

TEST_F(InboundProcessorTest, APermanentDsnBouncesAndSuppresses) {
  Enrollment e = SentTo("nobody@example.test", kThreadId);
  ASSERT_TRUE(Process(Corpus("postfix-5.1.1.eml")));
  Enrollment after = Reload(e);
  EXPECT_EQ(after.status, EnrollmentStatus::kBounced);
  EXPECT_THAT(after.status_reason, HasSubstr("5.1.1"));
  EXPECT_EQ(LastCause(e), "bounce_dsn");
  EXPECT_EQ(store_->FindSuppression(mailbox_.owner_id, "nobody@example.test"),
            SuppressionReason::kBounced);
}

TEST_F(InboundProcessorTest, AMailtoUnsubscribeStopsEveryEnrollmentOfTheSenderAndSuppressesIt) {
  Enrollment e = SentTo("alice@acme.example", kThreadId);
  Enrollment bystander = SentTo("bob@globex.example", "<bob-1@sender.test>");
  Sequence other = NewSequence(mailbox_, sequence_.steps);
  auto second =
      store_->Enroll(other.id, {NewEnrollment{"alice@acme.example", {}, false}}, clock_.Now());
  ASSERT_TRUE(second && second->front().enrollment);
  // What a mail client sends for the List-Unsubscribe
  // "mailto:sales@sender.test?subject=unsubscribe".
  ASSERT_TRUE(
      Process("From: Alice <Alice@Acme.example>\r\nTo: sales@sender.test\r\n"
              "Subject: unsubscribe\r\nMessage-ID: <u1@acme.example>\r\n\r\n"));
  for (const Enrollment& stopped : {e, *second->front().enrollment}) {
    Enrollment after = Reload(stopped);
    EXPECT_EQ(after.status, EnrollmentStatus::kCancelled);
    EXPECT_EQ(after.status_reason, "unsubscribed");
    EXPECT_FALSE(after.next_run_at);
  }
  EXPECT_EQ(store_->FindSuppression(mailbox_.owner_id, "alice@acme.example"),
            SuppressionReason::kUnsubscribed);
  EXPECT_EQ(Reload(bystander).status, EnrollmentStatus::kActive);
  auto again =
      store_->Enroll(sequence_.id, {NewEnrollment{"alice@acme.example", {}, false}}, clock_.Now());
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->front().enrollment) << "a suppressed address is not enrolled again";
  // The same request again changes nothing and is not an error.
  ASSERT_TRUE(Process("From: alice@acme.example\r\nSubject: Unsubscribe\r\n\r\n"));
  EXPECT_EQ(Reload(e).status, EnrollmentStatus::kCancelled);
}

TEST_F(InboundProcessorTest, AnUnsubscribeFromSomeoneNeverWrittenToChangesNothing) {
  Enrollment e = SentTo("alice@acme.example", kThreadId);
  ASSERT_TRUE(Process("From: mallory@evil.example\r\nSubject: unsubscribe\r\n\r\n"));
  EXPECT_EQ(Reload(e).status, EnrollmentStatus::kActive);
  EXPECT_FALSE(store_->FindSuppression(mailbox_.owner_id, "mallory@evil.example"));
}

TEST_F(InboundProcessorTest, ADsnWithoutAKnownMessageIdMatchesByItsVerpTag) {
  Enrollment e = SentTo("nobody@example.test", "<something-else@sender.test>");
  std::string row = store_->ListMessages(e.id).at(0).id;
  std::string raw = Replace(Corpus("postfix-5.1.1.eml"), kThreadId, "<unknown@sender.test>");
  raw = Replace(raw, "msg_5f0c2a9d3e", row);
  ASSERT_TRUE(Process(raw));
  EXPECT_EQ(Reload(e).status, EnrollmentStatus::kBounced);
}

TEST_F(InboundProcessorTest, ADsnWithNothingButTheRecipientMatchesTheLatestSendToIt) {
  Enrollment e = SentTo("nobody@example.test", "<something-else@sender.test>");
  std::string raw = Replace(Corpus("postfix-5.1.1.eml"), kThreadId, "<unknown@sender.test>");
  raw = Replace(raw, "msg_5f0c2a9d3e", "msg_unknown");
  ASSERT_TRUE(Process(raw));
  EXPECT_EQ(Reload(e).status, EnrollmentStatus::kBounced);
}

TEST_F(InboundProcessorTest, ADelayedDeliveryIsOnlyRecorded) {
  Enrollment e = SentTo("carol@slow-mx.example", "<7d1e9a44c0b2f5e8a6c3d1b0e9f8a7c6@sender.test>");
  ASSERT_TRUE(Process(Corpus("postfix-delayed-4.4.1.eml")));
  EXPECT_EQ(Reload(e).status, EnrollmentStatus::kActive);
  EXPECT_EQ(LastCause(e), "delivery_delayed 4.4.1");
  EXPECT_FALSE(store_->FindSuppression(mailbox_.owner_id, "carol@slow-mx.example"));
}

constexpr const char* kOutlookThread = "<bb22cc33dd44ee55ff66778899aa0011@sender.test>";

TEST_F(InboundProcessorTest, AnAutoReplyWithoutADateKeepsTheEnrollmentActiveWithAHistoryLine) {
  Enrollment e = SentTo("ella.brown@fabrikam.example", kOutlookThread);
  ASSERT_TRUE(Process(Replace(Corpus("autoreply-outlook.eml"), "12/03/2026", "further notice")));
  Enrollment after = Reload(e);
  EXPECT_EQ(after.status, EnrollmentStatus::kActive);
  EXPECT_EQ(after.next_run_at, e.next_run_at);
  EXPECT_FALSE(after.paused_until);
  EXPECT_THAT(LastCause(e), HasSubstr("auto_reply: "));
}

TEST_F(InboundProcessorTest, AnOutOfOfficeReplyWithAReturnDatePausesTheEnrollmentUntilThen) {
  Enrollment e = SentTo("ella.brown@fabrikam.example", kOutlookThread);
  ASSERT_TRUE(e.next_run_at);
  ASSERT_TRUE(Process(Corpus("autoreply-outlook.eml")));  // "until 12/03/2026"
  const Timestamp back = FromMillis(1'796'256'000'000);   // 2026-12-03T00:00:00Z
  ASSERT_LT(*e.next_run_at, back);
  Enrollment after = Reload(e);
  EXPECT_EQ(after.status, EnrollmentStatus::kActive);
  EXPECT_EQ(after.paused_until, back);
  EXPECT_EQ(after.next_run_at, back);
  EXPECT_THAT(LastCause(e), HasSubstr("auto_reply_paused_until 2026-12-03T00:00:00"));
  EXPECT_THAT(LastCause(e), HasSubstr("(auto-submitted: auto-generated)"));
  // Nothing is claimed before the return date.
  EXPECT_THAT(store_->ClaimDue(back - Duration{1}, "t", back + Duration{60000}, 100), SizeIs(0));
  EXPECT_THAT(store_->ClaimDue(back, "t", back + Duration{60000}, 100), SizeIs(1));
}

TEST_F(InboundProcessorTest, TheGmailVacationResponderPausesUntilItsReturnDay) {
  Enrollment e = SentTo("dana.white@gmail.com", "<aa11bb22cc33dd44ee55ff6677889900@sender.test>");
  ASSERT_TRUE(Process(Corpus("autoreply-gmail-vacation.eml")));  // back on December 7
  Enrollment after = Reload(e);
  EXPECT_EQ(after.paused_until, FromMillis(1'796'601'600'000));  // 2026-12-07T00:00:00Z
  EXPECT_EQ(after.next_run_at, after.paused_until);
  EXPECT_THAT(LastCause(e), HasSubstr("auto_reply_paused_until 2026-12-07"));
}

TEST_F(InboundProcessorTest, AReturnDateAlreadyPastOnlyWritesTheHistoryLine) {
  Enrollment e = SentTo("ella.brown@fabrikam.example", kOutlookThread);
  ASSERT_TRUE(Process(Replace(Corpus("autoreply-outlook.eml"), "12/03/2026", "11/20/2026")));
  Enrollment after = Reload(e);
  EXPECT_FALSE(after.paused_until);
  EXPECT_EQ(after.next_run_at, e.next_run_at);
  EXPECT_THAT(LastCause(e), HasSubstr("auto_reply: "));
}

TEST_F(InboundProcessorTest, TheDefaultPauseAppliesOnlyWithoutADate) {
  InboundProcessor processor(*store_, clock_, {.ooo_default_pause = Duration{7 * 86'400'000LL}});
  Enrollment e = SentTo("ella.brown@fabrikam.example", kOutlookThread);
  const Timestamp now = clock_.Now();
  ASSERT_TRUE(processor.Process(
      mailbox_, Replace(Corpus("autoreply-outlook.eml"), "12/03/2026", "further notice")));
  Enrollment after = Reload(e);
  EXPECT_EQ(after.paused_until, now + Duration{7 * 86'400'000LL});
  EXPECT_EQ(after.next_run_at, after.paused_until);
  EXPECT_THAT(LastCause(e), HasSubstr("auto_reply_paused_until "));

  // A named date wins over the default.
  Enrollment g = SentTo("dana.white@gmail.com", "<aa11bb22cc33dd44ee55ff6677889900@sender.test>");
  ASSERT_TRUE(processor.Process(mailbox_, Corpus("autoreply-gmail-vacation.eml")));
  EXPECT_EQ(Reload(g).paused_until, FromMillis(1'796'601'600'000));
}

TEST_F(InboundProcessorTest, AnOutOfOfficeReplyToAFinishedEnrollmentIsDoneWith) {
  Enrollment e = SentTo("ella.brown@fabrikam.example", kOutlookThread);
  ASSERT_TRUE(store_->FinishEnrollment(e.id, EnrollmentStatus::kCancelled, "cancelled_by_user", "",
                                       clock_.Now()));
  std::size_t lines = store_->ListHistory(e.id).size();
  ASSERT_TRUE(Process(Corpus("autoreply-outlook.eml")));
  Enrollment after = Reload(e);
  EXPECT_EQ(after.status, EnrollmentStatus::kCancelled);
  EXPECT_FALSE(after.paused_until);
  EXPECT_EQ(store_->ListHistory(e.id).size(), lines);
}

TEST_F(InboundProcessorTest, AnAutoReplyWithoutThreadingIsRecordedOnTheSendersLatestEnrollment) {
  Enrollment e = SentTo("k.schmidt@beispiel-gmbh.example", "<x1@sender.test>");
  ASSERT_TRUE(Process(Corpus("autoreply-subject-only-de.eml")));  // "ab dem 07.12.2026"
  EXPECT_EQ(Reload(e).status, EnrollmentStatus::kActive);
  EXPECT_EQ(Reload(e).paused_until, FromMillis(1'796'601'600'000));
  EXPECT_THAT(LastCause(e), HasSubstr("auto_reply_paused_until 2026-12-07"));
}

TEST_F(InboundProcessorTest, OthersAndGarbageChangeNothingAndAreDoneWith) {
  Enrollment e = SentTo("alice@acme.example", kThreadId);
  std::size_t lines = store_->ListHistory(e.id).size();
  for (const char* name : {"forward-fwd.eml", "new-inquiry.eml"})
    ASSERT_TRUE(Process(Corpus(name))) << name;
  EXPECT_TRUE(Process(""));
  EXPECT_TRUE(Process(std::string("\0\0\0garbage", 10)));
  EXPECT_EQ(Reload(e).status, EnrollmentStatus::kActive);
  EXPECT_EQ(store_->ListHistory(e.id).size(), lines);
}

TEST_F(InboundProcessorTest, AnotherOwnersMessageIsNeverTouched) {
  Mailbox other = NewMailbox("zed");
  Sequence theirs = NewSequence(other, sequence_.steps);
  Enrollment e = SentTo("alice@acme.example", kThreadId, &theirs);
  ASSERT_TRUE(Process(Corpus("reply-in-reply-to.eml")));  // into ann's inbox
  EXPECT_EQ(Reload(e).status, EnrollmentStatus::kActive);
}

// SPEC: nothing more is sent after a reply, also when the next step was already claimed: the
// store's BeginSends checks the enrollment again in the transaction that starts the send.
TEST_F(InboundProcessorTest, AReplyAfterTheNextStepWasClaimedStopsTheSend) {
  Enrollment e = SentTo("alice@acme.example", kThreadId);
  clock_.Advance(Duration{86'400'000});
  auto claims = store_->ClaimDue(clock_.Now(), "w", clock_.Now() + Duration{60000}, 10);
  ASSERT_THAT(claims, SizeIs(1));
  ASSERT_EQ(claims[0].enrollment.id, e.id);

  ASSERT_TRUE(Process(Corpus("reply-in-reply-to.eml")));

  OutboxProvider provider(dir_ / "outbox");
  StepRunner runner(*store_, clock_, provider, RunnerOptions{});
  BatchReport report = runner.Run(claims, "w");
  EXPECT_EQ(report.sent, 0u);
  EXPECT_EQ(report.skipped, 1u);
  EXPECT_THAT(ListOutbox(dir_ / "outbox", 100, 0), SizeIs(0));
  EXPECT_THAT(store_->ListMessages(e.id), SizeIs(1));
  EXPECT_EQ(Reload(e).status, EnrollmentStatus::kReplied);
}

}  // namespace
}  // namespace mailmark
