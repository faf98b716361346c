// StoreTest: a sequence's sending window (SPEC "Sending like a person"): every send, the first
// included, is due only inside it, in the schedule's zone or the contact's own.
#include <date/date.h>

#include "store/store_test_suite.h"

namespace mailmark::testing {
namespace {

using namespace std::chrono_literals;

// 2026-03-dd at hh:mm UTC (March 9 is a Monday; New York is UTC-4 from March 8).
Timestamp March(int dd, int hh, int mm = 0) {
  return Timestamp{date::sys_days{date::year{2026} / 3 / dd}} + std::chrono::hours(hh) +
         std::chrono::minutes(mm);
}

SendSchedule NewYorkOfficeHours(bool contact_zones = false) {
  SendSchedule s;
  s.timezone = "America/New_York";
  s.days = 0x1F;  // Mon–Fri
  s.from_minute = 9 * 60;
  s.to_minute = 17 * 60;
  s.use_contact_timezone = contact_zones;
  return s;
}

Sequence Scheduled(StoreTest& t, Store& store, Sequence seq, std::optional<SendSchedule> s) {
  seq.schedule = std::move(s);
  auto updated = store.UpdateSequence(seq, {}, seq.updated_at);
  EXPECT_TRUE(updated.ok()) << updated.error().code;
  (void)t;
  return updated.ok() ? *updated : seq;
}

}  // namespace

TEST_P(StoreTest, WindowTheFirstSendWaitsForTheNextOpening) {
  Sequence seq = Scheduled(*this, store(), NewOwnedSequence(), NewYorkOfficeHours());
  // 07:00 in New York.
  Enrollment e = EnrollOk(seq.id, "bob@example.com", March(9, 11));
  EXPECT_EQ(e.next_run_at, March(9, 13));  // 09:00 EDT
  EXPECT_TRUE(Claim(March(9, 12, 59), "n").empty());
  EXPECT_EQ(store().NextWakeAt(), March(9, 13));
  EXPECT_EQ(Claim(March(9, 13), "n").size(), 1u);
}

TEST_P(StoreTest, WindowInsideItTheFirstSendIsDueAtOnce) {
  Sequence seq = Scheduled(*this, store(), NewOwnedSequence(), NewYorkOfficeHours());
  Enrollment e = EnrollOk(seq.id, "bob@example.com", March(9, 15));  // 11:00 EDT
  EXPECT_EQ(e.next_run_at, March(9, 15));
}

TEST_P(StoreTest, WindowAContactInItsOwnZoneIsSentWhenItIsOfficeHoursThere) {
  Sequence seq = Scheduled(*this, store(), NewOwnedSequence(), NewYorkOfficeHours(true));
  // 03:00 in New York, 09:00 in Berlin (CET until March 29).
  auto berlin = store().Enroll(
      seq.id, {NewEnrollment{"eu@example.com", {{"timezone", "Europe/Berlin"}}, false}},
      March(9, 8));
  ASSERT_TRUE(berlin.ok() && berlin->at(0).enrollment);
  EXPECT_EQ(berlin->at(0).enrollment->next_run_at, March(9, 8));
  // Without a zone of its own the schedule's applies.
  Enrollment plain = EnrollOk(seq.id, "us@example.com", March(9, 8));
  EXPECT_EQ(plain.next_run_at, March(9, 13));
  // A fixed offset: UTC-10:00 is 22:00 the day before, so 09:00 there is 19:00 UTC.
  auto hawaii = store().Enroll(
      seq.id, {NewEnrollment{"hi@example.com", {{"timezone", "UTC-10:00"}}, false}}, March(9, 8));
  ASSERT_TRUE(hawaii.ok() && hawaii->at(0).enrollment);
  EXPECT_EQ(hawaii->at(0).enrollment->next_run_at, March(9, 19));
}

TEST_P(StoreTest, WindowAnInvalidContactZoneIsRefusedOnlyWhereContactZonesAreUsed) {
  Sequence zones = Scheduled(*this, store(), NewOwnedSequence("alice"), NewYorkOfficeHours(true));
  auto refused = store().Enroll(
      zones.id, {NewEnrollment{"x@example.com", {{"timezone", "Mars/Olympus"}}, false}},
      March(9, 15));
  ASSERT_TRUE(refused.ok());
  ASSERT_TRUE(refused->at(0).error);
  EXPECT_EQ(refused->at(0).error->code, "invalid_timezone");
  EXPECT_TRUE(All(zones.id).empty());

  Sequence plain = Scheduled(*this, store(), NewOwnedSequence("bob"), NewYorkOfficeHours(false));
  auto kept = store().Enroll(
      plain.id, {NewEnrollment{"x@example.com", {{"timezone", "Mars/Olympus"}}, false}},
      March(9, 15));
  ASSERT_TRUE(kept.ok() && kept->at(0).enrollment);
  EXPECT_EQ(kept->at(0).enrollment->merge_fields.at("timezone"), "Mars/Olympus");
}

TEST_P(StoreTest, WindowADelayEndingOnTheWeekendWaitsForMonday) {
  Sequence seq = Scheduled(*this, store(), NewOwnedSequence(), NewYorkOfficeHours());
  // Wednesday 11:00 EDT: sent; the 3-day delay ends Saturday 11:00.
  const Timestamp wednesday = March(11, 15);
  Enrollment e = EnrollOk(seq.id, "bob@example.com", wednesday);
  ASSERT_EQ(Claim(wednesday, "n").size(), 1u);
  Message m = BeginOk("n", e.id, "s1", wednesday);
  store().RecordOutcomes("n", {OkOutcome(e.id, m, "s1")}, wednesday);
  auto waiting = store().GetEnrollment(e.id);
  ASSERT_TRUE(waiting);
  EXPECT_EQ(waiting->next_run_at, March(16, 13));  // Monday 09:00 EDT
}

TEST_P(StoreTest, WindowAChangedScheduleMovesWaitingContacts) {
  Sequence seq = Scheduled(*this, store(), NewOwnedSequence(), NewYorkOfficeHours());
  Enrollment e = EnrollOk(seq.id, "bob@example.com", March(9, 11));  // 07:00 EDT
  ASSERT_EQ(store().GetEnrollment(e.id)->next_run_at, March(9, 13));
  // Any time: due again when it fell due by the calendar.
  seq = Scheduled(*this, store(), seq, std::nullopt);
  EXPECT_EQ(store().GetEnrollment(e.id)->next_run_at, March(9, 11));
  // From 10:00: into the new window.
  SendSchedule later = NewYorkOfficeHours();
  later.from_minute = 10 * 60;
  seq = Scheduled(*this, store(), seq, later);
  EXPECT_EQ(store().GetEnrollment(e.id)->next_run_at, March(9, 14));
  EXPECT_EQ(store().GetSequence(seq.id)->schedule, later);
}

TEST_P(StoreTest, WindowAnInvalidScheduleChangesNothing) {
  Sequence seq = NewOwnedSequence();
  SendSchedule bad = NewYorkOfficeHours();
  bad.days = 0;
  seq.schedule = bad;
  auto refused = store().UpdateSequence(seq, {}, seq.updated_at);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "invalid_schedule");
  EXPECT_FALSE(store().GetSequence(seq.id)->schedule);
  bad = NewYorkOfficeHours();
  bad.timezone = "Nowhere/Special";
  seq.schedule = bad;
  EXPECT_EQ(store().UpdateSequence(seq, {}, seq.updated_at).error().code, "invalid_timezone");
}

TEST_P(StoreTest, WindowAnOutOfOfficeReturnOutsideTheWindowWaitsForItsOpening) {
  Sequence seq = Scheduled(*this, store(), NewOwnedSequence(), NewYorkOfficeHours());
  Enrollment e = EnrollOk(seq.id, "bob@example.com", March(9, 15));
  // Back on Saturday: sent on Monday at 09:00.
  auto paused = store().PauseEnrollmentUntil(e.id, March(14, 15), "ooo", March(9, 16));
  ASSERT_TRUE(paused.ok());
  EXPECT_EQ(paused->next_run_at, March(16, 13));
}

}  // namespace mailmark::testing
