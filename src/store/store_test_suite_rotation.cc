// StoreTest: a sequence's mailbox rotation (SPEC "Sending like a person"): new contacts are
// spread over its mailboxes in turn, among those with room today, and each keeps its mailbox.
#include <map>

#include "store/store_test_suite.h"

namespace mailmark::testing {
namespace {

std::map<Id, int> CountByMailbox(const std::vector<Enrollment>& all) {
  std::map<Id, int> n;
  for (const Enrollment& e : all) ++n[e.mailbox_id];
  return n;
}

Sequence Rotating(Store& store, Sequence seq, std::vector<Id> rotation) {
  seq.rotation = std::move(rotation);
  auto updated = store.UpdateSequence(seq, {}, seq.updated_at);
  EXPECT_TRUE(updated.ok()) << updated.error().code;
  return updated.ok() ? *updated : seq;
}

}  // namespace

TEST_P(StoreTest, RotationAssignsInTurnAndPinsTheMailbox) {
  Id owner = NewUser("alice");
  Id a = NewMailbox(owner, "A");
  Id b = NewMailbox(owner, "B");
  Id c = NewMailbox(owner, "C");
  Sequence seq = Rotating(store(), NewSequence(a), {b, c});
  EXPECT_EQ(store().GetSequence(seq.id)->rotation, (std::vector<Id>{b, c}));
  auto all = EnrollMany(seq.id, 9, At(0));
  EXPECT_EQ(all[0].mailbox_id, a);
  EXPECT_EQ(all[1].mailbox_id, b);
  EXPECT_EQ(all[2].mailbox_id, c);
  EXPECT_EQ(all[3].mailbox_id, a);
  auto counts = CountByMailbox(All(seq.id));
  EXPECT_EQ(counts[a], 3);
  EXPECT_EQ(counts[b], 3);
  EXPECT_EQ(counts[c], 3);
  // The claim and every later read keep the pinned mailbox.
  for (const ClaimedEnrollment& claimed : Claim(At(10), "n"))
    EXPECT_EQ(claimed.enrollment.mailbox_id,
              store().GetEnrollment(claimed.enrollment.id)->mailbox_id);
}

TEST_P(StoreTest, RotationSkipsFullAndPausedMailboxes) {
  Id owner = NewUser("alice");
  Id a = MailboxWith(owner, 2);
  Id b = MailboxWith(owner, 2);
  Id paused = NewMailbox(owner, "Paused");
  ASSERT_TRUE(store().PauseMailbox(paused, At(0)).ok());
  Sequence seq = Rotating(store(), NewSequence(a), {b, paused});
  auto first = EnrollMany(seq.id, 4, At(0));
  auto counts = CountByMailbox(first);
  EXPECT_EQ(counts[a], 2);
  EXPECT_EQ(counts[b], 2);
  EXPECT_EQ(counts[paused], 0);
  // Both full for today: still assigned in turn among those not paused, to wait for tomorrow.
  Enrollment more = EnrollOk(seq.id, "late@example.com", At(1));
  EXPECT_TRUE(more.mailbox_id == a || more.mailbox_id == b);
}

TEST_P(StoreTest, RotationRoomCountsWhatWasSentToday) {
  Id owner = NewUser("alice");
  Id a = MailboxWith(owner, 2);
  Id b = MailboxWith(owner, 5);
  Sequence own = NewSequence(a);
  // Mailbox a already sent two today from another sequence.
  EnrollMany(own.id, 2, At(0));
  ASSERT_EQ(ClaimAndBegin(At(10)).size(), 2u);
  Sequence seq = Rotating(store(), NewSequence(a), {b});
  auto all = EnrollMany(seq.id, 3, At(20));
  for (const Enrollment& e : all) EXPECT_EQ(e.mailbox_id, b);
}

TEST_P(StoreTest, RotationEachMailboxSendsItsOwnShareUnderItsLimit) {
  Id owner = NewUser("alice");
  Id a = MailboxWith(owner, 2);
  Id b = MailboxWith(owner, 2);
  Sequence seq = Rotating(store(), NewSequence(a), {b});
  EnrollMany(seq.id, 6, At(0));
  std::map<Id, int> sent;
  for (const Id& id : ClaimAndBegin(At(10))) ++sent[store().GetEnrollment(id)->mailbox_id];
  EXPECT_EQ(sent[a], 2);
  EXPECT_EQ(sent[b], 2);
  EXPECT_TRUE(ClaimAndBegin(At(20)).empty());
}

TEST_P(StoreTest, RotationRefusesMailboxesThatAreNotOtherMailboxesOfTheOwner) {
  Id alice = NewUser("alice");
  Id a = NewMailbox(alice, "A");
  Id b = NewMailbox(alice, "B");
  Id theirs = NewMailbox(NewUser("mallory"), "M");
  Sequence seq = NewSequence(a);
  for (const std::vector<Id>& bad :
       std::vector<std::vector<Id>>{{theirs}, {"mbx_missing"}, {a}, {b, b}}) {
    Sequence edit = seq;
    edit.rotation = bad;
    auto refused = store().UpdateSequence(edit, {}, seq.updated_at);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "invalid_rotation");
    EXPECT_TRUE(store().GetSequence(seq.id)->rotation.empty());
  }
  Sequence create;
  create.mailbox_id = a;
  create.name = "x";
  create.steps = ThreeSteps();
  create.rotation = {theirs};
  EXPECT_EQ(store().CreateSequence(create).error().code, "invalid_rotation");
}

TEST_P(StoreTest, RotationSentMessagesNameTheirOwnMailbox) {
  Id owner = NewUser("alice");
  Id a = NewMailbox(owner, "A");
  Id b = NewMailbox(owner, "B");
  Sequence seq = Rotating(store(), NewSequence(a), {b});
  EnrollOk(seq.id, "one@example.com", At(0));
  Enrollment second = EnrollOk(seq.id, "two@example.com", At(1));
  ASSERT_EQ(second.mailbox_id, b);
  ASSERT_EQ(Claim(At(2), "n").size(), 2u);
  Message m = BeginOk("n", second.id, "s1", At(2));
  auto ref = store().FindSentMessage(m.message_id);
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->mailbox_id, b);
  EXPECT_EQ(store().ListRecentSentTo(b, "two@example.com", 5).size(), 1u);
  EXPECT_TRUE(store().ListRecentSentTo(a, "two@example.com", 5).empty());
}

TEST_P(StoreTest, RotationAMailboxWithPinnedContactsCannotBeDeleted) {
  Id owner = NewUser("alice");
  Id a = NewMailbox(owner, "A");
  Id b = NewMailbox(owner, "B");
  Sequence seq = Rotating(store(), NewSequence(a), {b});
  EnrollOk(seq.id, "one@example.com", At(0));
  EnrollOk(seq.id, "two@example.com", At(1));  // pinned to b
  EXPECT_EQ(store().DeleteMailbox(b).error().code, "mailbox_in_use");
}

}  // namespace mailmark::testing
