// StoreTest: a mailbox's sending limits (SPEC "Sending like a person"): the daily limit in its
// own time zone, the send gap, pausing by hand and by bounce protection. Every limit is
// decided by the store, so it holds for every node sharing it.
#include <set>

#include <date/date.h>

#include "store/store_test_suite.h"

namespace mailmark::testing {
namespace {

using namespace std::chrono_literals;

// 2026-03-09 (a Monday) at hh:mm UTC.
Timestamp March9(int hh, int mm = 0) {
  return Timestamp{date::sys_days{date::year{2026} / 3 / 9}} + std::chrono::hours(hh) +
         std::chrono::minutes(mm);
}

TEST_P(StoreTest, LimitsADailyLimitHoldsTheRestUntilTheMailboxsNextLocalMidnight) {
  Id mailbox = MailboxWith(NewUser("alice"), 3, "America/New_York");
  Sequence seq = NewSequence(mailbox);
  EnrollMany(seq.id, 8, March9(15));  // 11:00 in New York

  auto first = Claim(March9(15, 1), "n");
  ASSERT_EQ(first.size(), 3u);  // no more than the day's room is even claimed
  // Oldest due first.
  EXPECT_EQ(first[0].enrollment.contact_email, "c0@example.com");
  EXPECT_EQ(first[2].enrollment.contact_email, "c2@example.com");
  for (const auto& c : first) {
    Message m = BeginOk("n", c.enrollment.id, "s1", March9(15, 1) + 10s);
    store().RecordOutcomes("n", {OkOutcome(c.enrollment.id, m, "s1")}, March9(15, 1) + 11s);
  }

  EXPECT_TRUE(Claim(March9(15, 3), "m").empty());
  // New York's next midnight is 04:00 UTC (EDT since the day before).
  const Timestamp midnight = March9(28);
  auto usage = store().GetMailboxUsage(mailbox, March9(15, 3));
  ASSERT_TRUE(usage.ok());
  EXPECT_EQ(usage->sent_today, 3);
  EXPECT_EQ(usage->limit_resets_at, midnight);
  EXPECT_EQ(store().NextWakeAt(), midnight);

  EXPECT_TRUE(Claim(midnight - 1ms, "m").empty());
  auto next_day = Claim(midnight, "m");
  ASSERT_EQ(next_day.size(), 3u);
  EXPECT_EQ(next_day[0].enrollment.contact_email, "c3@example.com");
  auto tomorrow = store().GetMailboxUsage(mailbox, midnight);
  ASSERT_TRUE(tomorrow.ok());
  EXPECT_EQ(tomorrow->sent_today, 0);
}

TEST_P(StoreTest, LimitsTheLimitIsCheckedAgainWhenEachSendBegins) {
  // Claimed while there was no limit, then the limit came down: the begin refuses the rest.
  Id mailbox = MailboxWith(NewUser("alice"), std::nullopt);
  Sequence seq = NewSequence(mailbox);
  EnrollMany(seq.id, 5, March9(10));
  auto claimed = Claim(March9(11), "n");
  ASSERT_EQ(claimed.size(), 5u);
  auto m = store().GetMailbox(mailbox);
  m->daily_limit = 2;
  ASSERT_TRUE(store().UpdateMailbox(*m).ok());
  std::vector<SendStart> starts;
  for (const auto& c : claimed)
    starts.push_back(SendStart{c.enrollment.id, "s1", "<" + c.enrollment.id + "@x.example>",
                               "Hello", std::nullopt});
  auto rows = store().BeginSends("n", starts, March9(11));
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_TRUE(rows[0] && rows[1]);
  EXPECT_FALSE(rows[2] || rows[3] || rows[4]);
  EXPECT_EQ(store().GetMailboxUsage(mailbox, March9(11))->sent_today, 2);
}

TEST_P(StoreTest, LimitsRetriesCountAgainstTheLimit) {
  Id mailbox = MailboxWith(NewUser("alice"), 2);
  Sequence seq = NewSequence(mailbox);
  Enrollment e = EnrollOk(seq.id, "bob@example.com", March9(9));
  ASSERT_EQ(Claim(March9(9), "n").size(), 1u);
  Message m = BeginOk("n", e.id, "s1", March9(9));
  StepOutcome retry;
  retry.enrollment_id = e.id;
  retry.message = m.id;
  retry.message_state = MessageState::kSending;
  retry.response = "451 try later";
  retry.next_run_at = March9(10);
  store().RecordOutcomes("n", {retry}, March9(9));
  auto again = Claim(March9(10), "n");
  ASSERT_EQ(again.size(), 1u);
  ASSERT_TRUE(again[0].pending);
  BeginOk("n", e.id, "s1", March9(10), again[0].pending->id);
  EXPECT_EQ(store().GetMailboxUsage(mailbox, March9(10))->sent_today, 2);
}

TEST_P(StoreTest, LimitsTheDayIsTheMailboxsOwnDayNotUtcs) {
  // Kiritimati is UTC+14: its day starts at 10:00 UTC the day before.
  Id mailbox = MailboxWith(NewUser("alice"), 1, "Pacific/Kiritimati");
  Sequence seq = NewSequence(mailbox);
  EnrollMany(seq.id, 2, March9(9));
  ASSERT_EQ(ClaimAndBegin(March9(9, 30)).size(), 1u);  // Kiritimati: Mar 9 23:30
  EXPECT_TRUE(ClaimAndBegin(March9(9, 59)).empty());
  EXPECT_EQ(store().NextWakeAt(), March9(10));
  EXPECT_EQ(ClaimAndBegin(March9(10)).size(), 1u);  // Kiritimati: Mar 10 00:00
}

TEST_P(StoreTest, LimitsAFullMailboxDoesNotHoldUpAnother) {
  Id owner = NewUser("alice");
  Id full = MailboxWith(owner, 1);
  Id free = MailboxWith(owner, std::nullopt);
  Sequence a = NewSequence(full);
  Sequence b = NewSequence(free);
  EnrollMany(a.id, 50, March9(8));  // due first
  ASSERT_EQ(ClaimAndBegin(March9(8, 30)).size(), 1u);
  for (int i = 0; i < 3; ++i) EnrollOk(b.id, "b" + std::to_string(i) + "@example.com", March9(9));
  auto claimed = Claim(March9(9), "n", 60'000, 2);
  ASSERT_EQ(claimed.size(), 2u);
  for (const auto& c : claimed) EXPECT_EQ(c.enrollment.sequence_id, b.id);
}

TEST_P(StoreTest, LimitsASendGapSpacesTheMailboxsEmailsOneAtATime) {
  Id mailbox = MailboxWith(NewUser("alice"), std::nullopt, "UTC", SendGap{60'000, 60'000});
  Sequence seq = NewSequence(mailbox);
  EnrollMany(seq.id, 3, March9(9));
  auto first = Claim(March9(9, 1), "n");
  ASSERT_EQ(first.size(), 1u);  // one at a time
  Message m = BeginOk("n", first[0].enrollment.id, "s1", March9(9, 1));
  EXPECT_TRUE(Claim(March9(9, 1), "m").empty());  // the first is still in flight
  const Timestamp done = March9(9, 1) + 5s;
  store().RecordOutcomes("n", {OkOutcome(first[0].enrollment.id, m, "s1")}, done);
  EXPECT_EQ(store().NextWakeAt(), done + 60s);
  EXPECT_TRUE(Claim(done + 59s, "m").empty());
  auto second = Claim(done + 60s, "m");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].enrollment.contact_email, "c1@example.com");
}

TEST_P(StoreTest, LimitsRandomGapsStayWithinTheirBounds) {
  Id mailbox = MailboxWith(NewUser("alice"), std::nullopt, "UTC", SendGap{1'000, 5'000});
  Sequence seq = NewSequence(mailbox);
  EnrollMany(seq.id, 20, March9(9));
  Timestamp t = March9(9, 1);
  std::set<std::int64_t> gaps;
  for (int i = 0; i < 20; ++i) {
    auto claimed = Claim(t, "n");
    ASSERT_EQ(claimed.size(), 1u) << i;
    Message m = BeginOk("n", claimed[0].enrollment.id, "s1", t);
    store().RecordOutcomes("n", {OkOutcome(claimed[0].enrollment.id, m, "s1")}, t);
    auto wake = store().NextWakeAt();
    if (i == 19) break;
    ASSERT_TRUE(wake);
    const std::int64_t gap = ToMillis(*wake) - ToMillis(t);
    EXPECT_GE(gap, 1'000);
    EXPECT_LE(gap, 5'000);
    gaps.insert(gap);
    t = *wake;
  }
  EXPECT_GT(gaps.size(), 3u);  // drawn, not fixed
}

TEST_P(StoreTest, LimitsAPausedMailboxHoldsItsStepsAndResumeSendsThem) {
  Id mailbox = MailboxWith(NewUser("alice"), std::nullopt);
  Sequence seq = NewSequence(mailbox);
  Enrollment e = EnrollOk(seq.id, "bob@example.com", March9(9));
  auto paused = store().PauseMailbox(mailbox, March9(9, 1));
  ASSERT_TRUE(paused.ok());
  EXPECT_EQ(paused->status, MailboxStatus::kPaused);
  EXPECT_EQ(paused->paused_reason, PauseReason::kManual);
  EXPECT_EQ(paused->paused_at, March9(9, 1));
  EXPECT_EQ(store().PauseMailbox(mailbox, March9(9, 2)).error().code, "mailbox_paused");
  EXPECT_TRUE(Claim(March9(10), "n").empty());
  EXPECT_FALSE(store().NextWakeAt());
  EXPECT_FALSE(store().StillSendable(e.id, March9(10)));

  auto resumed = store().ResumeMailbox(mailbox, March9(11));
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->status, MailboxStatus::kActive);
  EXPECT_EQ(resumed->paused_reason, PauseReason::kNone);
  EXPECT_EQ(store().ResumeMailbox(mailbox, March9(11)).error().code, "mailbox_not_paused");
  EXPECT_TRUE(store().StillSendable(e.id, March9(11)));
  auto claimed = Claim(March9(11), "n");
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].enrollment.id, e.id);
  EXPECT_EQ(claimed[0].enrollment.last_step_id, std::nullopt);  // nothing skipped
}

