// StoreTest: StillSendable, the check a transport makes right before each message goes on the
// wire (a reply, a cancel or a pause that arrived while the batch was being delivered), and
// what a message withdrawn after it said no counts as.
#include "store/store_test_suite.h"

namespace mailmark::testing {
namespace {

TEST_P(StoreTest, StillSendableWhileActiveInAnActiveSequence) {
  Sequence seq = NewOwnedSequence("alice");
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  EXPECT_TRUE(store().StillSendable(e.id, At(1)));
  // A lease held by someone else does not matter: the sender is the one holding it.
  ASSERT_EQ(Claim(At(1), "n").size(), 1u);
  EXPECT_TRUE(store().StillSendable(e.id, At(2)));
}

TEST_P(StoreTest, StillSendableIsFalseOnceTheEnrollmentIsFinal) {
  Sequence seq = NewOwnedSequence("alice");
  for (EnrollmentStatus to : {EnrollmentStatus::kReplied, EnrollmentStatus::kCancelled,
                              EnrollmentStatus::kBounced, EnrollmentStatus::kCompleted}) {
    SCOPED_TRACE(ToString(to));
    Enrollment e = EnrollOk(seq.id, std::string(ToString(to)) + "@example.com", At(0));
    ASSERT_TRUE(store().StillSendable(e.id, At(1)));
    ASSERT_TRUE(store().FinishEnrollment(e.id, to, "test", "", At(2)).ok());
    EXPECT_FALSE(store().StillSendable(e.id, At(3)));
  }
}

TEST_P(StoreTest, StillSendableFollowsTheSequence) {
  Sequence seq = NewOwnedSequence("alice");
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_TRUE(store().ApplyAction(seq.id, SequenceAction::kPause, At(1)).ok());
  EXPECT_FALSE(store().StillSendable(e.id, At(2)));
  ASSERT_TRUE(store().ApplyAction(seq.id, SequenceAction::kResume, At(3)).ok());
  EXPECT_TRUE(store().StillSendable(e.id, At(4)));
  ASSERT_TRUE(store().ApplyAction(seq.id, SequenceAction::kComplete, At(5)).ok());
  EXPECT_FALSE(store().StillSendable(e.id, At(6)));
}

TEST_P(StoreTest, StillSendableHonoursAnOutOfOfficePause) {
  Sequence seq = NewOwnedSequence("alice");
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_TRUE(store().PauseEnrollmentUntil(e.id, At(kDay), "ooo", At(1)).ok());
  EXPECT_FALSE(store().StillSendable(e.id, At(2)));
  EXPECT_FALSE(store().StillSendable(e.id, At(kDay - 1)));
  EXPECT_TRUE(store().StillSendable(e.id, At(kDay)));
  EXPECT_TRUE(store().StillSendable(e.id, At(2 * kDay)));
}

TEST_P(StoreTest, StillSendableIsFalseForAnUnknownEnrollment) {
  NewOwnedSequence("alice");
  EXPECT_FALSE(store().StillSendable("enr_unknown", At(0)));
  EXPECT_FALSE(store().StillSendable("", At(0)));
}

// The transport's answer when StillSendable said no: the message fails, the enrollment stays.
StepOutcome Withdrawn(const Enrollment& e, const Message& m) {
  StepOutcome o;
  o.enrollment_id = e.id;
  o.message = m.id;
  o.message_state = MessageState::kFailed;
  o.response = std::string(kWithdrawnResponsePrefix) + " before sending: no longer wanted";
  o.last_step_id = e.last_step_id;
  o.next_run_at = e.next_run_at;
  return o;
}

StepOutcome Sent(const Enrollment& e, const Message& m, const Id& step) {
  StepOutcome o;
  o.enrollment_id = e.id;
  o.message = m.id;
  o.ran_step_id = step;
  o.response = "250 ok";
  return o;
}

TEST_P(StoreTest, AWithdrawnMessageLeavesAnActiveEnrollmentDueOnTheSameStep) {
  Sequence seq = NewOwnedSequence("alice");
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_EQ(Claim(At(1), "n").size(), 1u);
  Message m = BeginOk("n", e.id, "s1", At(2));
  store().RecordOutcomes("n", {Withdrawn(e, m)}, At(3));
  Enrollment after = *store().GetEnrollment(e.id);
  EXPECT_EQ(after.status, EnrollmentStatus::kActive);
  EXPECT_EQ(after.last_step_id, std::nullopt);
  EXPECT_EQ(after.next_run_at, At(0));
  EXPECT_EQ(store().ListMessages(e.id).at(0).state, MessageState::kFailed);
  // Claimable again at once, with nothing pending: the step gets a new message.
  auto again = Claim(At(4), "n");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_FALSE(again[0].pending);
  EXPECT_TRUE(again[0].sent.empty());
}

TEST_P(StoreTest, AWithdrawnMessageCountsNowhereInTheStepStats) {
  Sequence seq = NewOwnedSequence("alice");  // s1 → d1 (3 days) → s2
  // Sent s1; replied while s2 was in flight, so s2 was withdrawn.
  Enrollment replied = EnrollOk(seq.id, "replied@example.com", At(0));
  ASSERT_EQ(Claim(At(1), "n").size(), 1u);
  store().RecordOutcomes("n", {Sent(replied, BeginOk("n", replied.id, "s1", At(2)), "s1")}, At(3));
  replied = *store().GetEnrollment(replied.id);
  ASSERT_EQ(Claim(At(4 * kDay), "n").size(), 1u);
  Message s2 = BeginOk("n", replied.id, "s2", At(4 * kDay));
  ASSERT_TRUE(store()
                  .FinishEnrollment(replied.id, EnrollmentStatus::kReplied, "reply_received", "",
                                    At(4 * kDay + 1))
                  .ok());
  store().RecordOutcomes("n", {Withdrawn(replied, s2)}, At(4 * kDay + 2));
  EXPECT_EQ(store().GetEnrollment(replied.id)->status, EnrollmentStatus::kReplied);
  EXPECT_EQ(store().GetEnrollment(replied.id)->last_step_id, std::optional<Id>("s1"));

  // s1 withdrawn (a pause), then sent, then bounced by a delivery report: one bounce on s1.
  Enrollment dsn = EnrollOk(seq.id, "dsn@example.com", At(5 * kDay));
  ASSERT_EQ(Claim(At(5 * kDay), "n").size(), 1u);
  store().RecordOutcomes("n", {Withdrawn(dsn, BeginOk("n", dsn.id, "s1", At(5 * kDay)))},
                         At(5 * kDay + 1));
  ASSERT_EQ(Claim(At(5 * kDay + 2), "n").size(), 1u);
  store().RecordOutcomes("n", {Sent(dsn, BeginOk("n", dsn.id, "s1", At(5 * kDay + 2)), "s1")},
                         At(5 * kDay + 3));
  ASSERT_TRUE(store()
                  .FinishEnrollment(dsn.id, EnrollmentStatus::kBounced, "bounce_dsn", "5.1.1",
                                    At(5 * kDay + 4))
                  .ok());

  auto stats = store().CountStepStats(seq.id);
  ASSERT_TRUE(stats.ok());
  std::vector<StepStats> expected = {{"s1", 2, 1, 1}, {"s2", 0, 0, 0}};
  EXPECT_EQ(*stats, expected);
}

}  // namespace
}  // namespace mailmark::testing
