// StoreTest: how a recorded outcome moves an enrollment on. A run that sent a step is advanced
// by the sequence's steps as they are when the outcome commits (an edit made while the send
// was in flight wins over the run's copy), and a bounce suppresses the address only when the
// recipient itself was refused.
#include "store/store_test_suite.h"

namespace mailmark::testing {
namespace {

Step Send(const Id& id) { return Step{id, StepType::kSendEmail, "Hi " + id, "<p>Hi</p>", {}, 0}; }
Step Wait(const Id& id, std::int64_t ms) { return Step{id, StepType::kDelay, "", "", {}, ms}; }

// What a run that sent `ran` reports, with the fields worked out from the steps it saw
// (`seen_next`, `seen_status`): the store must not trust them.
StepOutcome RanOutcome(const Id& enrollment, const Message& m, const Id& ran,
                       std::optional<Timestamp> seen_next,
                       EnrollmentStatus seen_status = EnrollmentStatus::kActive) {
  StepOutcome o;
  o.enrollment_id = enrollment;
  o.ran_step_id = ran;
  o.message = m.id;
  o.message_state = MessageState::kSent;
  o.response = "250 2.0.0 Ok: queued";
  o.last_step_id = ran;
  o.next_run_at = seen_next;
  o.status = seen_status;
  if (seen_status == EnrollmentStatus::kCompleted) o.status_reason = "all_steps_run";
  o.events = {"sent " + ran + " " + m.message_id};
  return o;
}

StepOutcome Bounce(const Id& enrollment, const Message& m, bool suppress_address) {
  StepOutcome o;
  o.enrollment_id = enrollment;
  o.message = m.id;
  o.message_state = MessageState::kFailed;
  o.response = "550 5.1.1 <bob@example.com>: Recipient address rejected";
  o.status = EnrollmentStatus::kBounced;
  o.status_reason = o.response;
  o.suppress_address = suppress_address;
  o.events = {"bounced s1: " + o.response};
  return o;
}

class Edit {
 public:
  Edit(Store& store, Sequence seq) : store_(store), seq_(std::move(seq)) {}
  // Replaces the steps as an API edit would, remapping contacts off removed steps.
  void To(std::vector<Step> steps, Timestamp now) {
    Sequence edited = seq_;
    edited.steps = std::move(steps);
    auto updated = store_.UpdateSequence(edited, RemapRemovedSteps(seq_.steps, edited.steps), now);
    ASSERT_TRUE(updated.ok()) << updated.error().code;
    seq_ = *updated;
  }
  const std::vector<Step>& steps() const { return seq_.steps; }

 private:
  Store& store_;
  Sequence seq_;
};

TEST_P(StoreTest, ARanStepAdvancesByTheStepsAsTheyAreNow) {
  Sequence seq = NewSequence(NewMailbox(NewUser("alice")),
                             {Send("s1"), Wait("d1", 3 * kDay), Wait("d2", kDay), Send("s2")});
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "node-a").size(), 1u);
  Message m = BeginOk("node-a", e.id, "s1", At(1));
  // The run saw no edit: consecutive delays add up.
  store().RecordOutcomes("node-a", {RanOutcome(e.id, m, "s1", std::nullopt)}, At(2));
  auto got = store().GetEnrollment(e.id);
  EXPECT_EQ(got->status, EnrollmentStatus::kActive);
  EXPECT_EQ(got->last_step_id, std::optional<Id>("s1"));
  EXPECT_EQ(got->next_run_at, At(2 + 4 * kDay));
  EXPECT_EQ(store().NextWakeAt(), At(2 + 4 * kDay));
  auto history = store().ListHistory(e.id);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].cause, "sent s1 " + m.message_id);
  EXPECT_EQ(history[1].status, "active");
  auto messages = store().ListMessages(e.id);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].state, MessageState::kSent);
  EXPECT_EQ(messages[0].sent_at, At(2));
}