TEST_P(StoreTest, LimitsPauseAndResumeOfAnUnknownMailboxAreNotFound) {
  EXPECT_EQ(store().PauseMailbox("mbx_nope", March9(9)).error().code, "mailbox_not_found");
  EXPECT_EQ(store().ResumeMailbox("mbx_nope", March9(9)).error().code, "mailbox_not_found");
  EXPECT_EQ(store().GetMailboxUsage("mbx_nope", March9(9)).error().code, "mailbox_not_found");
}

TEST_P(StoreTest, BounceTripsWhenMoreThanThePercentOfTheLastSendsBounced) {
  Id mailbox = MailboxWith(NewUser("alice"), std::nullopt, "UTC", {}, BounceProtection{50, 4});
  Sequence seq = NewSequence(mailbox);
  SendEach(seq.id, {true, true, true}, March9(9));
  // Three of three bounced, but four sends are needed before it is judged.
  EXPECT_EQ(store().GetMailbox(mailbox)->status, MailboxStatus::kActive);
  SendEach(seq.id, {false}, March9(10));
  auto m = store().GetMailbox(mailbox);
  EXPECT_EQ(m->status, MailboxStatus::kPaused);
  EXPECT_EQ(m->paused_reason, PauseReason::kBounceRate);
  EXPECT_EQ(m->paused_bounced, 3);
  EXPECT_EQ(m->paused_sends, 4);
}

