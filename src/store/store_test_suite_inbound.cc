// StoreTest: inbound mail (SPEC "Inbound"): finding sent messages, IMAP cursors and statuses,
// history lines without a status change.
#include "store/store_test_suite.h"

namespace mailmark::testing {
namespace {

// ---- finding what a reply or a bounce is about ------------------------------------------------

TEST_P(StoreTest, FindsASentMessageByMessageIdAndByRowId) {
  Sequence seq = NewOwnedSequence("alice");
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "n").size(), 1u);
  Message m = BeginOk("n", e.id, "s1", At(1));

  auto by_id = store().FindSentMessage(m.message_id);
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->enrollment_id, e.id);
  EXPECT_EQ(by_id->message_row_id, m.id);
  EXPECT_EQ(by_id->message_id, m.message_id);
  EXPECT_EQ(by_id->contact_email, "bob@example.com");
  EXPECT_EQ(by_id->subject, "Hello");
  EXPECT_EQ(by_id->mailbox_id, seq.mailbox_id);
  EXPECT_EQ(by_id->created_at, At(1));

  auto by_row = store().FindSentMessageByRowId(m.id);
  ASSERT_TRUE(by_row);
  EXPECT_EQ(by_row->message_id, m.message_id);
  EXPECT_EQ(by_row->enrollment_id, e.id);

  EXPECT_FALSE(store().FindSentMessage(""));
  EXPECT_FALSE(store().FindSentMessage("<unknown@sender.example>"));
  // Exact comparison: without the angle brackets it is another id.
  EXPECT_FALSE(store().FindSentMessage(m.message_id.substr(1, m.message_id.size() - 2)));
  EXPECT_FALSE(store().FindSentMessageByRowId(""));
  EXPECT_FALSE(store().FindSentMessageByRowId("msg_unknown"));
  EXPECT_FALSE(store().FindSentMessageByRowId(m.message_id));
}

TEST_P(StoreTest, ListsTheMailboxsRecentSendsToAContactNewestFirst) {
  Sequence first = NewOwnedSequence("alice");
  Sequence second = NewSequence(first.mailbox_id);
  Sequence elsewhere = NewSequence(NewMailbox(first.owner_id, "Other"));
  Enrollment a = EnrollOk(first.id, "bob@example.com", At(0));
  Enrollment b = EnrollOk(second.id, "bob@example.com", At(0));
  Enrollment c = EnrollOk(elsewhere.id, "bob@example.com", At(0));
  Enrollment d = EnrollOk(first.id, "carol@example.com", At(0));
  ASSERT_EQ(Claim(At(0), "n").size(), 4u);
  Message ma = BeginOk("n", a.id, "s1", At(1));
  Message mb = BeginOk("n", b.id, "s1", At(2));
  BeginOk("n", c.id, "s1", At(3));
  BeginOk("n", d.id, "s1", At(4));

  auto recent = store().ListRecentSentTo(first.mailbox_id, "Bob@Example.com", 50);
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ(recent[0].message_row_id, mb.id);
  EXPECT_EQ(recent[1].message_row_id, ma.id);
  auto one = store().ListRecentSentTo(first.mailbox_id, "bob@example.com", 1);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].message_row_id, mb.id);
  EXPECT_TRUE(store().ListRecentSentTo(first.mailbox_id, "nobody@example.com", 50).empty());
  EXPECT_TRUE(store().ListRecentSentTo("mbx_unknown", "bob@example.com", 50).empty());
}

TEST_P(StoreTest, ListsOnlyMailboxesWithImapSettings) {
  Id owner = NewUser("alice");
  Id plain = NewMailbox(owner, "Plain");
  Id with_imap = NewMailbox(NewUser("bob"), "Inbox");
  auto m = store().GetMailbox(with_imap);
  ASSERT_TRUE(m);
  m->imap = ImapSettings{"imap.example", 143, TlsMode::kNone, "u", "pw", "INBOX"};
  ASSERT_TRUE(store().UpdateMailbox(*m));
  auto listed = store().ListImapMailboxes();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, with_imap);
  ASSERT_TRUE(listed[0].imap);
  EXPECT_EQ(listed[0].imap->password, "pw");
  (void)plain;
}

