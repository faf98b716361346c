// StoreTest: the read-only views the web UI needs: per-step figures of a sequence and the
// enrollment search.
#include "store/store_test_suite.h"

namespace mailmark::testing {
namespace {

class Runs {
 public:
  explicit Runs(Store& store) : store_(store) {}

  // Claims what is due at `now` (it must include `enrollment`), starts a send of `step` and
  // records it as the transport's answer `state` says: sent moves the contact on, failed
  // bounces it (a 5xx), sending leaves it pending for a retry.
  void Run(const Id& enrollment, const Id& step, Timestamp now, MessageState state) {
    auto claimed = store_.ClaimDue(now, "node", now + Duration{60'000}, 100);
    const ClaimedEnrollment* mine = nullptr;
    for (const ClaimedEnrollment& c : claimed)
      if (c.enrollment.id == enrollment) mine = &c;
    ASSERT_NE(mine, nullptr) << enrollment << " is not due";
    SendStart start{enrollment, step, "<" + enrollment + step + "@sender.example>", "Hi", {}};
    auto begun = store_.BeginSends("node", {start}, now);
    ASSERT_TRUE(begun.size() == 1 && begun[0]);
    StepOutcome o;
    o.enrollment_id = enrollment;
    o.message = begun[0]->id;
    o.message_state = state;
    if (state == MessageState::kSent) {
      o.ran_step_id = step;
      o.response = "250 ok";
    } else {
      o.last_step_id = mine->enrollment.last_step_id;
      if (state == MessageState::kFailed) {
        o.status = EnrollmentStatus::kBounced;
        o.status_reason = o.response = "550 5.1.1 no such user";
      } else {
        o.next_run_at = now + Duration{60'000};
        o.response = "451 try later";
      }
    }
    store_.RecordOutcomes("node", {o}, now);
    store_.ReleaseLeases("node");
  }

 private:
  Store& store_;
};

std::vector<StepStats> Stats(Store& store, const Id& sequence_id) {
  auto stats = store.CountStepStats(sequence_id);
  EXPECT_TRUE(stats.ok()) << stats.error().code;
  return stats.ok() ? *stats : std::vector<StepStats>{};
}

TEST_P(StoreTest, StepStatsStartAtZeroForEverySendStepInOrder) {
  Sequence seq = NewOwnedSequence();  // s1 → d1 → s2
  std::vector<StepStats> expected = {{"s1", 0, 0, 0}, {"s2", 0, 0, 0}};
  EXPECT_EQ(Stats(store(), seq.id), expected);
  auto missing = store().CountStepStats("seq_missing");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "sequence_not_found");
}

TEST_P(StoreTest, StepStatsCountSendsRepliesAndBouncesWhereTheyHappened) {
  Sequence seq = NewOwnedSequence();  // s1 → d1 (3 days) → s2
  Runs runs(store());
  const std::int64_t later = 4 * kDay;

  // Sent both steps: completed.
  Enrollment done = EnrollOk(seq.id, "done@example.com", At(0));
  runs.Run(done.id, "s1", At(1), MessageState::kSent);
  // Sent s1, then replied.
  Enrollment replied = EnrollOk(seq.id, "replied@example.com", At(2));
  runs.Run(replied.id, "s1", At(3), MessageState::kSent);
  ASSERT_TRUE(store().FinishEnrollment(replied.id, EnrollmentStatus::kReplied, "reply_received", "",
                                       At(4)));
  // Refused by the server at s1: never sent, bounced on s1.
  Enrollment refused = EnrollOk(seq.id, "refused@example.com", At(5));
  runs.Run(refused.id, "s1", At(6), MessageState::kFailed);
  // Sent s1, then a delivery report bounced it: sent and bounced on s1.
  Enrollment dsn = EnrollOk(seq.id, "dsn@example.com", At(7));
  runs.Run(dsn.id, "s1", At(8), MessageState::kSent);
  ASSERT_TRUE(
      store().FinishEnrollment(dsn.id, EnrollmentStatus::kBounced, "bounce_dsn", "5.1.1", At(9)));
  // Sent s1, refused at s2: the bounce is s2's, not s1's (its last sent step).
  Enrollment late = EnrollOk(seq.id, "late@example.com", At(10));
  runs.Run(late.id, "s1", At(11), MessageState::kSent);
  // Pending at s1 (a retry): nothing yet.
  Enrollment pending = EnrollOk(seq.id, "pending@example.com", At(12));
  runs.Run(pending.id, "s1", At(13), MessageState::kSending);
  // Another sequence's figures stay its own.
  Sequence other = NewSequence(NewMailbox(NewUser("bob")));
  Enrollment elsewhere = EnrollOk(other.id, "done@example.com", At(14));
  runs.Run(elsewhere.id, "s1", At(15), MessageState::kSent);

  runs.Run(done.id, "s2", At(later), MessageState::kSent);
  runs.Run(late.id, "s2", At(later + 1), MessageState::kFailed);

  EXPECT_EQ(store().GetEnrollment(done.id)->status, EnrollmentStatus::kCompleted);
  EXPECT_EQ(store().GetEnrollment(late.id)->status, EnrollmentStatus::kBounced);
  EXPECT_EQ(store().GetEnrollment(late.id)->last_step_id, std::optional<Id>("s1"));
  EXPECT_EQ(store().GetEnrollment(refused.id)->last_step_id, std::nullopt);
  // sent: done, replied, dsn, late on s1; done on s2. replied: one on s1. bounced: refused
  // and dsn on s1, late on s2.
  std::vector<StepStats> expected = {{"s1", 4, 1, 2}, {"s2", 1, 0, 1}};
  EXPECT_EQ(Stats(store(), seq.id), expected);
  std::vector<StepStats> theirs = {{"s1", 1, 0, 0}, {"s2", 0, 0, 0}};
  EXPECT_EQ(Stats(store(), other.id), theirs);
}

TEST_P(StoreTest, StepStatsFollowTheStepsAsTheyAreNow) {
  Sequence seq = NewOwnedSequence();  // s1 → d1 → s2
  Runs runs(store());
  Enrollment e = EnrollOk(seq.id, "bob@example.com", At(0));
  runs.Run(e.id, "s1", At(1), MessageState::kSent);
  // s2 goes and s3 comes first: removed steps are not reported, new ones start at zero.
  Sequence edited = seq;
  Step s3{"s3", StepType::kSendEmail, "New", "<p>New</p>", std::nullopt, 0};
  edited.steps = {seq.steps[0], s3, seq.steps[1]};
  ASSERT_TRUE(store().UpdateSequence(edited, RemapRemovedSteps(seq.steps, edited.steps), At(2)));
  std::vector<StepStats> expected = {{"s1", 1, 0, 0}, {"s3", 0, 0, 0}};
  EXPECT_EQ(Stats(store(), seq.id), expected);
}

std::vector<std::string> Emails(const std::vector<Enrollment>& list) {
  std::vector<std::string> out;
  for (const Enrollment& e : list) out.push_back(e.contact_email);
  return out;
}

// Every page of a search, walking the cursor `page` at a time.
std::vector<std::string> Search(Store& store, const Id& sequence_id, EnrollmentFilter filter,
                                std::size_t page = 100) {
  std::vector<Enrollment> all;
  std::string cursor;
  for (int guard = 0; guard < 100; ++guard) {
    auto p = store.SearchEnrollments(sequence_id, filter, page, cursor);
    EXPECT_TRUE(p.ok()) << p.error().code;
    if (!p.ok()) break;
    EXPECT_LE(p->enrollments.size(), page);
    all.insert(all.end(), p->enrollments.begin(), p->enrollments.end());
    if (!p->next_cursor) break;
    cursor = *p->next_cursor;
  }
  return Emails(all);
}

TEST_P(StoreTest, SearchMatchesAPieceOfTheAddressLiterallyAndIgnoringCase) {
  Sequence seq = NewOwnedSequence();
  for (const char* email :
       {"a_b@x.co", "axb@x.co", "a%b@x.co", "ab@x.co", "Carol@Example.com", "dave@y.co"})
    EnrollOk(seq.id, email, At(0));
  using V = std::vector<std::string>;
  EXPECT_EQ(Search(store(), seq.id, {std::nullopt, "_"}), V({"a_b@x.co"}));
  EXPECT_EQ(Search(store(), seq.id, {std::nullopt, "%"}), V({"a%b@x.co"}));
  EXPECT_EQ(Search(store(), seq.id, {std::nullopt, "a_"}), V({"a_b@x.co"}));
  EXPECT_EQ(Search(store(), seq.id, {std::nullopt, "\\"}), V());
  EXPECT_EQ(Search(store(), seq.id, {std::nullopt, "A%B@X"}), V({"a%b@x.co"}));
  EXPECT_EQ(Search(store(), seq.id, {std::nullopt, "EXAMPLE"}), V({"carol@example.com"}));
  EXPECT_EQ(Search(store(), seq.id, {std::nullopt, "@x.co"}),
            V({"a_b@x.co", "axb@x.co", "a%b@x.co", "ab@x.co"}));
  EXPECT_EQ(Search(store(), seq.id, {std::nullopt, "nobody"}), V());
  // Empty: no filter.
  EXPECT_EQ(Search(store(), seq.id, {std::nullopt, ""}).size(), 6u);
  auto missing = store().SearchEnrollments("seq_missing", {std::nullopt, "a"}, 10, "");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "sequence_not_found");
}

TEST_P(StoreTest, SearchCombinesWithStatusAndPagesThroughMatchesOnly) {
  Sequence seq = NewOwnedSequence();
  std::vector<Id> ids;
  for (int i = 0; i < 9; ++i) {
    std::string email = (i % 2 == 0 ? "even" : "odd") + std::to_string(i) + "@x.co";
    ids.push_back(EnrollOk(seq.id, email, At(i)).id);
  }
  ASSERT_TRUE(store().FinishEnrollment(ids[2], EnrollmentStatus::kCancelled, "cancelled_by_user",
                                       "", At(20)));
  ASSERT_TRUE(store().FinishEnrollment(ids[3], EnrollmentStatus::kCancelled, "cancelled_by_user",
                                       "", At(20)));
  using V = std::vector<std::string>;
  V evens = {"even0@x.co", "even2@x.co", "even4@x.co", "even6@x.co", "even8@x.co"};
  for (std::size_t page : {1u, 2u, 3u, 100u})
    EXPECT_EQ(Search(store(), seq.id, {std::nullopt, "EVEN"}, page), evens) << page;
  EXPECT_EQ(Search(store(), seq.id, {EnrollmentStatus::kActive, "even"}, 2),
            V({"even0@x.co", "even4@x.co", "even6@x.co", "even8@x.co"}));
  EXPECT_EQ(Search(store(), seq.id, {EnrollmentStatus::kCancelled, "even"}), V({"even2@x.co"}));
  EXPECT_EQ(Search(store(), seq.id, {EnrollmentStatus::kReplied, "even"}), V());
  // A cursor of the unfiltered list carries on a search from the same place.
  auto first = store().ListEnrollments(seq.id, std::nullopt, 4, "");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->next_cursor);
  auto rest = store().SearchEnrollments(seq.id, {std::nullopt, "even"}, 10, *first->next_cursor);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(Emails(rest->enrollments), V({"even4@x.co", "even6@x.co", "even8@x.co"}));
  auto forged = store().SearchEnrollments(seq.id, {std::nullopt, "even"}, 10, "forged");
  ASSERT_FALSE(forged.ok());
  EXPECT_EQ(forged.error().code, "invalid_cursor");
}

}  // namespace
}  // namespace mailmark::testing