TEST_P(StoreTest, BounceExactlyAtThePercentDoesNotTrip) {
  Id mailbox = MailboxWith(NewUser("alice"), std::nullopt, "UTC", {}, BounceProtection{50, 4});
  Sequence seq = NewSequence(mailbox);
  SendEach(seq.id, {true, false, true, false}, March9(9));
  EXPECT_EQ(store().GetMailbox(mailbox)->status, MailboxStatus::kActive);
  auto usage = store().GetMailboxUsage(mailbox, March9(9));
  EXPECT_EQ(usage->recent_sends, 4);
  EXPECT_EQ(usage->recent_bounced, 2);
}

TEST_P(StoreTest, BounceOffMeansNeverPaused) {
  Id mailbox = MailboxWith(NewUser("alice"), std::nullopt, "UTC", {}, std::nullopt);
  Sequence seq = NewSequence(mailbox);
  SendEach(seq.id, {true, true, true, true, true}, March9(9));
  EXPECT_EQ(store().GetMailbox(mailbox)->status, MailboxStatus::kActive);
}

TEST_P(StoreTest, BounceResumeJudgesAfresh) {
  Id mailbox = MailboxWith(NewUser("alice"), std::nullopt, "UTC", {}, BounceProtection{50, 4});
  Sequence seq = NewSequence(mailbox);
  SendEach(seq.id, {true, true, true, true}, March9(9));
  ASSERT_EQ(store().GetMailbox(mailbox)->status, MailboxStatus::kPaused);
  ASSERT_TRUE(store().ResumeMailbox(mailbox, March9(10)).ok());
  EXPECT_EQ(store().GetMailboxUsage(mailbox, March9(10))->recent_sends, 0);
  // One more bounce would have tripped it again had the old ones still counted.
  SendEach(seq.id, {true}, March9(11));
  EXPECT_EQ(store().GetMailbox(mailbox)->status, MailboxStatus::kActive);
}

