// StoreTest: fixture helpers; users, credentials, mailboxes and sequences.
#include "store/store_test_suite.h"

#include <algorithm>

#include "core/ids.h"

namespace mailmark::testing {

// ---- fixture ----------------------------------------------------------------------------------

void StoreTest::SetUp() {
  store_ = GetParam()();
  ASSERT_NE(store_, nullptr);
}

Timestamp StoreTest::At(std::int64_t ms) { return FromMillis(1'700'000'000'000 + ms); }

std::vector<Step> StoreTest::ThreeSteps() {
  Step s1{"s1", StepType::kSendEmail, "Hello {{firstName}}", "<p>Hi</p>", std::nullopt, 0};
  Step d1{"d1", StepType::kDelay, "", "", std::nullopt, 3 * kDay};
  Step s2{"s2", StepType::kSendEmail, "", "<p>Following up</p>", "Following up", 0};
  return {s1, d1, s2};
}

Id StoreTest::NewUser(const std::string& name) {
  auto user = store().CreateUser(name, "$argon2id$hash", At(0));
  EXPECT_TRUE(user.ok()) << user.error().code;
  return user.ok() ? user->id : Id{};
}

Id StoreTest::NewMailbox(const Id& owner, const std::string& name) {
  Mailbox m;
  m.owner_id = owner;
  m.name = name;
  m.from_name = "Alice Sender";
  m.from_email = "alice@sender.example";
  m.created_at = m.updated_at = At(0);
  auto created = store().CreateMailbox(m);
  EXPECT_TRUE(created.ok()) << created.error().code;
  return created.ok() ? created->id : Id{};
}

Sequence StoreTest::NewSequence(const Id& mailbox, std::vector<Step> steps) {
  Sequence s;
  s.mailbox_id = mailbox;
  s.name = "Outreach";
  s.steps = std::move(steps);
  s.created_at = s.updated_at = At(0);
  auto created = store().CreateSequence(s);
  EXPECT_TRUE(created.ok()) << created.error().code;
  return created.ok() ? *created : Sequence{};
}

Sequence StoreTest::NewOwnedSequence(const std::string& user_name) {
  return NewSequence(NewMailbox(NewUser(user_name)));
}

std::string StoreTest::Email(std::string_view raw) {
  auto email = CheckContactEmail(raw);
  EXPECT_TRUE(email.ok()) << raw;
  return email.ok() ? *email : std::string(raw);
}

Enrollment StoreTest::EnrollOk(const Id& sequence_id, std::string_view email, Timestamp now,
                               bool force) {
  auto out = store().Enroll(sequence_id, {NewEnrollment{Email(email), {}, force}}, now);
  EXPECT_TRUE(out.ok());
  if (!out.ok() || out->size() != 1) return {};
  const EnrollOutcome& o = out->front();
  EXPECT_TRUE(o.enrollment.has_value()) << (o.error ? o.error->code : "");
  return o.enrollment.value_or(Enrollment{});
}

Error StoreTest::EnrollError(const Id& sequence_id, std::string_view email, Timestamp now,
                             bool force) {
  auto out = store().Enroll(sequence_id, {NewEnrollment{Email(email), {}, force}}, now);
  EXPECT_TRUE(out.ok());
  if (!out.ok() || out->size() != 1) return {};
  const EnrollOutcome& o = out->front();
  EXPECT_FALSE(o.enrollment.has_value());
  EXPECT_TRUE(o.error.has_value());
  return o.error.value_or(Error{});
}

std::vector<ClaimedEnrollment> StoreTest::Claim(Timestamp now, std::string_view node,
                                                std::int64_t lease_ms, std::size_t limit) {
  return store().ClaimDue(now, node, now + Duration{lease_ms}, limit);
}

Message StoreTest::BeginOk(std::string_view node, const Id& enrollment_id, const Id& step,
                           Timestamp now, std::optional<Id> existing) {
  SendStart start{enrollment_id, step, "<" + RandomHex(8) + "@sender.example>", "Hello", existing};
  auto begun = store().BeginSends(node, {start}, now);
  EXPECT_EQ(begun.size(), 1u);
  EXPECT_TRUE(!begun.empty() && begun.front().has_value()) << "send refused";
  return (!begun.empty() && begun.front()) ? *begun.front() : Message{};
}

Id StoreTest::MailboxWith(const Id& owner, std::optional<std::int64_t> limit, std::string zone,
                          SendGap gap, std::optional<BounceProtection> protection) {
  Id id = NewMailbox(owner, "Limited");
  auto m = store().GetMailbox(id);
  EXPECT_TRUE(m);
  if (!m) return id;
  m->daily_limit = limit;
  m->timezone = std::move(zone);
  m->send_gap = gap;
  m->bounce_protection = protection;
  auto updated = store().UpdateMailbox(*m);
  EXPECT_TRUE(updated.ok()) << updated.error().code;
  return id;
}

std::vector<Enrollment> StoreTest::EnrollMany(const Id& sequence_id, int n, Timestamp at) {
  std::vector<Enrollment> out;
  for (int i = 0; i < n; ++i)
    out.push_back(
        EnrollOk(sequence_id, "c" + std::to_string(i) + "@example.com", at + Duration{i}));
  return out;
}

std::vector<Id> StoreTest::ClaimAndBegin(Timestamp at) {
  std::vector<Id> begun;
  for (const ClaimedEnrollment& c : Claim(at, "n")) {
    SendStart start{c.enrollment.id, "s1", "<" + RandomHex(8) + "@sender.example>", "Hello",
                    c.pending ? std::optional<Id>(c.pending->id) : std::nullopt};
    auto rows = store().BeginSends("n", {start}, at);
    if (rows.size() == 1 && rows[0]) begun.push_back(c.enrollment.id);
  }
  return begun;
}

void StoreTest::SendEach(const Id& sequence_id, const std::vector<bool>& bounce, Timestamp at) {
  for (std::size_t i = 0; i < bounce.size(); ++i) {
    Enrollment e = EnrollOk(sequence_id, "b" + RandomHex(6) + "@example.com", at);
    auto claimed = Claim(at, "n");
    ASSERT_EQ(claimed.size(), 1u) << i;
    Message m = BeginOk("n", e.id, "s1", at);
    store().RecordOutcomes("n", {bounce[i] ? RefusedOutcome(e.id, m) : OkOutcome(e.id, m, "s1")},
                           at);
  }
}

StepOutcome StoreTest::OkOutcome(const Id& enrollment, const Message& m, const Id& ran) {
  StepOutcome o;
  o.enrollment_id = enrollment;
  o.ran_step_id = ran;
  o.message = m.id;
  o.message_state = MessageState::kSent;
  o.response = "250 2.0.0 Ok: queued";
  o.last_step_id = ran;
  o.events = {"sent " + ran + " " + m.message_id};
  return o;
}

StepOutcome StoreTest::RefusedOutcome(const Id& enrollment, const Message& m) {
  StepOutcome o;
  o.enrollment_id = enrollment;
  o.message = m.id;
  o.message_state = MessageState::kFailed;
  o.response = "550 5.1.1 no such user";
  o.status = EnrollmentStatus::kBounced;
  o.status_reason = o.response;
  return o;
}

std::vector<Enrollment> StoreTest::All(const Id& sequence_id,
                                       std::optional<EnrollmentStatus> status, std::size_t page) {
  std::vector<Enrollment> all;
  std::string cursor;
  for (int guard = 0; guard < 100000; ++guard) {
    auto p = store().ListEnrollments(sequence_id, status, page, cursor);
    EXPECT_TRUE(p.ok()) << p.error().code;
    if (!p.ok()) break;
    const std::size_t full = std::min<std::size_t>(std::max<std::size_t>(page, 1), 1000);
    EXPECT_LE(p->enrollments.size(), full);
    all.insert(all.end(), p->enrollments.begin(), p->enrollments.end());
    if (!p->next_cursor) break;
    EXPECT_EQ(p->enrollments.size(), full) << "only the last page may be short";
    cursor = *p->next_cursor;
  }
  return all;
}

namespace {

// ---- users and credentials --------------------------------------------------------------------

TEST_P(StoreTest, CreatesAndFindsUsers) {
  EXPECT_EQ(store().CountUsers(), 0);
  auto alice = store().CreateUser("alice", "$argon2id$a", At(5));
  ASSERT_TRUE(alice.ok());
  EXPECT_FALSE(alice->id.empty());
  EXPECT_EQ(alice->name, "alice");
  EXPECT_EQ(alice->created_at, At(5));
  auto bob = store().CreateUser("bob", "", At(6));
  ASSERT_TRUE(bob.ok());
  EXPECT_NE(alice->id, bob->id);
  EXPECT_EQ(store().CountUsers(), 2);

  auto by_name = store().FindUserByName("alice");
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->id, alice->id);
  EXPECT_EQ(by_name->password_hash, "$argon2id$a");
  auto by_id = store().FindUserById(bob->id);
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->name, "bob");
  EXPECT_EQ(by_id->password_hash, "");
  EXPECT_FALSE(store().FindUserByName("carol"));
  EXPECT_FALSE(store().FindUserById("usr_missing"));
  EXPECT_FALSE(store().FindUserByName(""));
}

