// StoreTest: an out-of-office reply with a return date pauses one enrollment until then
// (SPEC "Inbound"): nothing is claimed before the date, and the next run ends the pause.
#include "store/store_test_suite.h"

namespace mailmark::testing {
namespace {

TEST_P(StoreTest, PauseMovesTheNextRunLaterAndRecordsIt) {
  Sequence seq = NewOwnedSequence("alice");
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_FALSE(e.paused_until);

  auto paused =
      store().PauseEnrollmentUntil(e.id, At(5 * kDay), "auto_reply_paused_until x", At(10));
  ASSERT_TRUE(paused.ok()) << paused.error().code;
  EXPECT_EQ(paused->status, EnrollmentStatus::kActive);
  EXPECT_EQ(paused->paused_until, At(5 * kDay));
  EXPECT_EQ(paused->next_run_at, At(5 * kDay));
  auto stored = store().GetEnrollment(e.id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->paused_until, At(5 * kDay));
  EXPECT_EQ(stored->next_run_at, At(5 * kDay));

  auto history = store().ListHistory(e.id);
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.back().cause, "auto_reply_paused_until x");
  EXPECT_EQ(history.back().status, "active");
  EXPECT_EQ(history.back().at, At(10));
}

TEST_P(StoreTest, PauseNeverMovesTheNextRunEarlier) {
  Sequence seq = NewOwnedSequence("alice");
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "n").size(), 1u);
  Message m = BeginOk("n", e.id, "s1", At(1));
  store().RecordOutcomes("n", {OkOutcome(e.id, m, "s1")}, At(2));
  auto waiting = store().GetEnrollment(e.id);
  ASSERT_TRUE(waiting && waiting->next_run_at);
  const Timestamp due = *waiting->next_run_at;
  ASSERT_EQ(due, At(2 + 3 * kDay));  // the 3-day delay

  auto paused = store().PauseEnrollmentUntil(e.id, At(kDay), "ooo", At(3));
  ASSERT_TRUE(paused.ok());
  EXPECT_EQ(paused->next_run_at, due);
  EXPECT_EQ(paused->paused_until, At(kDay));
}

TEST_P(StoreTest, APausedEnrollmentIsNotClaimedBeforeItsDate) {
  Sequence seq = NewOwnedSequence("alice");
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_TRUE(store().PauseEnrollmentUntil(e.id, At(2 * kDay), "ooo", At(1)).ok());
  EXPECT_TRUE(Claim(At(2 * kDay - 1), "n").empty());
  EXPECT_EQ(store().NextWakeAt(), At(2 * kDay));
  auto claimed = Claim(At(2 * kDay), "n");
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].enrollment.id, e.id);
}

TEST_P(StoreTest, TheNextRunClearsThePause) {
  Sequence seq = NewOwnedSequence("alice");
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_TRUE(store().PauseEnrollmentUntil(e.id, At(kDay), "ooo", At(1)).ok());
  ASSERT_EQ(Claim(At(kDay), "n").size(), 1u);
  Message m = BeginOk("n", e.id, "s1", At(kDay + 1));
  store().RecordOutcomes("n", {OkOutcome(e.id, m, "s1")}, At(kDay + 2));
  auto after = store().GetEnrollment(e.id);
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->paused_until);
  EXPECT_EQ(after->next_run_at, At(kDay + 2 + 3 * kDay));
  EXPECT_EQ(after->last_step_id, "s1");
}

TEST_P(StoreTest, APauseArrivingMidSendStillHoldsTheNextRun) {
  Sequence seq = NewOwnedSequence("alice");
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "n").size(), 1u);
  Message m = BeginOk("n", e.id, "s1", At(1));
  ASSERT_TRUE(store().PauseEnrollmentUntil(e.id, At(10 * kDay), "ooo", At(2)).ok());
  store().RecordOutcomes("n", {OkOutcome(e.id, m, "s1")}, At(3));
  auto after = store().GetEnrollment(e.id);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->paused_until, At(10 * kDay));
  EXPECT_EQ(after->next_run_at, At(10 * kDay));
}

TEST_P(StoreTest, PauseRefusesFinalUnknownAndPastDates) {
  Sequence seq = NewOwnedSequence("alice");
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));

  auto past = store().PauseEnrollmentUntil(e.id, At(5), "ooo", At(5));
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error().kind, ErrorKind::kInvalid);
  EXPECT_FALSE(store().GetEnrollment(e.id)->paused_until);
  const std::size_t lines = store().ListHistory(e.id).size();

  auto unknown = store().PauseEnrollmentUntil("enr_unknown", At(kDay), "ooo", At(1));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(unknown.error().code, "enrollment_not_found");

  ASSERT_TRUE(
      store().FinishEnrollment(e.id, EnrollmentStatus::kReplied, "reply_received", "", At(2)).ok());
  auto finished = store().PauseEnrollmentUntil(e.id, At(kDay), "ooo", At(3));
  ASSERT_FALSE(finished.ok());
  EXPECT_EQ(finished.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(finished.error().code, "enrollment_final");
  auto stored = store().GetEnrollment(e.id);
  EXPECT_FALSE(stored->paused_until);
  EXPECT_FALSE(stored->next_run_at);
  EXPECT_EQ(store().ListHistory(e.id).size(), lines + 1);  // only the reply's line
}

}  // namespace
}  // namespace mailmark::testing
