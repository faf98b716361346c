// StoreTest: claiming due work under leases, starting sends, recording outcomes, and
// concurrent use.
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "store/store_test_suite.h"

namespace mailmark::testing {
namespace {

StepOutcome SentOutcome(const Id& enrollment, const Message& m, std::optional<Id> last_step,
                        std::optional<Timestamp> next,
                        EnrollmentStatus status = EnrollmentStatus::kActive) {
  StepOutcome o;
  o.enrollment_id = enrollment;
  o.message = m.id;
  o.message_state = MessageState::kSent;
  o.response = "250 2.0.0 Ok: queued";
  o.ran_step_id = last_step;
  o.last_step_id = std::move(last_step);
  o.next_run_at = next;
  o.status = status;
  o.events = {"sent " + m.step_id + " " + m.message_id};
  return o;
}

TEST_P(StoreTest, ClaimsOnlyDueWork) {
  Sequence seq = NewOwnedSequence();
  EXPECT_FALSE(store().NextWakeAt());
  EXPECT_TRUE(Claim(At(0), "node-a").empty());
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(1000));
  EXPECT_EQ(store().NextWakeAt(), At(1000));
  EXPECT_TRUE(Claim(At(999), "node-a").empty());

  auto claimed = Claim(At(1000), "node-a");
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].enrollment.id, e.id);
  EXPECT_EQ(claimed[0].enrollment.next_run_at, At(1000));
  EXPECT_EQ(claimed[0].enrollment.contact_email, "bob@example.com");
  EXPECT_EQ(claimed[0].enrollment.owner_id, seq.owner_id);
  EXPECT_FALSE(claimed[0].pending);
  EXPECT_TRUE(claimed[0].sent.empty());
  EXPECT_TRUE(Claim(At(1000), "node-b").empty());  // leased
  EXPECT_TRUE(store().ClaimDue(At(5000), "node-c", At(9000), 0).empty());
}