TEST_P(StoreTest, RefusesATakenUserName) {
  NewUser("alice");
  auto again = store().CreateUser("alice", "x", At(1));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "user_exists");
  EXPECT_EQ(again.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(store().CountUsers(), 1);
}

TEST_P(StoreTest, CredentialsExpireAndCanBeDeleted) {
  Id alice = NewUser("alice");
  ASSERT_TRUE(store().AddCredential(alice, "hash-api", "api", std::nullopt, At(0)).ok());
  ASSERT_TRUE(store().AddCredential(alice, "hash-session", "session", At(1000), At(0)).ok());

  auto api = store().FindUserByCredential("hash-api", At(100 * kDay));
  ASSERT_TRUE(api);
  EXPECT_EQ(api->id, alice);
  EXPECT_TRUE(store().FindUserByCredential("hash-session", At(999)));
  EXPECT_FALSE(store().FindUserByCredential("hash-session", At(1000)));  // expires_at excluded
  EXPECT_FALSE(store().FindUserByCredential("hash-session", At(5000)));
  EXPECT_FALSE(store().FindUserByCredential("hash-unknown", At(0)));
  EXPECT_FALSE(store().FindUserByCredential("", At(0)));

  EXPECT_TRUE(store().DeleteCredential("hash-api").ok());
  EXPECT_FALSE(store().FindUserByCredential("hash-api", At(0)));
  EXPECT_TRUE(store().DeleteCredential("hash-api").ok());  // signing out twice is fine
  EXPECT_TRUE(store().FindUserByCredential("hash-session", At(0)));
}

