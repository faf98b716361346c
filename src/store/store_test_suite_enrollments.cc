// StoreTest: enrollment rules, listing and pagination, finishing, suppressions.
#include <algorithm>
#include <set>

#include "core/email_address.h"
#include "store/store_test_suite.h"

namespace mailmark::testing {
namespace {

TEST_P(StoreTest, EnrollingStartsAtOnce) {
  Sequence seq = NewOwnedSequence();
  MergeFields fields{{"firstName", "Zoë"}, {"company", "ACME <&> \"Co\""}};
  auto out =
      store().Enroll(seq.id, {NewEnrollment{Email("bob@example.com"), fields, false}}, At(42));
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 1u);
  ASSERT_TRUE((*out)[0].enrollment);
  EXPECT_FALSE((*out)[0].error);
  const Enrollment& e = *(*out)[0].enrollment;
  EXPECT_EQ(e.id.rfind("enr_", 0), 0u);
  EXPECT_EQ(e.sequence_id, seq.id);
  EXPECT_EQ(e.mailbox_id, seq.mailbox_id);
  EXPECT_EQ(e.owner_id, seq.owner_id);
  EXPECT_EQ(e.status, EnrollmentStatus::kActive);
  EXPECT_FALSE(e.last_step_id);
  EXPECT_EQ(e.next_run_at, At(42));
  EXPECT_EQ(e.created_at, At(42));

  auto got = store().GetEnrollment(e.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->contact_email, "bob@example.com");
  EXPECT_EQ(got->merge_fields, fields);
  EXPECT_EQ(got->mailbox_id, seq.mailbox_id);
  EXPECT_EQ(got->owner_id, seq.owner_id);
  EXPECT_EQ(got->next_run_at, At(42));
  EXPECT_EQ(got->status_reason, "");

  auto history = store().ListHistory(e.id);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].status, "active");
  EXPECT_EQ(history[0].cause, "enrolled");
  EXPECT_EQ(history[0].at, At(42));
  EXPECT_TRUE(store().ListMessages(e.id).empty());
  EXPECT_EQ(store().CountEnrollments(seq.id).active, 1);
  EXPECT_FALSE(store().GetEnrollment("enr_missing"));
}

TEST_P(StoreTest, EnrollingIntoAnUnknownSequenceIs404) {
  auto out = store().Enroll("seq_missing", {NewEnrollment{"a@example.com", {}, false}}, At(0));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, "sequence_not_found");
  EXPECT_EQ(out.error().kind, ErrorKind::kNotFound);
}

TEST_P(StoreTest, AContactIsActiveOnlyOnce) {
  Sequence seq = NewOwnedSequence();
  Enrollment first = EnrollOk(seq.id, "bob@example.com", At(0));
  Error dup = EnrollError(seq.id, "bob@example.com", At(1));
  EXPECT_EQ(dup.code, "already_enrolled");
  EXPECT_EQ(dup.kind, ErrorKind::kConflict);
  EXPECT_EQ(dup.details.value("enrollmentId", ""), first.id);
  // force does not override an active enrollment
  EXPECT_EQ(EnrollError(seq.id, "bob@example.com", At(1), true).code, "already_enrolled");
  // Case and spaces do not make another contact (the API normalises before the store).
  EXPECT_EQ(EnrollError(seq.id, "  Bob@EXAMPLE.com ", At(1)).code, "already_enrolled");
  // Another sequence of the same owner is another enrollment.
  Sequence other = NewSequence(seq.mailbox_id);
  EnrollOk(other.id, "bob@example.com", At(2));
  EXPECT_EQ(store().CountEnrollments(seq.id).active, 1);
}

TEST_P(StoreTest, DuplicatesInsideOneBatchAreRefused) {
  Sequence seq = NewOwnedSequence();
  auto out = store().Enroll(
      seq.id,
      {NewEnrollment{"a@example.com", {}, false}, NewEnrollment{"b@example.com", {}, false},
       NewEnrollment{"a@example.com", {{"x", "1"}}, false},
       NewEnrollment{"not an address", {}, false}},
      At(0));
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 4u);
  ASSERT_TRUE((*out)[0].enrollment);
  ASSERT_TRUE((*out)[1].enrollment);
  ASSERT_TRUE((*out)[2].error);
  EXPECT_EQ((*out)[2].error->code, "already_enrolled");
  EXPECT_EQ((*out)[2].error->details.value("enrollmentId", ""), (*out)[0].enrollment->id);
  ASSERT_TRUE((*out)[3].error);
  EXPECT_EQ((*out)[3].error->kind, ErrorKind::kInvalid);
  EXPECT_EQ(store().CountEnrollments(seq.id).active, 2);
}