TEST_P(StoreTest, BounceWithdrawnMessagesAreNotSends) {
  Id mailbox = MailboxWith(NewUser("alice"), std::nullopt, "UTC", {}, BounceProtection{10, 2});
  Sequence seq = NewSequence(mailbox);
  Enrollment e = EnrollOk(seq.id, "w@example.com", March9(9));
  ASSERT_EQ(Claim(March9(9), "n").size(), 1u);
  Message m = BeginOk("n", e.id, "s1", March9(9));
  StepOutcome withdrawn;
  withdrawn.enrollment_id = e.id;
  withdrawn.message = m.id;
  withdrawn.message_state = MessageState::kFailed;
  withdrawn.response = std::string(kWithdrawnResponsePrefix) + ": no longer wanted";
  withdrawn.next_run_at = March9(9);
  store().RecordOutcomes("n", {withdrawn}, March9(9));
  EXPECT_EQ(store().GetMailboxUsage(mailbox, March9(9))->recent_sends, 0);
}

TEST_P(StoreTest, BounceADeliveryReportCountsAsABounce) {
  Id mailbox = MailboxWith(NewUser("alice"), std::nullopt, "UTC", {}, BounceProtection{40, 2});
  Sequence seq = NewSequence(mailbox);
  SendEach(seq.id, {false, false}, March9(9));
  auto e = All(seq.id);
  ASSERT_EQ(e.size(), 2u);
  ASSERT_TRUE(store()
                  .FinishEnrollment(e[0].id, EnrollmentStatus::kBounced, "dsn", "5.1.1", March9(10))
                  .ok());
  auto usage = store().GetMailboxUsage(mailbox, March9(10));
  EXPECT_EQ(usage->recent_bounced, 1);
  // 1 of 2 is 50 %: over 40 %.
  EXPECT_EQ(store().GetMailbox(mailbox)->status, MailboxStatus::kPaused);
}

TEST_P(StoreTest, LimitsAHeldContactIsNotSentOutsideItsWindowWhenTheLimitResets) {
  // Limit 1 and a 09:00–17:00 window in New York: the second contact, held by the limit, is
  // due again at New York's midnight, but goes at 09:00.
  Id mailbox = MailboxWith(NewUser("alice"), 1, "America/New_York");
  Sequence seq = NewSequence(mailbox);
  SendSchedule office;
  office.timezone = "America/New_York";
  office.days = 0x7F;
  seq.schedule = office;
  ASSERT_TRUE(store().UpdateSequence(seq, {}, seq.updated_at).ok());
  EnrollMany(seq.id, 2, March9(15));  // 11:00 EDT
  ASSERT_EQ(ClaimAndBegin(March9(15, 1)).size(), 1u);
  const Timestamp midnight = March9(28);
  EXPECT_EQ(store().NextWakeAt(), midnight);
  EXPECT_TRUE(Claim(midnight, "n").empty());         // the window is closed
  EXPECT_EQ(store().NextWakeAt(), March9(24 + 13));  // 09:00 EDT on March 10
  EXPECT_TRUE(Claim(March9(24 + 13) - 1ms, "n").empty());
  EXPECT_EQ(Claim(March9(24 + 13), "n").size(), 1u);
}