TEST_P(StoreTest, ADelayRemovedWhileTheSendWasInFlightIsNotWaitedFor) {
  Sequence seq = NewOwnedSequence();  // s1 → d1 (3 days) → s2
  Edit edit(store(), seq);
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "node-a").size(), 1u);
  Message m = BeginOk("node-a", e.id, "s1", At(1));
  edit.To({seq.steps[0], seq.steps[2]}, At(2));  // the delay goes while s1 is on the wire

  // The run still believes in the 3-day wait.
  store().RecordOutcomes("node-a", {RanOutcome(e.id, m, "s1", At(3 + 3 * kDay))}, At(3));
  auto got = store().GetEnrollment(e.id);
  EXPECT_EQ(got->status, EnrollmentStatus::kActive);
  EXPECT_EQ(got->last_step_id, std::optional<Id>("s1"));
  EXPECT_EQ(got->next_run_at, At(3));
  const Step* next = NextSend(edit.steps(), got->last_step_id);
  ASSERT_NE(next, nullptr);
  EXPECT_EQ(next->id, "s2");
  auto again = Claim(At(3), "node-b");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].enrollment.id, e.id);
  ASSERT_EQ(again[0].sent.size(), 1u);
  EXPECT_EQ(again[0].sent[0].step_id, "s1");
}

TEST_P(StoreTest, ADelayAddedWhileTheSendWasInFlightIsWaitedFor) {
  Sequence seq = NewSequence(NewMailbox(NewUser("alice")), {Send("s1"), Send("s2")});
  Edit edit(store(), seq);
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "node-a").size(), 1u);
  Message m = BeginOk("node-a", e.id, "s1", At(1));
  edit.To({edit.steps()[0], Wait("d1", kDay), edit.steps()[1]}, At(2));
  store().RecordOutcomes("node-a", {RanOutcome(e.id, m, "s1", At(3))}, At(3));
  auto got = store().GetEnrollment(e.id);
  EXPECT_EQ(got->last_step_id, std::optional<Id>("s1"));
  EXPECT_EQ(got->next_run_at, At(3 + kDay));
  EXPECT_TRUE(Claim(At(3 + kDay - 1), "node-b").empty());
  EXPECT_EQ(Claim(At(3 + kDay), "node-b").size(), 1u);
}

TEST_P(StoreTest, ATrailingDelayKeepsTheEnrollmentActiveUntilItPasses) {
  Sequence seq = NewOwnedSequence();  // s1 → d1 (3 days) → s2
  Edit edit(store(), seq);
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "node-a").size(), 1u);
  Message m = BeginOk("node-a", e.id, "s1", At(1));
  edit.To({seq.steps[0], seq.steps[1]}, At(2));  // s2 goes: only the wait is left
  store().RecordOutcomes("node-a", {RanOutcome(e.id, m, "s1", At(3 + 3 * kDay))}, At(3));
  auto got = store().GetEnrollment(e.id);
  EXPECT_EQ(got->status, EnrollmentStatus::kActive);
  EXPECT_EQ(got->last_step_id, std::optional<Id>("s1"));
  EXPECT_EQ(got->next_run_at, At(3 + 3 * kDay));
  EXPECT_EQ(NextSend(edit.steps(), got->last_step_id), nullptr);  // it completes when due
  EXPECT_EQ(store().CountEnrollments(seq.id).active, 1);
  EXPECT_TRUE(Claim(At(2 + 3 * kDay), "node-b").empty());
  EXPECT_EQ(Claim(At(3 + 3 * kDay), "node-b").size(), 1u);
}

TEST_P(StoreTest, NothingLeftAfterTheRanStepCompletesTheEnrollment) {
  Sequence seq = NewOwnedSequence();  // s1 → d1 (3 days) → s2
  Edit edit(store(), seq);
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "node-a").size(), 1u);
  Message m = BeginOk("node-a", e.id, "s1", At(1));
  edit.To({seq.steps[0]}, At(2));
  store().RecordOutcomes("node-a", {RanOutcome(e.id, m, "s1", At(3 + 3 * kDay))}, At(3));

  auto got = store().GetEnrollment(e.id);
  EXPECT_EQ(got->status, EnrollmentStatus::kCompleted);
  EXPECT_EQ(got->status_reason, "all_steps_run");
  EXPECT_EQ(got->last_step_id, std::optional<Id>("s1"));
  EXPECT_FALSE(got->next_run_at);
  EXPECT_EQ(got->updated_at, At(3));
  EXPECT_FALSE(store().NextWakeAt());
  EXPECT_EQ(store().CountEnrollments(seq.id).completed, 1);
  auto history = store().ListHistory(e.id);
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[1].cause, "sent s1 " + m.message_id);
  EXPECT_EQ(history[1].status, "completed");
  EXPECT_EQ(history[2].status, "completed");
  EXPECT_EQ(history[2].cause, "completed");
  EXPECT_EQ(history[2].at, At(3));
  EXPECT_EQ(store().ListMessages(e.id)[0].state, MessageState::kSent);
}

