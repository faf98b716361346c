// StoreTest: named secrets and unsubscribing (SPEC "Sending": List-Unsubscribe).
#include "store/store_test_suite.h"

namespace mailmark::testing {
namespace {

// ---- secrets ----------------------------------------------------------------------------------

TEST_P(StoreTest, SecretsAreMadeOnceAndKept) {
  auto first = store().GetOrCreateSecret("unsubscribe");
  ASSERT_TRUE(first.ok()) << first.error().code;
  EXPECT_EQ(first->size(), 32u);
  EXPECT_NE(*first, std::string(32, '\0'));
  for (int i = 0; i < 3; ++i) {
    auto again = store().GetOrCreateSecret("unsubscribe");
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *first);
  }
  auto other = store().GetOrCreateSecret("something-else");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->size(), 32u);
  EXPECT_NE(*other, *first);
  EXPECT_EQ(*store().GetOrCreateSecret("unsubscribe"), *first);
  // Names are exact: a different case is a different secret.
  EXPECT_NE(*store().GetOrCreateSecret("Unsubscribe"), *first);
}

// ---- unsubscribing ----------------------------------------------------------------------------

TEST_P(StoreTest, UnsubscribeCancelsAndSuppresses) {
  Sequence seq = NewOwnedSequence("alice");
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  auto out = store().Unsubscribe(e.id, At(10));
  ASSERT_TRUE(out.ok()) << out.error().code;
  EXPECT_EQ(out->id, e.id);
  EXPECT_EQ(out->status, EnrollmentStatus::kCancelled);
  EXPECT_EQ(out->status_reason, "unsubscribed");
  EXPECT_FALSE(out->next_run_at);
  EXPECT_EQ(out->updated_at, At(10));

  auto got = store().GetEnrollment(e.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, EnrollmentStatus::kCancelled);
  EXPECT_EQ(got->status_reason, "unsubscribed");
  auto history = store().ListHistory(e.id);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].status, "cancelled");
  EXPECT_EQ(history[1].cause, "unsubscribed");
  EXPECT_EQ(history[1].at, At(10));
  EXPECT_EQ(store().FindSuppression(seq.owner_id, "bob@example.com"),
            SuppressionReason::kUnsubscribed);
  EXPECT_EQ(store().CountEnrollments(seq.id).cancelled, 1);
  EXPECT_EQ(store().CountEnrollments(seq.id).active, 0);
}

TEST_P(StoreTest, AnUnsubscribedAddressIsRefusedByEverySequenceOfTheOwner) {
  Sequence seq = NewOwnedSequence("alice");
  Sequence sibling = NewSequence(seq.mailbox_id);
  Sequence elsewhere = NewSequence(NewMailbox(seq.owner_id, "Second mailbox"));
  Sequence bobs = NewOwnedSequence("bob");
  Enrollment e = EnrollOk(seq.id, "x@example.com", At(0));
  Enrollment bob_e = EnrollOk(bobs.id, "x@example.com", At(0));
  ASSERT_TRUE(store().Unsubscribe(e.id, At(1)).ok());

  for (const Id& s : {seq.id, sibling.id, elsewhere.id}) {
    for (bool force : {false, true}) {
      Error refused = EnrollError(s, "X@Example.com", At(2), force);
      EXPECT_EQ(refused.code, "contact_suppressed") << s << force;
      EXPECT_EQ(refused.kind, ErrorKind::kConflict);
      EXPECT_EQ(refused.details.value("reason", ""), "unsubscribed");
    }
  }
  // Another owner's list and enrollments are untouched.
  EXPECT_FALSE(store().FindSuppression(bobs.owner_id, "x@example.com"));
  EXPECT_EQ(store().GetEnrollment(bob_e.id)->status, EnrollmentStatus::kActive);
  EnrollOk(NewSequence(bobs.mailbox_id).id, "x@example.com", At(3));
  // Other addresses of the same owner are untouched.
  EnrollOk(sibling.id, "y@example.com", At(3));
}

TEST_P(StoreTest, UnsubscribeStopsEveryActiveEnrollmentOfTheAddressForThatOwner) {
  Sequence seq = NewOwnedSequence("alice");
  Sequence sibling = NewSequence(seq.mailbox_id);
  Sequence elsewhere = NewSequence(NewMailbox(seq.owner_id, "Second mailbox"));
  Sequence bobs = NewOwnedSequence("bob");
  Enrollment e = EnrollOk(seq.id, "x@example.com", At(0));
  Enrollment same_mailbox = EnrollOk(sibling.id, "x@example.com", At(0));
  Enrollment other_mailbox = EnrollOk(elsewhere.id, "x@example.com", At(0));
  Enrollment other_address = EnrollOk(sibling.id, "y@example.com", At(0));
  Enrollment other_owner = EnrollOk(bobs.id, "x@example.com", At(0));
  ASSERT_TRUE(store().Unsubscribe(e.id, At(1)).ok());
  for (const Enrollment& stopped : {e, same_mailbox, other_mailbox}) {
    auto got = store().GetEnrollment(stopped.id);
    EXPECT_EQ(got->status, EnrollmentStatus::kCancelled) << stopped.id;
    EXPECT_EQ(got->status_reason, "unsubscribed");
    EXPECT_EQ(store().ListHistory(stopped.id).back().cause, "unsubscribed");
  }
  EXPECT_EQ(store().GetEnrollment(other_address.id)->status, EnrollmentStatus::kActive);
  EXPECT_EQ(store().GetEnrollment(other_owner.id)->status, EnrollmentStatus::kActive);
  EXPECT_TRUE(store().ClaimDue(At(2), "n", At(100), 100).size() == 2u)
      << "only y@ and bob's enrollment remain claimable";
}