TEST_P(StoreTest, RefusesBadCredentials) {
  Id alice = NewUser("alice");
  auto unknown_user = store().AddCredential("usr_missing", "h1", "api", std::nullopt, At(0));
  ASSERT_FALSE(unknown_user.ok());
  EXPECT_EQ(unknown_user.error().kind, ErrorKind::kNotFound);
  auto bad_kind = store().AddCredential(alice, "h2", "root", std::nullopt, At(0));
  ASSERT_FALSE(bad_kind.ok());
  EXPECT_EQ(bad_kind.error().kind, ErrorKind::kBadRequest);
  ASSERT_TRUE(store().AddCredential(alice, "h3", "api", std::nullopt, At(0)).ok());
  auto dup = store().AddCredential(alice, "h3", "session", At(9), At(0));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().kind, ErrorKind::kConflict);
  EXPECT_FALSE(store().FindUserByCredential("h2", At(0)));
}

// ---- mailboxes --------------------------------------------------------------------------------

TEST_P(StoreTest, MailboxesRoundTripAndListPerOwner) {
  Id alice = NewUser("alice");
  Id bob = NewUser("bob");
  Mailbox m;
  m.owner_id = alice;
  m.name = "Sales";
  m.from_name = "Ålice \"Sales\"";
  m.from_email = "alice@sender.example";
  m.transport = TransportType::kSmtp;
  m.smtp = SmtpSettings{"smtp.example", 465,      TlsMode::kTls,           false,
                        "alice",        "s3cret", "bounces@sender.example"};
  m.imap = ImapSettings{"imap.example", 143, TlsMode::kStartTls, "alice", "pw", "Inbox/Replies"};
  m.daily_limit = 200;
  m.created_at = At(-10);  // older than the helpers' mailboxes, which list after it
  m.updated_at = At(2);
  auto created = store().CreateMailbox(m);
  ASSERT_TRUE(created.ok()) << created.error().code;
  EXPECT_FALSE(created->id.empty());

  auto got = store().GetMailbox(created->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->owner_id, alice);
  EXPECT_EQ(got->from_name, m.from_name);
  EXPECT_EQ(got->transport, TransportType::kSmtp);
  ASSERT_TRUE(got->smtp);
  EXPECT_EQ(got->smtp->host, "smtp.example");
  EXPECT_EQ(got->smtp->port, 465);
  EXPECT_EQ(got->smtp->tls, TlsMode::kTls);
  EXPECT_FALSE(got->smtp->tls_verify);
  EXPECT_EQ(got->smtp->bounce_address, "bounces@sender.example");
  EXPECT_EQ(got->smtp->password, "s3cret");
  ASSERT_TRUE(got->imap);
  EXPECT_EQ(got->imap->port, 143);
  EXPECT_EQ(got->imap->tls, TlsMode::kStartTls);
  EXPECT_EQ(got->imap->folder, "Inbox/Replies");
  EXPECT_EQ(got->daily_limit, 200);
  EXPECT_EQ(got->created_at, At(-10));
  EXPECT_EQ(got->updated_at, At(2));

  Id second = NewMailbox(alice, "Support");
  Id bobs = NewMailbox(bob, "Bob's");
  auto list = store().ListMailboxes(alice);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, created->id);
  EXPECT_EQ(list[1].id, second);
  ASSERT_EQ(store().ListMailboxes(bob).size(), 1u);
  EXPECT_EQ(store().ListMailboxes(bob)[0].id, bobs);
  EXPECT_TRUE(store().ListMailboxes("usr_missing").empty());
  EXPECT_FALSE(store().GetMailbox("mbx_missing"));
}