TEST_P(StoreTest, AStepAddedWhileTheLastSendWasInFlightKeepsTheEnrollmentGoing) {
  Sequence seq = NewSequence(NewMailbox(NewUser("alice")), {Send("s1")});
  Edit edit(store(), seq);
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "node-a").size(), 1u);
  Message m = BeginOk("node-a", e.id, "s1", At(1));
  edit.To({edit.steps()[0], Wait("d1", kDay), Send("s2")}, At(2));
  // The run saw a one-step sequence and reports it complete: the new steps win.
  store().RecordOutcomes(
      "node-a", {RanOutcome(e.id, m, "s1", std::nullopt, EnrollmentStatus::kCompleted)}, At(3));
  auto got = store().GetEnrollment(e.id);
  EXPECT_EQ(got->status, EnrollmentStatus::kActive);
  EXPECT_EQ(got->status_reason, "");
  EXPECT_EQ(got->last_step_id, std::optional<Id>("s1"));
  EXPECT_EQ(got->next_run_at, At(3 + kDay));
  auto history = store().ListHistory(e.id);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].status, "active");
}

TEST_P(StoreTest, ARanStepRemovedInFlightKeepsTheOldLastStepAndIsDueNow) {
  Sequence seq =
      NewSequence(NewMailbox(NewUser("alice")),
                  {Send("s1"), Wait("d1", kDay), Send("s2"), Wait("d2", kDay), Send("s3")});
  Edit edit(store(), seq);
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "node-a").size(), 1u);
  Message m1 = BeginOk("node-a", e.id, "s1", At(1));
  store().RecordOutcomes("node-a", {RanOutcome(e.id, m1, "s1", std::nullopt)}, At(2));
  ASSERT_EQ(store().GetEnrollment(e.id)->next_run_at, At(2 + kDay));

  ASSERT_EQ(Claim(At(2 + kDay), "node-a").size(), 1u);
  Message m2 = BeginOk("node-a", e.id, "s2", At(3 + kDay));
  edit.To({seq.steps[0], seq.steps[1], seq.steps[4]}, At(4 + kDay));  // s2 and d2 go
  store().RecordOutcomes("node-a", {RanOutcome(e.id, m2, "s2", At(5 + 2 * kDay))}, At(5 + kDay));
  auto got = store().GetEnrollment(e.id);
  EXPECT_EQ(got->status, EnrollmentStatus::kActive);
  EXPECT_EQ(got->last_step_id, std::optional<Id>("s1"));  // not the unknown s2
  EXPECT_EQ(got->next_run_at, At(5 + kDay));
  auto messages = store().ListMessages(e.id);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[1].state, MessageState::kSent);  // it did go out: the record says so
  auto again = Claim(At(5 + kDay), "node-b");
  ASSERT_EQ(again.size(), 1u);
  ASSERT_EQ(again[0].sent.size(), 2u);
}