TEST_P(StoreTest, UnsubscribeIsIdempotent) {
  Sequence seq = NewOwnedSequence();
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_TRUE(store().Unsubscribe(e.id, At(1)).ok());
  auto again = store().Unsubscribe(e.id, At(2));
  ASSERT_TRUE(again.ok()) << again.error().code;
  EXPECT_EQ(again->status, EnrollmentStatus::kCancelled);
  EXPECT_EQ(again->updated_at, At(1)) << "a second unsubscribe changes nothing";
  EXPECT_EQ(store().ListHistory(e.id).size(), 2u);
  EXPECT_EQ(store().FindSuppression(seq.owner_id, "bob@example.com"),
            SuppressionReason::kUnsubscribed);
}

TEST_P(StoreTest, UnsubscribingAFinishedEnrollmentStillSuppresses) {
  Sequence seq = NewOwnedSequence();
  Sequence other = NewSequence(seq.mailbox_id);
  struct Case {
    std::string email;
    EnrollmentStatus status;
  };
  for (const Case& c : {Case{"done@example.com", EnrollmentStatus::kCompleted},
                        Case{"gone@example.com", EnrollmentStatus::kCancelled},
                        Case{"said@example.com", EnrollmentStatus::kReplied}}) {
    Enrollment e = EnrollOk(seq.id, c.email, At(0));
    ASSERT_TRUE(store().FinishEnrollment(e.id, c.status, "test", "why", At(1)).ok());
    auto out = store().Unsubscribe(e.id, At(2));
    ASSERT_TRUE(out.ok()) << c.email;
    // The final status, its reason and the history stay as they were.
    EXPECT_EQ(out->status, c.status);
    EXPECT_EQ(out->status_reason, "why");
    EXPECT_EQ(store().ListHistory(e.id).size(), 2u);
    EXPECT_EQ(store().FindSuppression(seq.owner_id, c.email), SuppressionReason::kUnsubscribed);
    EXPECT_EQ(EnrollError(other.id, c.email, At(3), true).code, "contact_suppressed");
    EXPECT_EQ(EnrollError(seq.id, c.email, At(3), true).code, "contact_suppressed");
  }
}

TEST_P(StoreTest, UnsubscribeTurnsABounceIntoAnUnsubscribe) {
  Sequence seq = NewOwnedSequence();
  Sequence other = NewSequence(seq.mailbox_id);
  Enrollment e = EnrollOk(seq.id, "b@example.com", At(0));
  ASSERT_TRUE(
      store().FinishEnrollment(e.id, EnrollmentStatus::kBounced, "dsn", "550 no", At(1)).ok());
  EXPECT_EQ(store().FindSuppression(seq.owner_id, "b@example.com"), SuppressionReason::kBounced);
  EnrollOk(other.id, "b@example.com", At(2), /*force=*/true);  // a bounce yields to force

  auto out = store().Unsubscribe(e.id, At(3));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->status, EnrollmentStatus::kBounced);
  EXPECT_EQ(store().FindSuppression(seq.owner_id, "b@example.com"),
            SuppressionReason::kUnsubscribed);
  Sequence third = NewSequence(seq.mailbox_id);
  EXPECT_EQ(EnrollError(third.id, "b@example.com", At(4), true).code, "contact_suppressed");
}

TEST_P(StoreTest, UnsubscribingAnUnknownEnrollmentIs404) {
  auto out = store().Unsubscribe("enr_missing", At(0));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, "enrollment_not_found");
  EXPECT_EQ(out.error().kind, ErrorKind::kNotFound);
}

TEST_P(StoreTest, TheSchedulerNoLongerRunsAnUnsubscribedEnrollment) {
  Sequence seq = NewOwnedSequence();
  Enrollment waiting = EnrollOk(seq.id, "a@example.com", At(0));
  Enrollment leased = EnrollOk(seq.id, "b@example.com", At(0));
  Enrollment kept = EnrollOk(seq.id, "c@example.com", At(0));

  // One is unsubscribed before it is claimed...
  ASSERT_TRUE(store().Unsubscribe(waiting.id, At(1)).ok());
  // ...and one while a node holds it: its send must not start.
  auto claimed = Claim(At(2), "node-a", 60'000, 1);
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_EQ(claimed[0].enrollment.id, leased.id);
  ASSERT_TRUE(store().Unsubscribe(leased.id, At(3)).ok());
  SendStart start{leased.id, "s1", "<u1@sender.example>", "Hello", std::nullopt};
  auto begun = store().BeginSends("node-a", {start}, At(4));
  ASSERT_EQ(begun.size(), 1u);
  EXPECT_FALSE(begun[0]) << "an unsubscribed contact gets no more mail";

  auto later = Claim(At(100 * kDay), "node-b");
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].enrollment.id, kept.id);
  EXPECT_EQ(store().GetEnrollment(leased.id)->status, EnrollmentStatus::kCancelled);
}

}  // namespace
}  // namespace mailmark::testing