TEST_P(StoreTest, UpdatesMailboxes) {
  Id alice = NewUser("alice");
  Id id = NewMailbox(alice);
  Mailbox m = *store().GetMailbox(id);
  m.name = "Renamed";
  m.transport = TransportType::kOutbox;
  m.smtp.reset();
  m.imap.reset();
  m.daily_limit.reset();
  m.owner_id = "usr_somebody_else";  // the owner never changes
  m.updated_at = At(50);
  auto updated = store().UpdateMailbox(m);
  ASSERT_TRUE(updated.ok()) << updated.error().code;
  EXPECT_EQ(updated->name, "Renamed");
  EXPECT_EQ(updated->owner_id, alice);
  EXPECT_FALSE(updated->smtp);
  EXPECT_FALSE(updated->daily_limit);
  EXPECT_EQ(updated->updated_at, At(50));
  EXPECT_EQ(store().GetMailbox(id)->name, "Renamed");

  m.id = "mbx_missing";
  auto missing = store().UpdateMailbox(m);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "mailbox_not_found");
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
}

TEST_P(StoreTest, MailboxForUnknownOwnerIsRefused) {
  Mailbox m;
  m.owner_id = "usr_missing";
  m.name = "x";
  auto created = store().CreateMailbox(m);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().kind, ErrorKind::kNotFound);
}

TEST_P(StoreTest, MailboxInUseCannotBeDeleted) {
  Id alice = NewUser("alice");
  Id mailbox = NewMailbox(alice);
  Sequence seq = NewSequence(mailbox);
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));

  auto refused = store().DeleteMailbox(mailbox);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "mailbox_in_use");
  EXPECT_EQ(refused.error().kind, ErrorKind::kConflict);

  ASSERT_TRUE(store().ApplyAction(seq.id, SequenceAction::kPause, At(1)).ok());
  EXPECT_EQ(store().DeleteMailbox(mailbox).error().code, "mailbox_in_use");  // paused counts

  ASSERT_TRUE(
      store()
          .FinishEnrollment(e.id, EnrollmentStatus::kCancelled, "cancelled_by_user", "", At(2))
          .ok());
  ASSERT_TRUE(store().DeleteMailbox(mailbox).ok());
  EXPECT_FALSE(store().GetMailbox(mailbox));
  EXPECT_FALSE(store().GetSequence(seq.id));
  EXPECT_FALSE(store().GetEnrollment(e.id));
  EXPECT_TRUE(store().ListHistory(e.id).empty());
  EXPECT_TRUE(store().ListSequences(mailbox).empty());
  EXPECT_TRUE(store().FindUserById(alice));  // the owner stays

  auto again = store().DeleteMailbox(mailbox);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "mailbox_not_found");
}