// Issue 11.7: pause, remove step s1, resume while a slow batch sending s2 is in flight. The
// withdrawn send must not write back the last step (s1) it read at its claim over the remap.
TEST_P(StoreTest, AWithdrawnSendKeepsTheRemapMadeWhileItWasInFlight) {
  Sequence seq =
      NewSequence(NewMailbox(NewUser("alice")),
                  {Send("s1"), Wait("d1", kDay), Send("s2"), Wait("d2", kDay), Send("s3")});
  Edit edit(store(), seq);
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "n").size(), 1u);
  Message m1 = BeginOk("n", e.id, "s1", At(1));
  store().RecordOutcomes("n", {RanOutcome(e.id, m1, "s1", std::nullopt)}, At(2));

  ASSERT_EQ(Claim(At(2 + kDay), "n").size(), 1u);
  Message m2 = BeginOk("n", e.id, "s2", At(3 + kDay));
  edit.To({seq.steps[2], seq.steps[3], seq.steps[4]}, At(4 + kDay));  // s1 and d1 go
  ASSERT_EQ(store().GetEnrollment(e.id)->last_step_id, std::nullopt);
  StepOutcome withdrawn;
  withdrawn.enrollment_id = e.id;
  withdrawn.message = m2.id;
  withdrawn.message_state = MessageState::kFailed;
  withdrawn.response = std::string(kWithdrawnResponsePrefix) + ": sequence paused";
  withdrawn.last_step_id = "s1";  // as the run read it at its claim
  withdrawn.next_run_at = At(2 + kDay);
  store().RecordOutcomes("n", {withdrawn}, At(5 + kDay));
  auto got = store().GetEnrollment(e.id);
  EXPECT_EQ(got->status, EnrollmentStatus::kActive);
  EXPECT_EQ(got->last_step_id, std::nullopt);  // the remap stands: s2 is its next step
}

TEST_P(StoreTest, ACompletionDecidedOnStepsRemappedMeanwhileIsNotTaken) {
  Sequence seq = NewSequence(NewMailbox(NewUser("alice")), {Send("s1"), Send("s2")});
  Edit edit(store(), seq);
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "n").size(), 1u);
  Message m1 = BeginOk("n", e.id, "s1", At(1));
  store().RecordOutcomes("n", {RanOutcome(e.id, m1, "s1", At(1))}, At(2));
  // The run claims after s1 and finds nothing left in its copy (say s2 was removed there) …
  ASSERT_EQ(Claim(At(2), "n").size(), 1u);
  // … while an edit removed s1: the contact now continues with s2.
  edit.To({seq.steps[1]}, At(3));
  StepOutcome done;
  done.enrollment_id = e.id;
  done.last_step_id = "s1";
  done.status = EnrollmentStatus::kCompleted;
  done.status_reason = "all_steps_run";
  store().RecordOutcomes("n", {done}, At(4));
  auto got = store().GetEnrollment(e.id);
  EXPECT_EQ(got->status, EnrollmentStatus::kActive);
  EXPECT_EQ(got->last_step_id, std::nullopt);
  EXPECT_EQ(got->next_run_at, At(4));
}

TEST_P(StoreTest, ARanStepOfAnEnrollmentFinishedMeanwhileChangesOnlyTheMessage) {
  Sequence seq = NewOwnedSequence();
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "node-a").size(), 1u);
  Message m = BeginOk("node-a", e.id, "s1", At(1));
  ASSERT_TRUE(
      store().FinishEnrollment(e.id, EnrollmentStatus::kReplied, "reply", "reply", At(2)).ok());
  store().RecordOutcomes("node-a", {RanOutcome(e.id, m, "s1", At(3 * kDay))}, At(3));
  auto got = store().GetEnrollment(e.id);
  EXPECT_EQ(got->status, EnrollmentStatus::kReplied);
  EXPECT_FALSE(got->last_step_id);
  EXPECT_FALSE(got->next_run_at);
  EXPECT_EQ(store().ListMessages(e.id)[0].state, MessageState::kSent);
}

// ---- bounces ----------------------------------------------------------------------------------