TEST_P(StoreTest, LimitsAHeldContactInItsOwnZoneWaitsForItsOwnOpening) {
  Id mailbox = MailboxWith(NewUser("alice"), 1, "UTC");
  Sequence seq = NewSequence(mailbox);
  SendSchedule office;
  office.timezone = "UTC";
  office.days = 0x7F;
  office.use_contact_timezone = true;
  seq.schedule = office;
  ASSERT_TRUE(store().UpdateSequence(seq, {}, seq.updated_at).ok());
  // 10:00 UTC: two UTC contacts inside the window; one in Tokyo, where it is 19:00.
  Enrollment first = EnrollOk(seq.id, "first@example.com", March9(10));
  Enrollment held = EnrollOk(seq.id, "held@example.com", March9(10));
  auto tokyo = store().Enroll(
      seq.id, {NewEnrollment{"tokyo@example.com", {{"timezone", "Asia/Tokyo"}}, false}},
      March9(10));
  ASSERT_TRUE(tokyo.ok() && tokyo->at(0).enrollment);
  EXPECT_EQ(tokyo->at(0).enrollment->next_run_at, March9(24));  // 09:00 in Tokyo
  auto sent = ClaimAndBegin(March9(10));
  ASSERT_EQ(sent, std::vector<Id>{first.id});  // the limit: one today
  // Midnight UTC: the limit resets. The held UTC contact is outside its window now and waits
  // for its own 09:00; the Tokyo contact, inside its window, is the one taken.
  auto at_midnight = Claim(March9(24), "m");
  ASSERT_EQ(at_midnight.size(), 1u);
  EXPECT_EQ(at_midnight[0].enrollment.id, tokyo->at(0).enrollment->id);
  EXPECT_EQ(store().GetEnrollment(held.id)->next_run_at, March9(24 + 9));
}

TEST_P(StoreTest, LimitsExpiredLeasesOfAFullMailboxDoNotHoldUpAnother) {
  Id owner = NewUser("alice");
  Id full = MailboxWith(owner, 2);
  Id other = MailboxWith(owner, std::nullopt);
  Sequence a = NewSequence(full);
  Sequence b = NewSequence(other);
  EnrollMany(a.id, 2, March9(8));
  ASSERT_EQ(ClaimAndBegin(March9(9)).size(), 2u);  // full now; its node dies: no outcomes
  Enrollment e = EnrollOk(b.id, "other@example.com", March9(9));
  ASSERT_EQ(Claim(March9(9), "n").size(), 1u);  // b's, leased
  // Every lease has expired: only b's may be taken again.
  auto again = Claim(March9(10), "m", 60'000, 1);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].enrollment.id, e.id);
}

TEST_P(StoreTest, LimitsAZoneChangeDoesNotBuyASecondDay) {
  // Full at 16:00 in Los Angeles (23:00 UTC), then moved to Tokyo, where it is already the
  // next date: what it sent still counts.
  Id mailbox = MailboxWith(NewUser("alice"), 2, "America/Los_Angeles");
  Sequence seq = NewSequence(mailbox);
  EnrollMany(seq.id, 4, March9(22));
  ASSERT_EQ(ClaimAndBegin(March9(23)).size(), 2u);
  auto m = store().GetMailbox(mailbox);
  m->timezone = "Asia/Tokyo";
  m->updated_at = March9(23, 1);
  ASSERT_TRUE(store().UpdateMailbox(*m).ok());
  EXPECT_EQ(store().GetMailboxUsage(mailbox, March9(23, 2))->sent_today, 2);
  EXPECT_TRUE(ClaimAndBegin(March9(23, 2)).empty());
}

TEST_P(StoreTest, LimitsRenamingAMailboxDoesNotReopenItsGap) {
  Id mailbox = MailboxWith(NewUser("alice"), std::nullopt, "UTC", SendGap{60'000, 60'000});
  Sequence seq = NewSequence(mailbox);
  EnrollMany(seq.id, 2, March9(9));
  ASSERT_EQ(ClaimAndBegin(March9(9, 1)).size(), 1u);  // in flight
  auto m = store().GetMailbox(mailbox);
  m->name = "Renamed";
  ASSERT_TRUE(store().UpdateMailbox(*m).ok());
  EXPECT_TRUE(Claim(March9(9, 1) + 1s, "m").empty());
}

}  // namespace

}  // namespace mailmark::testing