TEST_P(StoreTest, MailboxOfACompletedSequenceCanBeDeleted) {
  Id mailbox = NewMailbox(NewUser("alice"));
  Sequence seq = NewSequence(mailbox);
  EnrollOk(seq.id, "bob@example.com", At(0));
  ASSERT_TRUE(store().ApplyAction(seq.id, SequenceAction::kComplete, At(1)).ok());
  EXPECT_TRUE(store().DeleteMailbox(mailbox).ok());
}

// ---- sequences --------------------------------------------------------------------------------

TEST_P(StoreTest, SequencesRoundTrip) {
  Id alice = NewUser("alice");
  Id mailbox = NewMailbox(alice);
  Sequence created = NewSequence(mailbox);
  EXPECT_FALSE(created.id.empty());
  EXPECT_EQ(created.owner_id, alice);
  EXPECT_EQ(created.status, SequenceStatus::kActive);

  auto got = store().GetSequence(created.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->mailbox_id, mailbox);
  EXPECT_EQ(got->owner_id, alice);
  EXPECT_EQ(got->name, "Outreach");
  ASSERT_EQ(got->steps.size(), 3u);
  auto want = ThreeSteps();
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got->steps[i].id, want[i].id);
    EXPECT_EQ(got->steps[i].type, want[i].type);
    EXPECT_EQ(got->steps[i].subject, want[i].subject);
    EXPECT_EQ(got->steps[i].html, want[i].html);
    EXPECT_EQ(got->steps[i].text, want[i].text);
    EXPECT_EQ(got->steps[i].delay_ms, want[i].delay_ms);
  }
  EXPECT_FALSE(got->steps[0].text.has_value());
  EXPECT_EQ(got->created_at, At(0));

  Sequence second = NewSequence(mailbox);
  auto list = store().ListSequences(mailbox);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, created.id);
  EXPECT_EQ(list[1].id, second.id);
  EXPECT_FALSE(store().GetSequence("seq_missing"));
  EXPECT_TRUE(store().ListSequences("mbx_missing").empty());
}

TEST_P(StoreTest, SequenceCreationChecksItsInput) {
  Id mailbox = NewMailbox(NewUser("alice"));
  Sequence s;
  s.mailbox_id = mailbox;
  s.name = "x";
  s.steps = {Step{"", StepType::kSendEmail, "Hi", "<p>x</p>", std::nullopt, 0}};
  auto fresh_id = store().CreateSequence(s);
  ASSERT_TRUE(fresh_id.ok());
  EXPECT_FALSE(fresh_id->steps[0].id.empty());  // a new step gets its stable id

  s.steps = {Step{"d", StepType::kDelay, "", "", std::nullopt, 1000}};
  auto leading_delay = store().CreateSequence(s);
  ASSERT_FALSE(leading_delay.ok());
  EXPECT_EQ(leading_delay.error().code, "sequence_must_start_with_email");

  s.steps = ThreeSteps();
  s.mailbox_id = "mbx_missing";
  auto no_mailbox = store().CreateSequence(s);
  ASSERT_FALSE(no_mailbox.ok());
  EXPECT_EQ(no_mailbox.error().code, "mailbox_not_found");
  EXPECT_EQ(store().ListSequences(mailbox).size(), 1u);
}