TEST_P(StoreTest, CompletedOrCancelledContactsCanBeEnrolledAgain) {
  Sequence seq = NewOwnedSequence();
  for (EnrollmentStatus end : {EnrollmentStatus::kCompleted, EnrollmentStatus::kCancelled}) {
    Enrollment old = EnrollOk(seq.id, "bob@example.com", At(0));
    ASSERT_TRUE(store().FinishEnrollment(old.id, end, "test", "", At(1)).ok());
    Enrollment again = EnrollOk(seq.id, "bob@example.com", At(2));
    EXPECT_NE(again.id, old.id);
    EXPECT_EQ(store().GetEnrollment(old.id)->status, end);  // kept as history
    EXPECT_EQ(EnrollError(seq.id, "bob@example.com", At(3)).details.value("enrollmentId", ""),
              again.id);
    ASSERT_TRUE(
        store().FinishEnrollment(again.id, EnrollmentStatus::kCancelled, "t", "", At(4)).ok());
  }
  EXPECT_EQ(All(seq.id).size(), 4u);
}

TEST_P(StoreTest, RepliedAndBouncedContactsNeedForce) {
  Sequence seq = NewOwnedSequence();
  const std::pair<EnrollmentStatus, std::string> cases[] = {
      {EnrollmentStatus::kReplied, "contact_replied"},
      {EnrollmentStatus::kBounced, "contact_bounced"}};
  for (const auto& [status, code] : cases) {
    std::string email = code + "@example.com";
    Enrollment old = EnrollOk(seq.id, email, At(0));
    ASSERT_TRUE(store().FinishEnrollment(old.id, status, "test", "550 gone", At(1)).ok());
    Error refused = EnrollError(seq.id, email, At(2));
    EXPECT_EQ(refused.code, code);
    EXPECT_EQ(refused.kind, ErrorKind::kConflict);
    EXPECT_EQ(refused.details.value("enrollmentId", ""), old.id);
    Enrollment forced = EnrollOk(seq.id, email, At(3), /*force=*/true);
    EXPECT_EQ(forced.status, EnrollmentStatus::kActive);
  }
}

TEST_P(StoreTest, TheLatestEnrollmentDecides) {
  Sequence seq = NewOwnedSequence();
  Enrollment first = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_TRUE(
      store().FinishEnrollment(first.id, EnrollmentStatus::kReplied, "reply", "", At(1)).ok());
  Enrollment forced = EnrollOk(seq.id, "bob@example.com", At(2), true);
  ASSERT_TRUE(
      store().FinishEnrollment(forced.id, EnrollmentStatus::kCompleted, "done", "", At(3)).ok());
  // The latest is completed, so no force is needed any more.
  EnrollOk(seq.id, "bob@example.com", At(4));
}

TEST_P(StoreTest, UnsubscribedAddressesAreNeverEnrolled) {
  Sequence seq = NewOwnedSequence();
  Sequence other = NewSequence(seq.mailbox_id);
  ASSERT_TRUE(
      store()
          .Suppress(seq.owner_id, "bob@example.com", SuppressionReason::kUnsubscribed, At(0))
          .ok());
  for (const Id& s : {seq.id, other.id}) {
    for (bool force : {false, true}) {
      Error e = EnrollError(s, "bob@example.com", At(1), force);
      EXPECT_EQ(e.code, "contact_suppressed");
      EXPECT_EQ(e.details.value("reason", ""), "unsubscribed");
    }
  }
  EXPECT_EQ(store().FindSuppression(seq.owner_id, "bob@example.com"),
            SuppressionReason::kUnsubscribed);
}

TEST_P(StoreTest, ABounceSuppressesAcrossTheOwnersSequencesOnly) {
  Sequence first = NewOwnedSequence("alice");
  Sequence second = NewSequence(first.mailbox_id);
  Sequence third = NewSequence(NewMailbox(first.owner_id, "Second mailbox"));
  Sequence bobs = NewOwnedSequence("bob");

  Enrollment e = EnrollOk(first.id, "x@example.com", At(0));
  auto bounced = store().FinishEnrollment(e.id, EnrollmentStatus::kBounced, "dsn",
                                          "550 5.1.1 user unknown", At(1));
  ASSERT_TRUE(bounced.ok());
  EXPECT_EQ(bounced->status, EnrollmentStatus::kBounced);
  EXPECT_EQ(bounced->status_reason, "550 5.1.1 user unknown");
  EXPECT_FALSE(bounced->next_run_at);
  EXPECT_EQ(store().FindSuppression(first.owner_id, "x@example.com"), SuppressionReason::kBounced);
  EXPECT_FALSE(store().FindSuppression(bobs.owner_id, "x@example.com"));

  for (const Id& s : {second.id, third.id}) {
    Error refused = EnrollError(s, "x@example.com", At(2));
    EXPECT_EQ(refused.code, "contact_suppressed");
    EXPECT_EQ(refused.details.value("reason", ""), "bounced");
  }
  EnrollOk(second.id, "x@example.com", At(3), /*force=*/true);
  EnrollOk(bobs.id, "x@example.com", At(3));  // another owner's list is separate
  EXPECT_EQ(EnrollError(first.id, "x@example.com", At(4)).code, "contact_bounced");
}