// ---- IMAP cursor and status -------------------------------------------------------------------

TEST_P(StoreTest, KeepsOneImapCursorPerMailbox) {
  Id owner = NewUser("alice");
  Id mailbox = NewMailbox(owner);
  Id other = NewMailbox(owner, "Other");
  EXPECT_FALSE(store().LoadImapCursor(mailbox));
  ASSERT_TRUE(store().SaveImapCursor(mailbox, 7, 0));
  EXPECT_EQ(store().LoadImapCursor(mailbox), (ImapCursorRow{7, 0}));
  ASSERT_TRUE(store().SaveImapCursor(mailbox, 7, 42));
  ASSERT_TRUE(store().SaveImapCursor(other, 1, 3));
  EXPECT_EQ(store().LoadImapCursor(mailbox), (ImapCursorRow{7, 42}));
  EXPECT_EQ(store().LoadImapCursor(other), (ImapCursorRow{1, 3}));
  // The full range of IMAP's 32-bit numbers survives.
  ASSERT_TRUE(store().SaveImapCursor(mailbox, 4'294'967'295u, 4'294'967'294u));
  EXPECT_EQ(store().LoadImapCursor(mailbox), (ImapCursorRow{4'294'967'295u, 4'294'967'294u}));

  Status gone = store().SaveImapCursor("mbx_unknown", 1, 1);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, "mailbox_not_found");
  ASSERT_TRUE(store().DeleteMailbox(other));
  EXPECT_FALSE(store().LoadImapCursor(other));
}

TEST_P(StoreTest, KeepsTheLastImapStatus) {
  Id mailbox = NewMailbox(NewUser("alice"));
  EXPECT_FALSE(store().LoadImapStatus(mailbox));
  ASSERT_TRUE(store().SaveImapStatus(mailbox, false, "imap_login_failed: refused", At(5)));
  auto s = store().LoadImapStatus(mailbox);
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->connected);
  EXPECT_EQ(s->last_error, "imap_login_failed: refused");
  EXPECT_EQ(s->at, At(5));
  ASSERT_TRUE(store().SaveImapStatus(mailbox, true, "", At(9)));
  s = store().LoadImapStatus(mailbox);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->connected);
  EXPECT_EQ(s->last_error, "");
  EXPECT_EQ(s->at, At(9));
  Status gone = store().SaveImapStatus("mbx_unknown", true, "", At(1));
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, "mailbox_not_found");
}

// ---- history without a status change ----------------------------------------------------------

TEST_P(StoreTest, AnInboundEventAddsHistoryWithoutChangingTheStatus) {
  Sequence seq = NewOwnedSequence("alice");
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_TRUE(store().RecordInboundEvent(e.id, "auto_reply: x-autoreply", At(7)));
  auto after = store().GetEnrollment(e.id);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, EnrollmentStatus::kActive);
  EXPECT_EQ(after->next_run_at, e.next_run_at);
  auto history = store().ListHistory(e.id);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].status, "active");
  EXPECT_EQ(history[1].cause, "auto_reply: x-autoreply");
  EXPECT_EQ(history[1].at, At(7));

  // On a final enrollment it is recorded under the final status.
  ASSERT_TRUE(
      store().FinishEnrollment(e.id, EnrollmentStatus::kReplied, "reply_received", "", At(8)));
  ASSERT_TRUE(store().RecordInboundEvent(e.id, "reply_from_other x@y.example", At(9)));
  history = store().ListHistory(e.id);
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history[3].status, "replied");

  Status gone = store().RecordInboundEvent("enr_unknown", "x", At(1));
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, "enrollment_not_found");
}

}  // namespace
}  // namespace mailmark::testing