TEST_P(StoreTest, UpdatesSequences) {
  Sequence seq = NewOwnedSequence();
  Sequence edit = seq;
  edit.name = "Renamed";
  edit.steps[0].subject = "New subject";
  edit.steps.push_back(Step{"s3", StepType::kSendEmail, "", "<p>Last</p>", std::nullopt, 0});
  auto updated = store().UpdateSequence(edit, {}, At(10));
  ASSERT_TRUE(updated.ok()) << updated.error().code;
  EXPECT_EQ(updated->name, "Renamed");
  ASSERT_EQ(updated->steps.size(), 4u);
  EXPECT_EQ(updated->steps[0].subject, "New subject");
  EXPECT_EQ(updated->updated_at, At(10));
  EXPECT_EQ(updated->created_at, At(0));
  EXPECT_EQ(store().GetSequence(seq.id)->steps.size(), 4u);

  // An edit made from the version before this one would undo it: refused, nothing changed.
  Sequence stale = seq;
  stale.name = "From an old tab";
  auto refused = store().UpdateSequence(stale, {}, At(12), seq.updated_at);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "sequence_changed");
  EXPECT_EQ(refused.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(store().GetSequence(seq.id)->name, "Renamed");
  auto fresh = store().UpdateSequence(stale, {}, At(13), updated->updated_at);
  ASSERT_TRUE(fresh.ok()) << fresh.error().code;
  EXPECT_EQ(fresh->name, "From an old tab");

  edit.id = "seq_missing";
  auto missing = store().UpdateSequence(edit, {}, At(11));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "sequence_not_found");
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
}

TEST_P(StoreTest, RemovingAStepMovesContactsMidway) {
  Sequence seq = NewOwnedSequence();
  Enrollment waiting = EnrollOk(seq.id, "waiting@example.com", At(0));  // sent s1, waits on d1
  Enrollment fresh = EnrollOk(seq.id, "fresh@example.com", At(0));      // nothing ran yet
  Enrollment done = EnrollOk(seq.id, "done@example.com", At(0));        // completed on d1

  auto claimed = Claim(At(0), "node-a");
  ASSERT_EQ(claimed.size(), 3u);
  std::vector<StepOutcome> outcomes;
  for (const auto& c : claimed) {
    StepOutcome o;
    o.enrollment_id = c.enrollment.id;
    if (c.enrollment.id == waiting.id) {
      o.ran_step_id = "s1";  // sent s1 (found already sent), now waits on d1
    } else if (c.enrollment.id == done.id) {
      o.status = EnrollmentStatus::kCompleted;
    } else {
      o.next_run_at = At(0);  // released untouched
    }
    outcomes.push_back(o);
  }
  store().RecordOutcomes("node-a", outcomes, At(1));

  Sequence before = *store().GetSequence(seq.id);
  Sequence edit = before;
  edit.steps.erase(edit.steps.begin() + 1);  // drop the delay d1
  StepRemap remap = RemapRemovedSteps(before.steps, edit.steps);
  ASSERT_EQ(remap.size(), 1u);
  auto updated = store().UpdateSequence(edit, remap, At(2));
  ASSERT_TRUE(updated.ok());

  auto w = store().GetEnrollment(waiting.id);
  EXPECT_EQ(w->last_step_id, std::optional<Id>("s1"));
  EXPECT_EQ(w->next_run_at, At(1 + 3 * kDay));  // an edit never brings a step forward
  EXPECT_EQ(w->status, EnrollmentStatus::kActive);
  EXPECT_FALSE(store().GetEnrollment(fresh.id)->last_step_id);
  auto d = store().GetEnrollment(done.id);
  EXPECT_EQ(d->status, EnrollmentStatus::kCompleted);

  // Removing the first step sends mid-way contacts back to "nothing ran".
  Sequence before2 = *store().GetSequence(seq.id);
  Sequence edit2 = before2;
  edit2.steps.erase(edit2.steps.begin());
  edit2.steps[0].subject = "Now the first email";
  ASSERT_TRUE(
      store().UpdateSequence(edit2, RemapRemovedSteps(before2.steps, edit2.steps), At(3)).ok());
  EXPECT_FALSE(store().GetEnrollment(waiting.id)->last_step_id);
}

// ---- sequence actions -------------------------------------------------------------------------

TEST_P(StoreTest, PausesAndResumes) {
  Sequence seq = NewOwnedSequence();
  auto paused = store().ApplyAction(seq.id, SequenceAction::kPause, At(1));
  ASSERT_TRUE(paused.ok());
  EXPECT_EQ(paused->status, SequenceStatus::kPaused);
  EXPECT_EQ(store().GetSequence(seq.id)->status, SequenceStatus::kPaused);
  auto again = store().ApplyAction(seq.id, SequenceAction::kPause, At(2));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, SequenceStatus::kPaused);
  auto resumed = store().ApplyAction(seq.id, SequenceAction::kResume, At(3));
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->status, SequenceStatus::kActive);
  EXPECT_TRUE(store().ApplyAction(seq.id, SequenceAction::kResume, At(4)).ok());

  auto missing = store().ApplyAction("seq_missing", SequenceAction::kPause, At(5));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "sequence_not_found");
}