TEST_P(StoreTest, ClaimsEarliestFirstUpToTheLimit) {
  Sequence s1 = NewOwnedSequence();
  Sequence s2 = NewSequence(s1.mailbox_id);
  Id e40 = EnrollOk(s2.id, "e40@example.com", At(40)).id;
  Id e10 = EnrollOk(s1.id, "e10@example.com", At(10)).id;
  Id e30 = EnrollOk(s1.id, "e30@example.com", At(30)).id;
  Id e20 = EnrollOk(s2.id, "e20@example.com", At(20)).id;
  Id e50 = EnrollOk(s1.id, "e50@example.com", At(50)).id;
  EnrollOk(s2.id, "later@example.com", At(1000));

  auto first = Claim(At(100), "node", 60'000, 2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].enrollment.id, e10);
  EXPECT_EQ(first[1].enrollment.id, e20);
  auto second = Claim(At(100), "node", 60'000, 2);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[0].enrollment.id, e30);
  EXPECT_EQ(second[1].enrollment.id, e40);
  auto third = Claim(At(100), "node", 60'000, 2);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].enrollment.id, e50);
  EXPECT_TRUE(Claim(At(100), "node", 60'000, 2).empty());
}

TEST_P(StoreTest, PausedSequencesAreSkipped) {
  Sequence seq = NewOwnedSequence();
  Sequence running = NewSequence(seq.mailbox_id);
  ASSERT_TRUE(store().ApplyAction(seq.id, SequenceAction::kPause, At(0)).ok());
  Enrollment waiting = EnrollOk(seq.id, "paused@example.com", At(10));
  EXPECT_FALSE(store().NextWakeAt());
  Enrollment other = EnrollOk(running.id, "running@example.com", At(20));
  EXPECT_EQ(store().NextWakeAt(), At(20));
  auto claimed = Claim(At(100), "node");
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].enrollment.id, other.id);

  ASSERT_TRUE(store().ApplyAction(seq.id, SequenceAction::kResume, At(200)).ok());
  EXPECT_EQ(store().NextWakeAt(), At(10));  // fell due while paused: runs soon after resume
  auto resumed = Claim(At(200), "node");
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_EQ(resumed[0].enrollment.id, waiting.id);
  EXPECT_EQ(resumed[0].enrollment.last_step_id, std::nullopt);  // from where it stood
}

TEST_P(StoreTest, AnExpiredLeaseIsTakenOverByAnotherNode) {
  Sequence seq = NewOwnedSequence();
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "node-a", 60'000).size(), 1u);
  EXPECT_EQ(store().NextWakeAt(), At(60'000));
  EXPECT_TRUE(Claim(At(59'999), "node-b").empty());

  auto taken = Claim(At(60'000), "node-b", 60'000);
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0].enrollment.id, e.id);
  EXPECT_EQ(store().NextWakeAt(), At(120'000));

  // node-a lost the lease: it may not send, and its late outcome changes nothing.
  auto refused = store().BeginSends(
      "node-a", {SendStart{e.id, "s1", "<late@sender.example>", "Hi", std::nullopt}}, At(60'001));
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_FALSE(refused[0]);
  StepOutcome late;
  late.enrollment_id = e.id;
  late.last_step_id = "s1";
  late.next_run_at = At(5 * kDay);
  late.events = {"late"};
  store().RecordOutcomes("node-a", {late}, At(60'002));
  auto now = store().GetEnrollment(e.id);
  EXPECT_FALSE(now->last_step_id);
  EXPECT_EQ(now->next_run_at, At(0));
  EXPECT_TRUE(store().ListMessages(e.id).empty());
  EXPECT_TRUE(Claim(At(60'003), "node-c").empty());  // still node-b's
  BeginOk("node-b", e.id, "s1", At(60'004));
}

TEST_P(StoreTest, ReleasedLeasesAreClaimableAtOnce) {
  Sequence seq = NewOwnedSequence();
  EnrollOk(seq.id, "a@example.com", At(0));
  EnrollOk(seq.id, "b@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "node-a").size(), 2u);
  store().ReleaseLeases("node-other");
  EXPECT_TRUE(Claim(At(1), "node-b").empty());
  store().ReleaseLeases("node-a");
  EXPECT_EQ(store().NextWakeAt(), At(0));
  EXPECT_EQ(Claim(At(1), "node-b").size(), 2u);
}

TEST_P(StoreTest, ReleasingANodeFreesItsWorkersLeasesToo) {
  Sequence seq = NewOwnedSequence();
  const std::vector<std::string> nodes = {"local",  "local/0", "local/1", "localx/0",
                                          "local0", "loc%/0",  "lo_al/0", "other/local/0"};
  std::map<std::string, Id> held;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    Enrollment e = EnrollOk(seq.id, "c" + std::to_string(i) + "@example.com", At(0));
    auto got = Claim(At(0), nodes[i], 60'000, 1);
    ASSERT_EQ(got.size(), 1u);
    ASSERT_EQ(got[0].enrollment.id, e.id);
    held[nodes[i]] = e.id;
  }
  auto freed_by = [&](std::string_view node, std::int64_t at) {
    store().ReleaseLeases(node);
    std::set<Id> freed;
    for (const auto& c : Claim(At(at), "taker")) freed.insert(c.enrollment.id);
    return freed;
  };
  // Names are taken as they are, not as patterns: "loc%" and "lo_al" match no "local…".
  EXPECT_EQ(freed_by("loc%", 1), (std::set<Id>{held["loc%/0"]}));
  EXPECT_EQ(freed_by("lo_al", 2), (std::set<Id>{held["lo_al/0"]}));
  EXPECT_EQ(freed_by("loc", 3), (std::set<Id>{}));
  EXPECT_EQ(freed_by("local", 4), (std::set<Id>{held["local"], held["local/0"], held["local/1"]}));
  // "localx/0", "local0" and "other/local/0" belong to other nodes.
  EXPECT_EQ(freed_by("local", 5), (std::set<Id>{}));
  EXPECT_EQ(freed_by("other", 6), (std::set<Id>{held["other/local/0"]}));
}

TEST_P(StoreTest, ARenewedLeaseOutlivesItsOldExpiry) {
  Sequence seq = NewOwnedSequence();
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  Enrollment kept_short = EnrollOk(seq.id, "short@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "node-a", 60'000).size(), 2u);
  store().RenewLeases("node-a", {e.id, Id("enr_missing")}, At(150'000));
  EXPECT_EQ(store().NextWakeAt(), At(60'000));  // kept_short's lease

  auto taken = Claim(At(60'000), "node-b");
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0].enrollment.id, kept_short.id);
  EXPECT_EQ(store().NextWakeAt(), At(120'000));  // node-b's new lease of kept_short
  auto mid = Claim(At(149'999), "node-c");       // node-b's lease ran out; node-a's did not
  ASSERT_EQ(mid.size(), 1u);
  EXPECT_EQ(mid[0].enrollment.id, kept_short.id);
  EXPECT_EQ(store().NextWakeAt(), At(150'000));
  BeginOk("node-a", e.id, "s1", At(149'999));  // still node-a's to send
  auto late = Claim(At(150'000), "node-d");
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].enrollment.id, e.id);
}

TEST_P(StoreTest, OnlyTheLeaseHolderCanRenew) {
  Sequence seq = NewOwnedSequence();
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "node-a", 60'000).size(), 1u);
  store().RenewLeases("node-b", {e.id}, At(600'000));
  store().RenewLeases("node-a/0", {e.id}, At(600'000));  // a worker's name is not its node's
  store().RenewLeases("node-a", {}, At(600'000));
  EXPECT_EQ(store().NextWakeAt(), At(60'000));
  auto taken = Claim(At(60'000), "node-b");
  ASSERT_EQ(taken.size(), 1u);
  // node-a lost it: renewing now does not take it back.
  store().RenewLeases("node-a", {e.id}, At(600'000));
  EXPECT_EQ(store().NextWakeAt(), At(120'000));
  auto refused = store().BeginSends(
      "node-a", {SendStart{e.id, "s1", "<late@x>", "Hi", std::nullopt}}, At(60'001));
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_FALSE(refused[0]);
}

TEST_P(StoreTest, RenewingManyLeasesRenewsThemAll) {
  Sequence seq = NewOwnedSequence();
  std::vector<NewEnrollment> batch;
  for (int i = 0; i < 1200; ++i)
    batch.push_back({"c" + std::to_string(i) + "@example.com", {}, false});
  ASSERT_TRUE(store().Enroll(seq.id, batch, At(0)).ok());
  auto claimed = Claim(At(0), "node-a", 60'000, 2000);
  ASSERT_EQ(claimed.size(), 1200u);
  std::vector<Id> ids;
  for (const auto& c : claimed) ids.push_back(c.enrollment.id);
  ids.pop_back();  // the last one keeps its old expiry
  store().RenewLeases("node-a", ids, At(300'000));
  auto taken = Claim(At(60'000), "node-b", 600'000, 2000);
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0].enrollment.id, claimed.back().enrollment.id);
  EXPECT_TRUE(Claim(At(299'999), "node-b", 60'000, 2000).empty());
  EXPECT_EQ(Claim(At(300'000), "node-b", 60'000, 2000).size(), 1199u);
}

TEST_P(StoreTest, BeginSendsWritesThePendingMessage) {
  Sequence seq = NewOwnedSequence();
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "node-a").size(), 1u);
  auto begun = store().BeginSends(
      "node-a", {SendStart{e.id, "s1", "<m1@sender.example>", "Hello Bob", std::nullopt}}, At(5));
  ASSERT_EQ(begun.size(), 1u);
  ASSERT_TRUE(begun[0]);
  EXPECT_FALSE(begun[0]->id.empty());
  EXPECT_EQ(begun[0]->enrollment_id, e.id);
  EXPECT_EQ(begun[0]->step_id, "s1");
  EXPECT_EQ(begun[0]->message_id, "<m1@sender.example>");
  EXPECT_EQ(begun[0]->subject, "Hello Bob");
  EXPECT_EQ(begun[0]->state, MessageState::kSending);
  EXPECT_EQ(begun[0]->created_at, At(5));
  EXPECT_FALSE(begun[0]->sent_at);
  auto messages = store().ListMessages(e.id);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].id, begun[0]->id);
  EXPECT_EQ(messages[0].state, MessageState::kSending);
}

TEST_P(StoreTest, BeginSendsRefusesWhatMustNotBeSent) {
  Sequence seq = NewOwnedSequence();
  Enrollment cancelled = EnrollOk(seq.id, "cancelled@example.com", At(0));
  Enrollment ok = EnrollOk(seq.id, "ok@example.com", At(0));
  Enrollment unclaimed = EnrollOk(seq.id, "later@example.com", At(10));
  ASSERT_EQ(Claim(At(0), "node-a").size(), 2u);
  ASSERT_TRUE(store()
                  .FinishEnrollment(cancelled.id, EnrollmentStatus::kCancelled, "cancelled_by_user",
                                    "", At(1))
                  .ok());
  auto begun = store().BeginSends("node-a",
                                  {SendStart{cancelled.id, "s1", "<c@x>", "Hi", std::nullopt},
                                   SendStart{ok.id, "s1", "<ok@x>", "Hi", std::nullopt},
                                   SendStart{unclaimed.id, "s1", "<u@x>", "Hi", std::nullopt},
                                   SendStart{"enr_missing", "s1", "<m@x>", "Hi", std::nullopt}},
                                  At(2));
  ASSERT_EQ(begun.size(), 4u);
  EXPECT_FALSE(begun[0]);
  EXPECT_TRUE(begun[1]);
  EXPECT_FALSE(begun[2]);
  EXPECT_FALSE(begun[3]);
  EXPECT_TRUE(store().ListMessages(cancelled.id).empty());
  // The lease ran out: another node may claim it any moment, so no send starts.
  auto expired = store().BeginSends(
      "node-a", {SendStart{ok.id, "s2", "<ok2@x>", "Hi", std::nullopt}}, At(60'000));
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_FALSE(expired[0]);
}

TEST_P(StoreTest, BeginSendsRefusesWhenTheSequencePaused) {
  Sequence seq = NewOwnedSequence();
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "node-a").size(), 1u);
  ASSERT_TRUE(store().ApplyAction(seq.id, SequenceAction::kPause, At(1)).ok());
  auto begun =
      store().BeginSends("node-a", {SendStart{e.id, "s1", "<p@x>", "Hi", std::nullopt}}, At(2));
  ASSERT_EQ(begun.size(), 1u);
  EXPECT_FALSE(begun[0]);
  EXPECT_TRUE(store().ListMessages(e.id).empty());
}

TEST_P(StoreTest, APendingSendIsRetriedWithTheSameMessageIdAfterACrash) {
  Sequence seq = NewOwnedSequence();
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "node-a", 30'000).size(), 1u);
  Message m = BeginOk("node-a", e.id, "s1", At(1));
  // node-a dies here: the transport may or may not have the message.

  auto again = Claim(At(30'000), "node-b", 30'000);
  ASSERT_EQ(again.size(), 1u);
  ASSERT_TRUE(again[0].pending);
  EXPECT_EQ(again[0].pending->id, m.id);
  EXPECT_EQ(again[0].pending->message_id, m.message_id);
  EXPECT_EQ(again[0].pending->state, MessageState::kSending);
  EXPECT_TRUE(again[0].sent.empty());

  Message reused = BeginOk("node-b", e.id, "s1", At(30'001), m.id);
  EXPECT_EQ(reused.id, m.id);
  EXPECT_EQ(reused.message_id, m.message_id);
  ASSERT_EQ(store().ListMessages(e.id).size(), 1u);

  // Reusing a message that is not pending (or not this enrollment's) is refused.
  auto wrong = store().BeginSends(
      "node-b", {SendStart{e.id, "s1", "<other@x>", "Hi", Id("msg_missing")}}, At(30'002));
  ASSERT_EQ(wrong.size(), 1u);
  EXPECT_FALSE(wrong[0]);

  store().RecordOutcomes("node-b", {SentOutcome(e.id, reused, "s1", At(3 * kDay))}, At(30'003));
  auto messages = store().ListMessages(e.id);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].state, MessageState::kSent);
  EXPECT_EQ(messages[0].sent_at, At(30'003));
  EXPECT_EQ(messages[0].response, "250 2.0.0 Ok: queued");
}

TEST_P(StoreTest, ARetryKeepsTheMessagePending) {
  Sequence seq = NewOwnedSequence();
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "node-a").size(), 1u);
  Message m = BeginOk("node-a", e.id, "s1", At(1));
  StepOutcome retry;
  retry.enrollment_id = e.id;
  retry.message = m.id;
  retry.message_state = MessageState::kSending;
  retry.response = "451 4.7.1 try again later";
  retry.next_run_at = At(300'000);
  retry.events = {"retry s1: 451 4.7.1 try again later"};
  store().RecordOutcomes("node-a", {retry}, At(2));

  auto now = store().GetEnrollment(e.id);
  EXPECT_EQ(now->status, EnrollmentStatus::kActive);
  EXPECT_FALSE(now->last_step_id);
  EXPECT_EQ(now->next_run_at, At(300'000));
  EXPECT_EQ(store().NextWakeAt(), At(300'000));
  EXPECT_TRUE(Claim(At(299'999), "node-a").empty());
  auto again = Claim(At(300'000), "node-a");
  ASSERT_EQ(again.size(), 1u);
  ASSERT_TRUE(again[0].pending);
  EXPECT_EQ(again[0].pending->message_id, m.message_id);
  EXPECT_EQ(again[0].pending->response, "451 4.7.1 try again later");
}

TEST_P(StoreTest, OutcomesAdvanceThroughTheSequence) {
  Sequence seq = NewOwnedSequence();
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));

  ASSERT_EQ(Claim(At(0), "node-a").size(), 1u);
  Message m1 = BeginOk("node-a", e.id, "s1", At(1));
  store().RecordOutcomes("node-a", {SentOutcome(e.id, m1, "s1", At(3 * kDay + 2))}, At(2));

  auto after1 = store().GetEnrollment(e.id);
  EXPECT_EQ(after1->status, EnrollmentStatus::kActive);
  EXPECT_EQ(after1->last_step_id, std::optional<Id>("s1"));
  EXPECT_EQ(after1->next_run_at, At(3 * kDay + 2));
  EXPECT_EQ(after1->updated_at, At(2));
  EXPECT_EQ(store().NextWakeAt(), At(3 * kDay + 2));
  EXPECT_TRUE(Claim(At(3 * kDay + 1), "node-b").empty());  // lease released, not yet due

  auto second = Claim(At(3 * kDay + 2), "node-b");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_FALSE(second[0].pending);
  ASSERT_EQ(second[0].sent.size(), 1u);
  EXPECT_EQ(second[0].sent[0].message_id, m1.message_id);
  EXPECT_EQ(second[0].sent[0].state, MessageState::kSent);
  Message m2 = BeginOk("node-b", e.id, "s2", At(3 * kDay + 3));
  store().RecordOutcomes("node-b",
                         {SentOutcome(e.id, m2, "s2", std::nullopt, EnrollmentStatus::kCompleted)},
                         At(3 * kDay + 4));

  auto done = store().GetEnrollment(e.id);
  EXPECT_EQ(done->status, EnrollmentStatus::kCompleted);
  EXPECT_EQ(done->last_step_id, std::optional<Id>("s2"));
  EXPECT_FALSE(done->next_run_at);
  EXPECT_FALSE(store().NextWakeAt());
  EXPECT_TRUE(Claim(At(100 * kDay), "node-c").empty());
  EXPECT_EQ(store().CountEnrollments(seq.id).completed, 1);

  auto messages = store().ListMessages(e.id);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].id, m1.id);
  EXPECT_EQ(messages[1].id, m2.id);
  EXPECT_EQ(messages[1].sent_at, At(3 * kDay + 4));

  // History, oldest first, each line with the status the enrollment had after it.
  auto history = store().ListHistory(e.id);
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history[0].cause, "enrolled");
  EXPECT_EQ(history[0].status, "active");
  EXPECT_EQ(history[1].cause, "sent s1 " + m1.message_id);
  EXPECT_EQ(history[1].status, "active");
  EXPECT_EQ(history[1].at, At(2));
  EXPECT_EQ(history[2].cause, "sent s2 " + m2.message_id);
  EXPECT_EQ(history[2].status, "completed");
  EXPECT_EQ(history[3].status, "completed");
  EXPECT_EQ(history[3].at, At(3 * kDay + 4));
}

TEST_P(StoreTest, ABounceFinishesTheEnrollmentAndSuppresses) {
  Sequence seq = NewOwnedSequence();
  Sequence other = NewSequence(seq.mailbox_id);
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "node-a").size(), 1u);
  Message m = BeginOk("node-a", e.id, "s1", At(1));
  StepOutcome bounce;
  bounce.enrollment_id = e.id;
  bounce.message = m.id;
  bounce.message_state = MessageState::kFailed;
  bounce.response = "550 5.1.1 <bob@example.com>: Recipient address rejected";
  bounce.status = EnrollmentStatus::kBounced;
  bounce.status_reason = bounce.response;
  bounce.suppress_address = true;  // refused at RCPT: the address itself is dead
  bounce.events = {"bounced at send"};
  store().RecordOutcomes("node-a", {bounce}, At(2));

  auto got = store().GetEnrollment(e.id);
  EXPECT_EQ(got->status, EnrollmentStatus::kBounced);
  EXPECT_EQ(got->status_reason, bounce.response);
  EXPECT_FALSE(got->next_run_at);
  auto messages = store().ListMessages(e.id);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].state, MessageState::kFailed);
  EXPECT_FALSE(messages[0].sent_at);
  EXPECT_EQ(store().FindSuppression(seq.owner_id, "bob@example.com"), SuppressionReason::kBounced);
  EXPECT_EQ(EnrollError(other.id, "bob@example.com", At(3)).code, "contact_suppressed");
  auto history = store().ListHistory(e.id);
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[1].status, "bounced");
  EXPECT_EQ(history[2].status, "bounced");
}

TEST_P(StoreTest, AnOutcomeAfterAUserCancelLeavesItCancelled) {
  Sequence seq = NewOwnedSequence();
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "node-a").size(), 1u);
  Message m = BeginOk("node-a", e.id, "s1", At(1));
  ASSERT_TRUE(
      store()
          .FinishEnrollment(e.id, EnrollmentStatus::kCancelled, "cancelled_by_user", "", At(2))
          .ok());
  store().RecordOutcomes("node-a", {SentOutcome(e.id, m, "s1", At(3 * kDay))}, At(3));

  auto got = store().GetEnrollment(e.id);
  EXPECT_EQ(got->status, EnrollmentStatus::kCancelled);
  EXPECT_FALSE(got->last_step_id);
  EXPECT_FALSE(got->next_run_at);
  auto messages = store().ListMessages(e.id);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].state, MessageState::kSent);  // it did go out: the record says so
  auto history = store().ListHistory(e.id);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history.back().status, "cancelled");
  EXPECT_EQ(history.back().cause, "cancelled_by_user");
  EXPECT_FALSE(store().NextWakeAt());
  EXPECT_TRUE(Claim(At(10 * kDay), "node-b").empty());
}

// ---- concurrency ------------------------------------------------------------------------------

TEST_P(StoreTest, ConcurrentEnrollersAndClaimersLoseNothing) {
  Sequence seq = NewOwnedSequence();
  Sequence one_step = NewSequence(seq.mailbox_id, {ThreeSteps()[0]});
  constexpr int kEnrollers = 4, kClaimers = 4, kPerEnroller = 250, kBatch = 10;
  std::atomic<bool> enrolling_done{false};
  std::mutex mu;
  std::set<Id> claimed;
  std::vector<std::string> problems;

  auto enroller = [&](int t) {
    for (int i = 0; i < kPerEnroller; i += kBatch) {
      std::vector<NewEnrollment> batch;
      for (int j = i; j < i + kBatch; ++j)
        batch.push_back(
            {"t" + std::to_string(t) + "-" + std::to_string(j) + "@example.com", {}, false});
      auto out = store().Enroll(one_step.id, batch, At(0));
      std::lock_guard lock(mu);
      if (!out.ok()) {
        problems.push_back("enroll failed: " + out.error().code);
        continue;
      }
      for (const auto& o : *out)
        if (!o.enrollment) problems.push_back("refused: " + o.error->code);
    }
  };
  auto claimer = [&](int t) {
    const std::string node = "node-" + std::to_string(t);
    for (;;) {
      bool finished = enrolling_done.load();  // read before claiming: no row is missed
      auto got = store().ClaimDue(At(0), node, At(3'600'000), 7);
      std::vector<StepOutcome> outcomes;
      {
        std::lock_guard lock(mu);
        for (const auto& c : got) {
          if (!claimed.insert(c.enrollment.id).second)
            problems.push_back("claimed twice: " + c.enrollment.id);
          StepOutcome o;
          o.enrollment_id = c.enrollment.id;
          o.ran_step_id = "s1";  // sent its one step
          outcomes.push_back(o);
        }
      }
      if (!outcomes.empty()) store().RecordOutcomes(node, outcomes, At(1));
      if (got.empty() && finished) return;
    }
  };
  std::vector<std::thread> enrollers, claimers;
  for (int t = 0; t < kClaimers; ++t) claimers.emplace_back(claimer, t);
  for (int t = 0; t < kEnrollers; ++t) enrollers.emplace_back(enroller, t);
  for (auto& th : enrollers) th.join();
  enrolling_done = true;
  for (auto& th : claimers) th.join();

  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_EQ(claimed.size(), static_cast<std::size_t>(kEnrollers * kPerEnroller));
  SequenceCounts counts = store().CountEnrollments(one_step.id);
  EXPECT_EQ(counts.completed, kEnrollers * kPerEnroller);
  EXPECT_EQ(counts.active, 0);
  EXPECT_FALSE(store().NextWakeAt());
}

TEST_P(StoreTest, ConcurrentDuplicateEnrollmentsCreateOneActive) {
  Sequence seq = NewOwnedSequence();
  std::atomic<int> created{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        auto out = store().Enroll(
            seq.id, {NewEnrollment{"c" + std::to_string(i) + "@example.com", {}, false}}, At(0));
        if (out.ok() && (*out)[0].enrollment) ++created;
        if (out.ok() && (*out)[0].error && (*out)[0].error->code == "already_enrolled") ++refused;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(created.load(), 20);
  EXPECT_EQ(refused.load(), 7 * 20);
  EXPECT_EQ(store().CountEnrollments(seq.id).active, 20);
}

}  // namespace
}  // namespace mailmark::testing