TEST_P(StoreTest, ARefusedRecipientBouncesTheOwnersOtherEnrollmentsOfTheAddress) {
  Sequence seq = NewOwnedSequence("alice");
  Sequence sibling = NewSequence(seq.mailbox_id);
  Sequence elsewhere = NewSequence(NewMailbox(seq.owner_id, "Second mailbox"));
  Sequence finished_seq = NewSequence(seq.mailbox_id);
  Sequence other_owner = NewOwnedSequence("carol");
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  Enrollment in_sibling = EnrollOk(sibling.id, "bob@example.com", At(0));
  Enrollment in_elsewhere = EnrollOk(elsewhere.id, "bob@example.com", At(50));
  Enrollment finished = EnrollOk(finished_seq.id, "bob@example.com", At(0));
  Enrollment of_other_owner = EnrollOk(other_owner.id, "bob@example.com", At(0));
  Enrollment other_address = EnrollOk(sibling.id, "dave@example.com", At(0));
  ASSERT_TRUE(
      store().FinishEnrollment(finished.id, EnrollmentStatus::kReplied, "reply", "", At(1)).ok());
  ASSERT_EQ(Claim(At(2), "node-a").size(), 4u);  // in_elsewhere is not due yet
  Message m = BeginOk("node-a", e.id, "s1", At(3));
  StepOutcome bounce = Bounce(e.id, m, true);
  store().RecordOutcomes("node-a", {bounce}, At(4));

  auto got = store().GetEnrollment(e.id);
  EXPECT_EQ(got->status, EnrollmentStatus::kBounced);
  EXPECT_EQ(got->status_reason, bounce.response);
  EXPECT_EQ(store().FindSuppression(seq.owner_id, "bob@example.com"), SuppressionReason::kBounced);
  for (const Enrollment& other : {in_sibling, in_elsewhere}) {
    SCOPED_TRACE(other.id);
    auto now = store().GetEnrollment(other.id);
    EXPECT_EQ(now->status, EnrollmentStatus::kBounced);
    EXPECT_EQ(now->status_reason, bounce.response);
    EXPECT_FALSE(now->next_run_at);
    EXPECT_EQ(now->updated_at, At(4));
    auto history = store().ListHistory(other.id);
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[1].status, "bounced");
    EXPECT_EQ(history[1].cause, "address_bounced_elsewhere");
    EXPECT_EQ(history[1].at, At(4));
  }
  // The sibling's lease went with it: its run may not send any more.
  auto refused = store().BeginSends(
      "node-a", {SendStart{in_sibling.id, "s1", "<sib@x>", "Hi", std::nullopt}}, At(5));
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_FALSE(refused[0]);
  EXPECT_EQ(store().GetEnrollment(finished.id)->status, EnrollmentStatus::kReplied);
  EXPECT_EQ(store().GetEnrollment(of_other_owner.id)->status, EnrollmentStatus::kActive);
  EXPECT_FALSE(store().FindSuppression(other_owner.owner_id, "bob@example.com"));
  EXPECT_EQ(store().GetEnrollment(other_address.id)->status, EnrollmentStatus::kActive);
  EXPECT_FALSE(store().FindSuppression(seq.owner_id, "dave@example.com"));
  EXPECT_EQ(EnrollError(NewSequence(seq.mailbox_id).id, "bob@example.com", At(6)).code,
            "contact_suppressed");
}

TEST_P(StoreTest, AMessageLevelBounceNeitherSuppressesNorTouchesOtherEnrollments) {
  Sequence seq = NewOwnedSequence("alice");
  Sequence sibling = NewSequence(seq.mailbox_id);
  Sequence third = NewSequence(seq.mailbox_id);
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  Enrollment in_sibling = EnrollOk(sibling.id, "bob@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "node-a").size(), 2u);
  Message m = BeginOk("node-a", e.id, "s1", At(1));
  StepOutcome bounce = Bounce(e.id, m, false);
  bounce.response = bounce.status_reason = "554 5.7.1 Message content rejected";
  store().RecordOutcomes("node-a", {bounce}, At(2));

  auto got = store().GetEnrollment(e.id);
  EXPECT_EQ(got->status, EnrollmentStatus::kBounced);
  EXPECT_EQ(got->status_reason, "554 5.7.1 Message content rejected");
  EXPECT_FALSE(store().FindSuppression(seq.owner_id, "bob@example.com"));
  EXPECT_EQ(store().GetEnrollment(in_sibling.id)->status, EnrollmentStatus::kActive);
  EXPECT_EQ(store().ListHistory(in_sibling.id).size(), 1u);
  BeginOk("node-a", in_sibling.id, "s1", At(3));  // still its run's to send
  EnrollOk(third.id, "bob@example.com", At(4));   // and the address is still welcome
}

}  // namespace
}  // namespace mailmark::testing