TEST_P(StoreTest, AnUnsubscribeIsNeverDowngraded) {
  Id owner = NewUser("alice");
  ASSERT_TRUE(
      store().Suppress(owner, "a@example.com", SuppressionReason::kUnsubscribed, At(0)).ok());
  ASSERT_TRUE(store().Suppress(owner, "a@example.com", SuppressionReason::kBounced, At(1)).ok());
  EXPECT_EQ(store().FindSuppression(owner, "a@example.com"), SuppressionReason::kUnsubscribed);
  ASSERT_TRUE(store().Suppress(owner, "b@example.com", SuppressionReason::kBounced, At(0)).ok());
  ASSERT_TRUE(store().Suppress(owner, "b@example.com", SuppressionReason::kBounced, At(1)).ok());
  EXPECT_EQ(store().FindSuppression(owner, "b@example.com"), SuppressionReason::kBounced);
  ASSERT_TRUE(
      store().Suppress(owner, "b@example.com", SuppressionReason::kUnsubscribed, At(2)).ok());
  EXPECT_EQ(store().FindSuppression(owner, "b@example.com"), SuppressionReason::kUnsubscribed);
  EXPECT_FALSE(store().FindSuppression(owner, "c@example.com"));
}

TEST_P(StoreTest, PausedSequencesAcceptEnrollments) {
  Sequence seq = NewOwnedSequence();
  ASSERT_TRUE(store().ApplyAction(seq.id, SequenceAction::kPause, At(0)).ok());
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(1));
  EXPECT_EQ(e.status, EnrollmentStatus::kActive);
  EXPECT_EQ(e.next_run_at, At(1));
}

TEST_P(StoreTest, FinishingFollowsTheTransitionRules) {
  Sequence seq = NewOwnedSequence();
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  auto to_active = store().FinishEnrollment(e.id, EnrollmentStatus::kActive, "x", "", At(1));
  ASSERT_FALSE(to_active.ok());
  EXPECT_EQ(to_active.error().code, "invalid_transition");

  auto replied = store().FinishEnrollment(e.id, EnrollmentStatus::kReplied, "reply_detected",
                                          "Re: Hello", At(2));
  ASSERT_TRUE(replied.ok());
  EXPECT_EQ(replied->status, EnrollmentStatus::kReplied);
  EXPECT_EQ(replied->status_reason, "Re: Hello");
  EXPECT_FALSE(replied->next_run_at);
  EXPECT_EQ(replied->updated_at, At(2));

  for (EnrollmentStatus to : {EnrollmentStatus::kCancelled, EnrollmentStatus::kReplied,
                              EnrollmentStatus::kBounced, EnrollmentStatus::kActive}) {
    auto refused = store().FinishEnrollment(e.id, to, "again", "", At(3));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "enrollment_final");
    EXPECT_EQ(refused.error().kind, ErrorKind::kConflict);
  }
  EXPECT_EQ(store().GetEnrollment(e.id)->status, EnrollmentStatus::kReplied);
  auto history = store().ListHistory(e.id);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].status, "replied");
  EXPECT_EQ(history[1].cause, "reply_detected");

  auto missing =
      store().FinishEnrollment("enr_missing", EnrollmentStatus::kCancelled, "x", "", At(4));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "enrollment_not_found");
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
}

// ---- listing ----------------------------------------------------------------------------------

std::vector<NewEnrollment> Contacts(int from, int count) {
  std::vector<NewEnrollment> batch;
  for (int i = from; i < from + count; ++i)
    batch.push_back(
        NewEnrollment{"c" + std::to_string(i) + "@example.com", {{"n", std::to_string(i)}}, false});
  return batch;
}

std::vector<Id> Ids(const std::vector<Enrollment>& list) {
  std::vector<Id> ids;
  for (const auto& e : list) ids.push_back(e.id);
  return ids;
}