TEST_P(StoreTest, CompletingCancelsActiveEnrollmentsForGood) {
  Sequence seq = NewOwnedSequence();
  Enrollment a = EnrollOk(seq.id, "a@example.com", At(0));
  Enrollment b = EnrollOk(seq.id, "b@example.com", At(0));
  Enrollment r = EnrollOk(seq.id, "r@example.com", At(0));
  ASSERT_TRUE(store().FinishEnrollment(r.id, EnrollmentStatus::kReplied, "reply", "", At(1)).ok());

  auto completed = store().ApplyAction(seq.id, SequenceAction::kComplete, At(2));
  ASSERT_TRUE(completed.ok());
  EXPECT_EQ(completed->status, SequenceStatus::kCompleted);
  for (const Id& id : {a.id, b.id}) {
    auto e = store().GetEnrollment(id);
    EXPECT_EQ(e->status, EnrollmentStatus::kCancelled);
    EXPECT_FALSE(e->next_run_at);
    auto history = store().ListHistory(id);
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[1].cause, "sequence_completed");
    EXPECT_EQ(history[1].status, "cancelled");
    EXPECT_EQ(history[1].at, At(2));
  }
  EXPECT_EQ(store().GetEnrollment(r.id)->status, EnrollmentStatus::kReplied);
  SequenceCounts counts = store().CountEnrollments(seq.id);
  EXPECT_EQ(counts.active, 0);
  EXPECT_EQ(counts.cancelled, 2);
  EXPECT_EQ(counts.replied, 1);
  EXPECT_TRUE(Claim(At(100), "node").empty());

  for (SequenceAction act :
       {SequenceAction::kResume, SequenceAction::kPause, SequenceAction::kComplete}) {
    auto refused = store().ApplyAction(seq.id, act, At(3));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "sequence_completed");
    EXPECT_EQ(refused.error().kind, ErrorKind::kConflict);
  }
  auto edit = store().UpdateSequence(*completed, {}, At(4));
  ASSERT_FALSE(edit.ok());
  EXPECT_EQ(edit.error().code, "sequence_completed");
  Error enroll = EnrollError(seq.id, "new@example.com", At(5));
  EXPECT_EQ(enroll.code, "sequence_completed");
  EXPECT_EQ(store().GetSequence(seq.id)->status, SequenceStatus::kCompleted);
}

TEST_P(StoreTest, CountsEnrollmentsByStatus) {
  Sequence seq = NewOwnedSequence();
  SequenceCounts zero = store().CountEnrollments(seq.id);
  EXPECT_EQ(zero.active + zero.completed + zero.replied + zero.cancelled + zero.bounced, 0);
  std::vector<Enrollment> e;
  for (int i = 0; i < 6; ++i)
    e.push_back(EnrollOk(seq.id, "c" + std::to_string(i) + "@example.com", At(0)));
  const std::pair<EnrollmentStatus, int> finishes[] = {{EnrollmentStatus::kCompleted, 1},
                                                       {EnrollmentStatus::kReplied, 2},
                                                       {EnrollmentStatus::kCancelled, 3},
                                                       {EnrollmentStatus::kBounced, 4}};
  for (const auto& [to, i] : finishes)
    ASSERT_TRUE(store().FinishEnrollment(e[i].id, to, "test", "", At(1)).ok());
  SequenceCounts c = store().CountEnrollments(seq.id);
  EXPECT_EQ(c.active, 2);
  EXPECT_EQ(c.completed, 1);
  EXPECT_EQ(c.replied, 1);
  EXPECT_EQ(c.cancelled, 1);
  EXPECT_EQ(c.bounced, 1);
  SequenceCounts none = store().CountEnrollments("seq_missing");
  EXPECT_EQ(none.active, 0);
}

}  // namespace
}  // namespace mailmark::testing