TEST_P(StoreTest, ListsOldestFirstAcrossPages) {
  Sequence seq = NewOwnedSequence();
  // Three batches; the second is dated earlier than the first (clocks and imports disagree),
  // the third shares the first's time: order is created_at, then insertion.
  auto b1 = store().Enroll(seq.id, Contacts(0, 1000), At(100));
  auto b2 = store().Enroll(seq.id, Contacts(1000, 1000), At(50));
  auto b3 = store().Enroll(seq.id, Contacts(2000, 500), At(100));
  ASSERT_TRUE(b1.ok() && b2.ok() && b3.ok());
  std::vector<Id> want;
  for (const auto* batch : {&*b2, &*b1, &*b3})
    for (const auto& o : *batch) {
      ASSERT_TRUE(o.enrollment);
      want.push_back(o.enrollment->id);
    }
  ASSERT_EQ(want.size(), 2500u);

  for (std::size_t page : {100u, 7u, 1000u, 2500u}) {
    std::vector<Id> got = Ids(All(seq.id, std::nullopt, page));
    EXPECT_EQ(got, want) << "page size " << page;
  }
  EXPECT_EQ(All(seq.id, EnrollmentStatus::kActive, 333).size(), 2500u);
  EXPECT_TRUE(All(seq.id, EnrollmentStatus::kBounced).empty());
}

TEST_P(StoreTest, ListsByStatusAcrossPages) {
  Sequence seq = NewOwnedSequence();
  auto batch = store().Enroll(seq.id, Contacts(0, 2500), At(0));
  ASSERT_TRUE(batch.ok());
  std::vector<Id> cancelled, active;
  for (std::size_t i = 0; i < batch->size(); ++i) {
    const Id& id = (*batch)[i].enrollment->id;
    if (i % 25 == 7) {
      ASSERT_TRUE(store().FinishEnrollment(id, EnrollmentStatus::kCancelled, "t", "", At(1)).ok());
      cancelled.push_back(id);
    } else {
      active.push_back(id);
    }
  }
  EXPECT_EQ(Ids(All(seq.id, EnrollmentStatus::kCancelled, 7)), cancelled);
  EXPECT_EQ(Ids(All(seq.id, EnrollmentStatus::kActive, 333)), active);
  EXPECT_EQ(All(seq.id, std::nullopt, 1000).size(), 2500u);
}

TEST_P(StoreTest, ClampsThePageSize) {
  Sequence seq = NewOwnedSequence();
  ASSERT_TRUE(store().Enroll(seq.id, Contacts(0, 1200), At(0)).ok());
  auto one = store().ListEnrollments(seq.id, std::nullopt, 0, "");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->enrollments.size(), 1u);
  EXPECT_TRUE(one->next_cursor);
  auto most = store().ListEnrollments(seq.id, std::nullopt, 1'000'000, "");
  ASSERT_TRUE(most.ok());
  EXPECT_EQ(most->enrollments.size(), 1000u);
  ASSERT_TRUE(most->next_cursor);
  auto rest = store().ListEnrollments(seq.id, std::nullopt, 1000, *most->next_cursor);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->enrollments.size(), 200u);
  EXPECT_FALSE(rest->next_cursor);
}

TEST_P(StoreTest, EmptyAndUnknownLists) {
  Sequence seq = NewOwnedSequence();
  auto empty = store().ListEnrollments(seq.id, std::nullopt, 50, "");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->enrollments.empty());
  EXPECT_FALSE(empty->next_cursor);
  auto unknown = store().ListEnrollments("seq_missing", std::nullopt, 50, "");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "sequence_not_found");
}

TEST_P(StoreTest, RefusesCursorsItDidNotMake) {
  Sequence seq = NewOwnedSequence();
  ASSERT_TRUE(store().Enroll(seq.id, Contacts(0, 3), At(0)).ok());
  auto first = store().ListEnrollments(seq.id, std::nullopt, 1, "");
  ASSERT_TRUE(first.ok() && first->next_cursor);
  const std::string good = *first->next_cursor;
  const std::string bad[] = {
      "garbage",          "!!!",
      "aGVsbG8",  // base64url("hello")
      good + "!",         " " + good,   std::string(5000, 'A'), std::string("\0\xff", 2),
      "../../etc/passwd", "' OR 1=1 --"};
  for (const std::string& cursor : bad) {
    auto page = store().ListEnrollments(seq.id, std::nullopt, 10, cursor);
    ASSERT_FALSE(page.ok()) << cursor;
    EXPECT_EQ(page.error().code, "invalid_cursor");
    EXPECT_EQ(page.error().kind, ErrorKind::kBadRequest);
  }
  auto next = store().ListEnrollments(seq.id, std::nullopt, 10, good);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->enrollments.size(), 2u);
}

}  // namespace
}  // namespace mailmark::testing
