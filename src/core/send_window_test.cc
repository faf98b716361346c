#include "core/send_window.h"

#include <string>

#include <gtest/gtest.h>

namespace mailmark {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

constexpr std::uint8_t kMonToFri = 0x1F;
constexpr std::uint8_t kEveryDay = 0x7F;
constexpr std::uint8_t kMonday = 0x01;
constexpr std::uint8_t kSunday = 0x40;

Timestamp Utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
  std::chrono::sys_days day{std::chrono::year{y} / std::chrono::month{mo} / std::chrono::day{d}};
  return Timestamp{day} + hours{h} + minutes{mi} + std::chrono::seconds{s} + Duration{ms};
}

SendSchedule Schedule(std::string zone, std::uint8_t days, std::string_view from,
                      std::string_view to, bool use_contact_timezone = false) {
  SendSchedule s;
  s.timezone = std::move(zone);
  s.days = days;
  s.from_minute = ParseClockMinutes(from).value();
  s.to_minute = ParseClockMinutes(to).value();
  s.use_contact_timezone = use_contact_timezone;
  return s;
}

TimeZone Zone(std::string_view name) {
  Result<TimeZone> zone = TimeZone::Parse(name);
  EXPECT_TRUE(zone.ok()) << name;
  return zone.ok() ? zone.value() : TimeZone::Utc();
}

// NextOpening in the schedule's own zone, as RFC 3339 text for readable failures.
std::string Next(const SendSchedule& s, Timestamp t) {
  return FormatRfc3339(NextOpening(s, Zone(s.timezone), t));
}

void ExpectInvalidSchedule(const SendSchedule& s, const std::string& field) {
  Status status = ValidateSchedule(s);
  ASSERT_FALSE(status.ok()) << field;
  EXPECT_EQ(status.error().kind, ErrorKind::kInvalid);
  EXPECT_EQ(status.error().code, "invalid_schedule");
  EXPECT_EQ(status.error().details, (nlohmann::json{{"field", field}}));
}

// --- Clock times --------------------------------------------------------------------------

TEST(ClockMinutes, ParsesHhMmFromMidnightTo2400) {
  EXPECT_EQ(ParseClockMinutes("00:00"), 0);
  EXPECT_EQ(ParseClockMinutes("00:01"), 1);
  EXPECT_EQ(ParseClockMinutes("09:00"), 540);
  EXPECT_EQ(ParseClockMinutes("12:34"), 754);
  EXPECT_EQ(ParseClockMinutes("23:59"), 1439);
  EXPECT_EQ(ParseClockMinutes("24:00"), 1440);
}

TEST(ClockMinutes, RejectsEverythingElse) {
  for (const char* text :
       {"",      "24:01", "24:59", "25:00", "99:00", "09:60",     "09:99",  "9:00",
        "09:0",  "9:5",   "0900",  "09-00", "09.00", " 09:00",    "09:00 ", "09:00:00",
        "ab:cd", "+9:00", "-1:00", "0x:10", "09:+1", "１２:００", "24:00\n"}) {
    EXPECT_FALSE(ParseClockMinutes(text).has_value()) << '"' << text << '"';
  }
}

TEST(ClockMinutes, FormatsAsHhMm) {
  EXPECT_EQ(FormatClockMinutes(0), "00:00");
  EXPECT_EQ(FormatClockMinutes(5), "00:05");
  EXPECT_EQ(FormatClockMinutes(540), "09:00");
  EXPECT_EQ(FormatClockMinutes(1439), "23:59");
  EXPECT_EQ(FormatClockMinutes(1440), "24:00");
}

TEST(ClockMinutes, FormatAndParseRoundTripForEveryMinuteOfTheDay) {
  for (int m = 0; m <= 1440; ++m) EXPECT_EQ(ParseClockMinutes(FormatClockMinutes(m)), m);
}

// --- Weekdays -----------------------------------------------------------------------------

TEST(Weekdays, ParsesLowercaseThreeLetterNamesToBitsMondayFirst) {
  EXPECT_EQ(ParseWeekdayBit("mon"), 0x01);
  EXPECT_EQ(ParseWeekdayBit("tue"), 0x02);
  EXPECT_EQ(ParseWeekdayBit("wed"), 0x04);
  EXPECT_EQ(ParseWeekdayBit("thu"), 0x08);
  EXPECT_EQ(ParseWeekdayBit("fri"), 0x10);
  EXPECT_EQ(ParseWeekdayBit("sat"), 0x20);
  EXPECT_EQ(ParseWeekdayBit("sun"), 0x40);
}

TEST(Weekdays, RejectsOtherSpellings) {
  for (const char* text : {"", "Mon", "MON", "monday", "mo", "mon ", " mon", "xyz"})
    EXPECT_FALSE(ParseWeekdayBit(text).has_value()) << '"' << text << '"';
  EXPECT_FALSE(ParseWeekdayBit(std::string_view("mon\0", 4)).has_value());
}

TEST(Weekdays, NamesAMaskMondayFirst) {
  EXPECT_EQ(WeekdayNames(kMonToFri), (std::vector<std::string>{"mon", "tue", "wed", "thu", "fri"}));
  EXPECT_EQ(WeekdayNames(0x60), (std::vector<std::string>{"sat", "sun"}));
  EXPECT_EQ(WeekdayNames(0x41), (std::vector<std::string>{"mon", "sun"}));
  EXPECT_EQ(WeekdayNames(0), std::vector<std::string>{});
  EXPECT_EQ(WeekdayNames(kEveryDay),
            (std::vector<std::string>{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}));
}

TEST(Weekdays, NamesIgnoreTheBitBeyondSunday) {
  EXPECT_EQ(WeekdayNames(0x80), std::vector<std::string>{});
  EXPECT_EQ(WeekdayNames(0xFF).size(), 7u);
}

TEST(Weekdays, NamesAndBitsRoundTripForEveryMask) {
  for (int mask = 0; mask <= kEveryDay; ++mask) {
    std::uint8_t rebuilt = 0;
    for (const std::string& name : WeekdayNames(static_cast<std::uint8_t>(mask)))
      rebuilt |= ParseWeekdayBit(name).value();
    EXPECT_EQ(rebuilt, mask);
  }
}

// --- ValidateSchedule ---------------------------------------------------------------------

TEST(ValidateSchedule, AcceptsTheDefaultSchedule) { EXPECT_TRUE(ValidateSchedule({}).ok()); }

TEST(ValidateSchedule, AcceptsAWholeDayAndEveryZoneForm) {
  EXPECT_TRUE(ValidateSchedule(Schedule("Europe/Berlin", kEveryDay, "00:00", "24:00")).ok());
  EXPECT_TRUE(ValidateSchedule(Schedule("UTC+05:30", kSunday, "23:59", "24:00")).ok());
  EXPECT_TRUE(ValidateSchedule(Schedule("UTC-10:00", kMonday, "00:00", "00:01")).ok());
}

TEST(ValidateSchedule, RejectsNoDays) {
  SendSchedule s;
  s.days = 0;
  ExpectInvalidSchedule(s, "days");
}

TEST(ValidateSchedule, RejectsTheBitBeyondSunday) {
  SendSchedule s;
  s.days = 0x80 | kMonday;
  ExpectInvalidSchedule(s, "days");
  s.days = 0xFF;
  ExpectInvalidSchedule(s, "days");
}

TEST(ValidateSchedule, RejectsFromOutsideTheDay) {
  SendSchedule s;
  s.from_minute = -1;
  ExpectInvalidSchedule(s, "from");
  s.from_minute = 1441;
  ExpectInvalidSchedule(s, "from");
}

TEST(ValidateSchedule, RejectsToOutsideTheDay) {
  SendSchedule s;
  s.to_minute = 1441;
  ExpectInvalidSchedule(s, "to");
  s.to_minute = -1;
  s.from_minute = -5;
  ExpectInvalidSchedule(s, "from");  // the first broken field is the one named
  s.from_minute = 0;
  ExpectInvalidSchedule(s, "to");
}

TEST(ValidateSchedule, RejectsToNotAfterFrom) {
  SendSchedule s;
  s.from_minute = 600;
  s.to_minute = 600;
  ExpectInvalidSchedule(s, "to");
  s.to_minute = 599;
  ExpectInvalidSchedule(s, "to");
  s.from_minute = 1440;
  s.to_minute = 1440;
  ExpectInvalidSchedule(s, "to");
}

TEST(ValidateSchedule, RejectsAZoneThatDoesNotParse) {
  for (const char* zone : {"Mars/Olympus_Mons", "", "UTC+15:00", "UTC+5", "localtime"}) {
    SendSchedule s;
    s.timezone = zone;
    Status status = ValidateSchedule(s);
    ASSERT_FALSE(status.ok()) << zone;
    EXPECT_EQ(status.error().kind, ErrorKind::kInvalid);
    EXPECT_EQ(status.error().code, "invalid_timezone");
    EXPECT_EQ(status.error().details, (nlohmann::json{{"timezone", zone}}));
  }
}

TEST(ValidateSchedule, ChecksDaysBeforeTheZone) {
  SendSchedule s;
  s.days = 0;
  s.timezone = "Mars/Olympus_Mons";
  ExpectInvalidSchedule(s, "days");
}

// --- ZoneFor ------------------------------------------------------------------------------

TEST(ZoneFor, UsesTheScheduleZoneWhenContactZonesAreOff) {
  SendSchedule s = Schedule("Europe/Berlin", kMonToFri, "09:00", "17:00", false);
  EXPECT_EQ(ZoneFor(s, "Pacific/Kiritimati").name(), "Europe/Berlin");
  EXPECT_EQ(ZoneFor(s, "").name(), "Europe/Berlin");
}

TEST(ZoneFor, UsesTheContactZoneWhenOnAndItParses) {
  SendSchedule s = Schedule("Europe/Berlin", kMonToFri, "09:00", "17:00", true);
  EXPECT_EQ(ZoneFor(s, "Pacific/Kiritimati").name(), "Pacific/Kiritimati");
  EXPECT_EQ(ZoneFor(s, "UTC-10:00").name(), "UTC-10:00");
  EXPECT_EQ(ZoneFor(s, "UTC").name(), "UTC");
}

TEST(ZoneFor, FallsBackToTheScheduleZoneForAMissingOrBadContactZone) {
  SendSchedule s = Schedule("Europe/Berlin", kMonToFri, "09:00", "17:00", true);
  EXPECT_EQ(ZoneFor(s, "").name(), "Europe/Berlin");
  EXPECT_EQ(ZoneFor(s, "Mars/Olympus_Mons").name(), "Europe/Berlin");
  EXPECT_EQ(ZoneFor(s, "UTC+15:00").name(), "Europe/Berlin");
  EXPECT_EQ(ZoneFor(s, " Pacific/Kiritimati").name(), "Europe/Berlin");
}

TEST(ZoneFor, FallsBackToUtcWhenTheScheduleZoneDoesNotParse) {
  SendSchedule s = Schedule("Europe/Berlin", kMonToFri, "09:00", "17:00", true);
  s.timezone = "Mars/Olympus_Mons";
  EXPECT_EQ(ZoneFor(s, "").name(), "UTC");
  EXPECT_EQ(ZoneFor(s, "garbage").name(), "UTC");
  EXPECT_EQ(ZoneFor(s, "Asia/Tokyo").name(), "Asia/Tokyo");
}

// --- NextOpening: the plain week (UTC; 2026-03-06 is a Friday) ------------------------------

TEST(NextOpening, InsideTheWindowIsTheInstantItself) {
  SendSchedule s = Schedule("UTC", kMonToFri, "09:00", "17:00");
  EXPECT_EQ(Next(s, Utc(2026, 3, 4, 12, 0, 0, 123)), "2026-03-04T12:00:00.123Z");
}

TEST(NextOpening, FromIsInclusive) {
  SendSchedule s = Schedule("UTC", kMonToFri, "09:00", "17:00");
  EXPECT_EQ(Next(s, Utc(2026, 3, 4, 9)), "2026-03-04T09:00:00Z");
}

TEST(NextOpening, JustBeforeFromWaitsForFrom) {
  SendSchedule s = Schedule("UTC", kMonToFri, "09:00", "17:00");
  EXPECT_EQ(Next(s, Utc(2026, 3, 4, 8, 59, 59, 999)), "2026-03-04T09:00:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 3, 4)), "2026-03-04T09:00:00Z");
}

TEST(NextOpening, ToIsExclusiveSoItsInstantWaitsForTheNextDay) {
  SendSchedule s = Schedule("UTC", kMonToFri, "09:00", "17:00");
  EXPECT_EQ(Next(s, Utc(2026, 3, 4, 16, 59, 59, 999)), "2026-03-04T16:59:59.999Z");
  EXPECT_EQ(Next(s, Utc(2026, 3, 4, 17)), "2026-03-05T09:00:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 3, 4, 23, 59)), "2026-03-05T09:00:00Z");
}

TEST(NextOpening, FridayAfterCloseWaitsForMonday) {
  SendSchedule s = Schedule("UTC", kMonToFri, "09:00", "17:00");
  EXPECT_EQ(Next(s, Utc(2026, 3, 6, 17)), "2026-03-09T09:00:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 3, 6, 20, 15)), "2026-03-09T09:00:00Z");
}

TEST(NextOpening, FridayBeforeOpenWaitsForFriday) {
  SendSchedule s = Schedule("UTC", kMonToFri, "09:00", "17:00");
  EXPECT_EQ(Next(s, Utc(2026, 3, 6, 7)), "2026-03-06T09:00:00Z");
}

TEST(NextOpening, SaturdayAndSundayWaitForMonday) {
  SendSchedule s = Schedule("UTC", kMonToFri, "09:00", "17:00");
  EXPECT_EQ(Next(s, Utc(2026, 3, 7)), "2026-03-09T09:00:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 3, 7, 12)), "2026-03-09T09:00:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 3, 8, 23, 59, 59, 999)), "2026-03-09T09:00:00Z");
}

TEST(NextOpening, WeekendOnlyScheduleSkipsTheWorkingWeek) {
  SendSchedule s = Schedule("UTC", 0x60, "10:00", "12:00");
  EXPECT_EQ(Next(s, Utc(2026, 3, 2, 10)), "2026-03-07T10:00:00Z");  // Monday
  EXPECT_EQ(Next(s, Utc(2026, 3, 7, 12)), "2026-03-08T10:00:00Z");  // Saturday after close
  EXPECT_EQ(Next(s, Utc(2026, 3, 8, 12)), "2026-03-14T10:00:00Z");  // Sunday after close
}

TEST(NextOpening, SingleDayScheduleWaitsAWholeWeekAfterClose) {
  SendSchedule s = Schedule("UTC", kMonday, "09:00", "17:00");
  EXPECT_EQ(Next(s, Utc(2026, 3, 9, 17)), "2026-03-16T09:00:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 3, 10)), "2026-03-16T09:00:00Z");
}

TEST(NextOpening, WindowEndingAt2400IsOpenUntilLocalMidnight) {
  SendSchedule s = Schedule("UTC", kMonToFri, "18:00", "24:00");
  EXPECT_EQ(Next(s, Utc(2026, 3, 6, 23, 59, 59, 999)), "2026-03-06T23:59:59.999Z");
  EXPECT_EQ(Next(s, Utc(2026, 3, 7)), "2026-03-09T18:00:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 3, 5, 23, 59, 59, 999)), "2026-03-05T23:59:59.999Z");
  EXPECT_EQ(Next(s, Utc(2026, 3, 6)), "2026-03-06T18:00:00Z");
}

TEST(NextOpening, WholeDayWindowEveryDayIsAlwaysOpen) {
  SendSchedule s = Schedule("America/New_York", kEveryDay, "00:00", "24:00");
  for (Timestamp t = Utc(2026, 3, 7); t < Utc(2026, 3, 10); t += minutes{13})
    EXPECT_EQ(NextOpening(s, Zone(s.timezone), t), t) << FormatRfc3339(t);
  for (Timestamp t = Utc(2026, 10, 31); t < Utc(2026, 11, 3); t += minutes{13})
    EXPECT_EQ(NextOpening(s, Zone(s.timezone), t), t) << FormatRfc3339(t);
}

TEST(NextOpening, WholeMondayWindowOpensAtMondayMidnight) {
  SendSchedule s = Schedule("UTC", kMonday, "00:00", "24:00");
  EXPECT_EQ(Next(s, Utc(2026, 3, 8, 23, 59, 59, 999)), "2026-03-09T00:00:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 3, 10)), "2026-03-16T00:00:00Z");
}

TEST(NextOpening, JudgesTheWindowInTheGivenZone) {
  SendSchedule s = Schedule("Europe/Berlin", kMonToFri, "09:00", "17:00");
  EXPECT_EQ(Next(s, Utc(2026, 3, 4, 7, 59)), "2026-03-04T08:00:00Z");  // CET, UTC+1
  EXPECT_EQ(Next(s, Utc(2026, 3, 4, 16)), "2026-03-05T08:00:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 7, 1, 6)), "2026-07-01T07:00:00Z");  // CEST, UTC+2
}

TEST(NextOpening, WorksInAFixedOffsetZone) {
  SendSchedule s = Schedule("UTC+05:30", kMonToFri, "09:00", "17:00");
  EXPECT_EQ(Next(s, Utc(2026, 3, 4)), "2026-03-04T03:30:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 3, 4, 11, 30)), "2026-03-05T03:30:00Z");
  // Friday 18:30 UTC is already Saturday 00:00 there.
  EXPECT_EQ(Next(s, Utc(2026, 3, 6, 18, 30)), "2026-03-09T03:30:00Z");
}

TEST(NextOpening, ScheduleWithNoDaysHoldsNothingBack) {
  SendSchedule s = Schedule("UTC", 0, "09:00", "17:00");
  EXPECT_EQ(Next(s, Utc(2026, 3, 7, 3)), "2026-03-07T03:00:00Z");
}

TEST(NextOpening, EmptyWindowHoldsNothingBack) {
  SendSchedule s = Schedule("UTC", kEveryDay, "09:00", "09:00");
  EXPECT_EQ(Next(s, Utc(2026, 3, 7, 3)), "2026-03-07T03:00:00Z");
}

// --- NextOpening across daylight-saving changes -------------------------------------------
// America/New_York: 2026-03-08 02:00 EST → 03:00 EDT at 07:00Z; 2026-11-01 02:00 EDT → 01:00
// EST at 06:00Z. Europe/Berlin: 2026-03-29 02:00 CET → 03:00 CEST at 01:00Z; 2026-10-25 03:00
// CEST → 02:00 CET at 01:00Z. All four are Sundays.

TEST(NextOpeningNewYorkSpring, NineToFiveStaysNineLocalOnBothSides) {
  SendSchedule s = Schedule("America/New_York", kEveryDay, "09:00", "17:00");
  EXPECT_EQ(Next(s, Utc(2026, 3, 7, 12)), "2026-03-07T14:00:00Z");  // Sat 09:00 EST
  EXPECT_EQ(Next(s, Utc(2026, 3, 7, 22)), "2026-03-08T13:00:00Z");  // Sat close → Sun 09:00 EDT
  EXPECT_EQ(Next(s, Utc(2026, 3, 8, 7)), "2026-03-08T13:00:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 3, 8, 20, 59)), "2026-03-08T20:59:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 3, 8, 21)), "2026-03-09T13:00:00Z");  // Sun 17:00 EDT is close
}

TEST(NextOpeningNewYorkSpring, StartInTheSkippedHourOpensAtThreeLocal) {
  SendSchedule s = Schedule("America/New_York", kEveryDay, "02:30", "04:00");
  EXPECT_EQ(Next(s, Utc(2026, 3, 8, 5)), "2026-03-08T07:00:00Z");  // 03:00 EDT
  EXPECT_EQ(Next(s, Utc(2026, 3, 8, 6, 59)), "2026-03-08T07:00:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 3, 8, 7, 30)), "2026-03-08T07:30:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 3, 8, 8)), "2026-03-09T06:30:00Z");  // 04:00 EDT closed it
  EXPECT_EQ(Next(s, Utc(2026, 3, 7, 6)), "2026-03-07T07:30:00Z");  // the day before: 02:30 EST
}

TEST(NextOpeningNewYorkSpring, EndInTheSkippedHourClosesAtTheChange) {
  SendSchedule s = Schedule("America/New_York", kEveryDay, "01:00", "02:30");
  EXPECT_EQ(Next(s, Utc(2026, 3, 8, 5)), "2026-03-08T06:00:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 3, 8, 6, 59, 59, 999)), "2026-03-08T06:59:59.999Z");
  EXPECT_EQ(Next(s, Utc(2026, 3, 8, 7)), "2026-03-09T05:00:00Z");
}

TEST(NextOpeningNewYorkSpring, WindowWhollyInTheSkippedHourIsClosedThatDay) {
  SendSchedule s = Schedule("America/New_York", kEveryDay, "02:10", "02:50");
  EXPECT_EQ(Next(s, Utc(2026, 3, 8, 5)), "2026-03-09T06:10:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 3, 8, 7)), "2026-03-09T06:10:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 3, 7, 7, 30)), "2026-03-07T07:30:00Z");  // open the day before
}

TEST(NextOpeningNewYorkSpring, WindowWhollyInTheSkippedHourOnItsOnlyDayWaitsAWeek) {
  SendSchedule s = Schedule("America/New_York", kSunday, "02:10", "02:50");
  EXPECT_EQ(Next(s, Utc(2026, 3, 8)), "2026-03-15T06:10:00Z");     // Sat evening EST
  EXPECT_EQ(Next(s, Utc(2026, 3, 1, 8)), "2026-03-15T06:10:00Z");  // after the previous Sunday
}

TEST(NextOpeningNewYorkFall, NineToFiveStaysNineLocalOnBothSides) {
  SendSchedule s = Schedule("America/New_York", kEveryDay, "09:00", "17:00");
  EXPECT_EQ(Next(s, Utc(2026, 10, 31, 12)), "2026-10-31T13:00:00Z");  // Sat 09:00 EDT
  EXPECT_EQ(Next(s, Utc(2026, 10, 31, 21)), "2026-11-01T14:00:00Z");  // Sun 09:00 EST
  EXPECT_EQ(Next(s, Utc(2026, 11, 1, 5, 30)), "2026-11-01T14:00:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 11, 1, 21, 59)), "2026-11-01T21:59:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 11, 1, 22)), "2026-11-02T14:00:00Z");  // Sun 17:00 EST is close
}

TEST(NextOpeningNewYorkFall, WindowInTheRepeatedHourMeansItsFirstOccurrence) {
  SendSchedule s = Schedule("America/New_York", kEveryDay, "01:00", "01:30");
  EXPECT_EQ(Next(s, Utc(2026, 11, 1, 4)), "2026-11-01T05:00:00Z");  // first 01:00, EDT
  EXPECT_EQ(Next(s, Utc(2026, 11, 1, 5, 15)), "2026-11-01T05:15:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 11, 1, 5, 30)), "2026-11-02T06:00:00Z");  // first 01:30 closes
  // The second 01:00-01:30, in EST, is not the window.
  EXPECT_EQ(Next(s, Utc(2026, 11, 1, 6)), "2026-11-02T06:00:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 11, 1, 6, 15)), "2026-11-02T06:00:00Z");
}

TEST(NextOpeningNewYorkFall, WindowEndingInTheRepeatedHourEndsAtItsFirstOccurrence) {
  SendSchedule s = Schedule("America/New_York", kEveryDay, "00:00", "01:30");
  EXPECT_EQ(Next(s, Utc(2026, 11, 1, 5, 29)), "2026-11-01T05:29:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 11, 1, 5, 30)), "2026-11-02T05:00:00Z");  // 00:00 EST Monday
}

TEST(NextOpeningBerlinSpring, NineToFiveStaysNineLocalOnBothSides) {
  SendSchedule s = Schedule("Europe/Berlin", kEveryDay, "09:00", "17:00");
  EXPECT_EQ(Next(s, Utc(2026, 3, 28, 7)), "2026-03-28T08:00:00Z");   // Sat 09:00 CET
  EXPECT_EQ(Next(s, Utc(2026, 3, 28, 16)), "2026-03-29T07:00:00Z");  // Sun 09:00 CEST
  EXPECT_EQ(Next(s, Utc(2026, 3, 29, 15)), "2026-03-30T07:00:00Z");  // Sun 17:00 CEST is close
}

TEST(NextOpeningBerlinSpring, StartInTheSkippedHourOpensAtThreeLocal) {
  SendSchedule s = Schedule("Europe/Berlin", kEveryDay, "02:30", "04:00");
  EXPECT_EQ(Next(s, Utc(2026, 3, 29)), "2026-03-29T01:00:00Z");  // 03:00 CEST
  EXPECT_EQ(Next(s, Utc(2026, 3, 29, 2)), "2026-03-30T00:30:00Z");
}

TEST(NextOpeningBerlinSpring, WindowWhollyInTheSkippedHourOpensTheNextAllowedDay) {
  SendSchedule s = Schedule("Europe/Berlin", kEveryDay, "02:10", "02:50");
  EXPECT_EQ(Next(s, Utc(2026, 3, 28, 23)), "2026-03-30T00:10:00Z");
  SendSchedule sundays_and_tuesdays = Schedule("Europe/Berlin", kSunday | 0x02, "02:10", "02:50");
  EXPECT_EQ(Next(sundays_and_tuesdays, Utc(2026, 3, 28, 23)), "2026-03-31T00:10:00Z");
}

TEST(NextOpeningBerlinFall, NineToFiveStaysNineLocalOnBothSides) {
  SendSchedule s = Schedule("Europe/Berlin", kEveryDay, "09:00", "17:00");
  EXPECT_EQ(Next(s, Utc(2026, 10, 24, 6)), "2026-10-24T07:00:00Z");   // Sat 09:00 CEST
  EXPECT_EQ(Next(s, Utc(2026, 10, 24, 15)), "2026-10-25T08:00:00Z");  // Sun 09:00 CET
  EXPECT_EQ(Next(s, Utc(2026, 10, 25, 16)), "2026-10-26T08:00:00Z");  // Sun 17:00 CET is close
}

TEST(NextOpeningBerlinFall, WindowInTheRepeatedHourMeansItsFirstOccurrence) {
  SendSchedule s = Schedule("Europe/Berlin", kEveryDay, "02:00", "02:30");
  EXPECT_EQ(Next(s, Utc(2026, 10, 24, 23)), "2026-10-25T00:00:00Z");  // first 02:00, CEST
  EXPECT_EQ(Next(s, Utc(2026, 10, 25, 0, 29)), "2026-10-25T00:29:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 10, 25, 0, 30)), "2026-10-26T01:00:00Z");
  EXPECT_EQ(Next(s, Utc(2026, 10, 25, 1, 10)), "2026-10-26T01:00:00Z");  // second 02:10, CET
}

// Holds for any schedule: the answer is no earlier than t, lies in the window (so asking
// again from it answers it), and every instant between t and it has the same answer.
void ExpectConsistentAround(const SendSchedule& s, Timestamp from, Timestamp to) {
  TimeZone zone = Zone(s.timezone);
  for (Timestamp t = from; t < to; t += minutes{7}) {
    Timestamp next = NextOpening(s, zone, t);
    ASSERT_GE(next, t) << FormatRfc3339(t);
    ASSERT_EQ(NextOpening(s, zone, next), next) << FormatRfc3339(t);
    if (next > t) {
      Duration gap = next - t;
      ASSERT_EQ(NextOpening(s, zone, t + gap / 2), next) << FormatRfc3339(t);
      ASSERT_EQ(NextOpening(s, zone, next - Duration{1}), next) << FormatRfc3339(t);
    }
  }
}

TEST(NextOpeningProperties, AnswersAreConsistentAcrossEveryChangeOf2026) {
  for (const char* zone : {"America/New_York", "Europe/Berlin"}) {
    for (auto [from, to] : {std::pair{"09:00", "17:00"},
                            {"02:30", "04:00"},
                            {"02:10", "02:50"},
                            {"01:00", "01:30"},
                            {"02:00", "02:30"},
                            {"00:00", "24:00"},
                            {"23:00", "24:00"}}) {
      for (std::uint8_t days : {kEveryDay, kMonToFri, kSunday}) {
        SendSchedule s = Schedule(zone, days, from, to);
        ExpectConsistentAround(s, Utc(2026, 3, 6), Utc(2026, 3, 11));
        ExpectConsistentAround(s, Utc(2026, 3, 27), Utc(2026, 4, 1));
        ExpectConsistentAround(s, Utc(2026, 10, 23), Utc(2026, 10, 28));
        ExpectConsistentAround(s, Utc(2026, 10, 30), Utc(2026, 11, 4));
      }
    }
  }
}

// --- Contact zones far from the schedule's ------------------------------------------------
// 2026-03-06T10:00Z is Friday 05:00 in New York, Saturday 00:00 in Kiritimati (UTC+14) and
// Friday 00:00 at UTC-10:00.

TEST(NextOpeningContactZone, SameInstantIsADifferentWeekdayInEachZone) {
  SendSchedule s = Schedule("America/New_York", kMonToFri, "09:00", "17:00", true);
  Timestamp t = Utc(2026, 3, 6, 10);
  EXPECT_EQ(FormatRfc3339(NextSendTime(s, "", t)), "2026-03-06T14:00:00Z");
  EXPECT_EQ(FormatRfc3339(NextSendTime(s, "Pacific/Kiritimati", t)),
            "2026-03-08T19:00:00Z");  // Monday 09:00 +14
  EXPECT_EQ(FormatRfc3339(NextSendTime(s, "UTC-10:00", t)), "2026-03-06T19:00:00Z");
}

TEST(NextOpeningContactZone, SundayEveningUtcIsMondayMorningInKiritimati) {
  SendSchedule s = Schedule("America/New_York", kMonToFri, "09:00", "17:00", true);
  Timestamp t = Utc(2026, 3, 8, 18);  // Kiritimati Monday 08:00; UTC-10 Sunday 08:00
  EXPECT_EQ(FormatRfc3339(NextSendTime(s, "Pacific/Kiritimati", t)), "2026-03-08T19:00:00Z");
  EXPECT_EQ(FormatRfc3339(NextSendTime(s, "UTC-10:00", t)), "2026-03-09T19:00:00Z");
  EXPECT_EQ(FormatRfc3339(NextSendTime(s, "Pacific/Kiritimati", Utc(2026, 3, 8, 19))),
            "2026-03-08T19:00:00Z");
}

TEST(NextOpeningContactZone, KiritimatiFridayEndsWhileItIsStillFridayInUtcMinusTen) {
  SendSchedule s = Schedule("UTC", kMonToFri, "09:00", "17:00", true);
  Timestamp t = Utc(2026, 3, 6, 3);  // Kiritimati Fri 17:00 (closed); UTC-10 Thu 17:00 (closed)
  EXPECT_EQ(FormatRfc3339(NextSendTime(s, "Pacific/Kiritimati", t)), "2026-03-08T19:00:00Z");
  EXPECT_EQ(FormatRfc3339(NextSendTime(s, "UTC-10:00", t)), "2026-03-06T19:00:00Z");
  EXPECT_EQ(FormatRfc3339(NextSendTime(s, "UTC-10:00", Utc(2026, 3, 7, 2, 59))),
            "2026-03-07T02:59:00Z");  // Friday 16:59 there
  EXPECT_EQ(FormatRfc3339(NextSendTime(s, "UTC-10:00", Utc(2026, 3, 7, 3))),
            "2026-03-09T19:00:00Z");
}

TEST(NextOpeningContactZone, IgnoredWhenTheScheduleDoesNotUseContactZones) {
  SendSchedule s = Schedule("America/New_York", kMonToFri, "09:00", "17:00", false);
  EXPECT_EQ(FormatRfc3339(NextSendTime(s, "Pacific/Kiritimati", Utc(2026, 3, 6, 10))),
            "2026-03-06T14:00:00Z");
}

TEST(NextOpeningContactZone, BadContactZoneFallsBackToTheSchedulesZone) {
  SendSchedule s = Schedule("America/New_York", kMonToFri, "09:00", "17:00", true);
  EXPECT_EQ(FormatRfc3339(NextSendTime(s, "Nowhere/Special", Utc(2026, 3, 6, 10))),
            "2026-03-06T14:00:00Z");
}

// --- NextSendTime -------------------------------------------------------------------------

TEST(NextSendTime, WithoutAScheduleIsTheInstantItself) {
  Timestamp t = Utc(2026, 3, 7, 3, 4, 5, 6);  // a Saturday night
  EXPECT_EQ(NextSendTime(std::nullopt, "", t), t);
  EXPECT_EQ(NextSendTime(std::nullopt, "Pacific/Kiritimati", t), t);
}

TEST(NextSendTime, WithAScheduleWaitsForTheWindow) {
  std::optional<SendSchedule> s = Schedule("Europe/Berlin", kMonToFri, "09:00", "17:00");
  EXPECT_EQ(FormatRfc3339(NextSendTime(s, "", Utc(2026, 3, 7, 3))), "2026-03-09T08:00:00Z");
  EXPECT_EQ(FormatRfc3339(NextSendTime(s, "", Utc(2026, 3, 9, 12))), "2026-03-09T12:00:00Z");
}

TEST(NextSendTime, ScheduleZoneThatDoesNotParseIsJudgedInUtc) {
  std::optional<SendSchedule> s = Schedule("UTC", kMonToFri, "09:00", "17:00");
  s->timezone = "Mars/Olympus_Mons";
  EXPECT_EQ(FormatRfc3339(NextSendTime(s, "", Utc(2026, 3, 7, 3))), "2026-03-09T09:00:00Z");
}

// --- DayOf --------------------------------------------------------------------------------

void ExpectDay(const LocalDay& day, const std::string& key, const std::string& start,
               const std::string& end) {
  EXPECT_EQ(day.key, key);
  EXPECT_EQ(FormatRfc3339(day.start), start);
  EXPECT_EQ(FormatRfc3339(day.end), end);
}

TEST(DayOf, UtcDayRunsMidnightToMidnight) {
  ExpectDay(DayOf(TimeZone::Utc(), Utc(2026, 3, 6, 12)), "2026-03-06", "2026-03-06T00:00:00Z",
            "2026-03-07T00:00:00Z");
}

TEST(DayOf, LocalMidnightBelongsToTheDayItBegins) {
  TimeZone berlin = Zone("Europe/Berlin");
  ExpectDay(DayOf(berlin, Utc(2026, 3, 4, 23)), "2026-03-05", "2026-03-04T23:00:00Z",
            "2026-03-05T23:00:00Z");
  ExpectDay(DayOf(berlin, Utc(2026, 3, 4, 22, 59, 59, 999)), "2026-03-04", "2026-03-03T23:00:00Z",
            "2026-03-04T23:00:00Z");
}

TEST(DayOf, KeyIsTheLocalDateNotTheUtcDate) {
  ExpectDay(DayOf(Zone("America/New_York"), Utc(2026, 3, 4, 2)), "2026-03-03",
            "2026-03-03T05:00:00Z", "2026-03-04T05:00:00Z");
  ExpectDay(DayOf(Zone("Pacific/Kiritimati"), Utc(2026, 3, 6, 10)), "2026-03-07",
            "2026-03-06T10:00:00Z", "2026-03-07T10:00:00Z");
  ExpectDay(DayOf(Zone("Pacific/Kiritimati"), Utc(2026, 3, 6, 9, 59, 59, 999)), "2026-03-06",
            "2026-03-05T10:00:00Z", "2026-03-06T10:00:00Z");
  ExpectDay(DayOf(Zone("UTC-10:00"), Utc(2026, 3, 6, 10)), "2026-03-06", "2026-03-06T10:00:00Z",
            "2026-03-07T10:00:00Z");
  ExpectDay(DayOf(Zone("UTC+05:30"), Utc(2026, 12, 31, 18, 30)), "2027-01-01",
            "2026-12-31T18:30:00Z", "2027-01-01T18:30:00Z");
}

TEST(DayOf, SpringForwardDayIsTwentyThreeHours) {
  TimeZone ny = Zone("America/New_York");
  LocalDay day = DayOf(ny, Utc(2026, 3, 8, 12));
  ExpectDay(day, "2026-03-08", "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z");
  EXPECT_EQ(day.end - day.start, hours{23});
  ExpectDay(DayOf(ny, Utc(2026, 3, 8, 5)), "2026-03-08", "2026-03-08T05:00:00Z",
            "2026-03-09T04:00:00Z");
  ExpectDay(DayOf(ny, Utc(2026, 3, 9, 3, 59, 59, 999)), "2026-03-08", "2026-03-08T05:00:00Z",
            "2026-03-09T04:00:00Z");
  ExpectDay(DayOf(ny, Utc(2026, 3, 9, 4)), "2026-03-09", "2026-03-09T04:00:00Z",
            "2026-03-10T04:00:00Z");

  LocalDay berlin = DayOf(Zone("Europe/Berlin"), Utc(2026, 3, 29, 12));
  ExpectDay(berlin, "2026-03-29", "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z");
  EXPECT_EQ(berlin.end - berlin.start, hours{23});
}

TEST(DayOf, FallBackDayIsTwentyFiveHours) {
  TimeZone ny = Zone("America/New_York");
  LocalDay day = DayOf(ny, Utc(2026, 11, 1, 12));
  ExpectDay(day, "2026-11-01", "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z");
  EXPECT_EQ(day.end - day.start, hours{25});
  // Both 01:30s belong to the same day.
  EXPECT_EQ(DayOf(ny, Utc(2026, 11, 1, 5, 30)).key, "2026-11-01");
  EXPECT_EQ(DayOf(ny, Utc(2026, 11, 1, 6, 30)).key, "2026-11-01");
  ExpectDay(DayOf(ny, Utc(2026, 10, 31, 12)), "2026-10-31", "2026-10-31T04:00:00Z",
            "2026-11-01T04:00:00Z");

  LocalDay berlin = DayOf(Zone("Europe/Berlin"), Utc(2026, 10, 25, 12));
  ExpectDay(berlin, "2026-10-25", "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z");
  EXPECT_EQ(berlin.end - berlin.start, hours{25});
}

// America/Santiago changes its clocks at midnight: 2026-04-05 00:00 -03 becomes 2026-04-04
// 23:00 -04 (at 03:00Z), and 2026-09-06 00:00 -04 becomes 01:00 -03 (at 04:00Z).
TEST(DayOf, MidnightFallBackRepeatsTheLastHourOfTheDayBefore) {
  TimeZone santiago = Zone("America/Santiago");
  LocalDay day = DayOf(santiago, Utc(2026, 4, 5, 3, 30));  // the second 23:30
  ExpectDay(day, "2026-04-04", "2026-04-04T03:00:00Z", "2026-04-05T04:00:00Z");
  EXPECT_EQ(day.end - day.start, hours{25});
  ExpectDay(DayOf(santiago, Utc(2026, 4, 5, 4)), "2026-04-05", "2026-04-05T04:00:00Z",
            "2026-04-06T04:00:00Z");
}

TEST(DayOf, SkippedMidnightStartsTheDayAtTheChange) {
  TimeZone santiago = Zone("America/Santiago");
  LocalDay day = DayOf(santiago, Utc(2026, 9, 6, 4));  // 01:00 -03, the day's first instant
  ExpectDay(day, "2026-09-06", "2026-09-06T04:00:00Z", "2026-09-07T03:00:00Z");
  EXPECT_EQ(day.end - day.start, hours{23});
  ExpectDay(DayOf(santiago, Utc(2026, 9, 6, 3, 59, 59, 999)), "2026-09-05", "2026-09-05T04:00:00Z",
            "2026-09-06T04:00:00Z");
}

// America/Goose_Bay in 1987 fell back from 00:01 ADT to 23:01 AST (at 03:01Z), so midnight
// came twice: the minutes repeated before the second midnight fall after the first one.
TEST(DayOf, RepeatedMidnightCountsTheRepeatedMinutesToTheNewDay) {
  TimeZone goose_bay = Zone("America/Goose_Bay");
  ExpectDay(DayOf(goose_bay, Utc(1987, 10, 25, 2, 59)), "1987-10-24", "1987-10-24T03:00:00Z",
            "1987-10-25T03:00:00Z");
  ExpectDay(DayOf(goose_bay, Utc(1987, 10, 25, 3)), "1987-10-25", "1987-10-25T03:00:00Z",
            "1987-10-26T04:00:00Z");
  // 03:30Z shows 23:30 AST on the 24th, after the 25th had begun.
  ExpectDay(DayOf(goose_bay, Utc(1987, 10, 25, 3, 30)), "1987-10-25", "1987-10-25T03:00:00Z",
            "1987-10-26T04:00:00Z");
}

TEST(DayOf, EveryInstantLiesInItsDayAndDaysTile) {
  for (const char* name :
       {"America/New_York", "Europe/Berlin", "America/Santiago", "Pacific/Kiritimati"}) {
    TimeZone zone = Zone(name);
    for (auto [from, to] : {std::pair{Utc(2026, 3, 6), Utc(2026, 3, 31)},
                            {Utc(2026, 4, 3), Utc(2026, 4, 7)},
                            {Utc(2026, 9, 4), Utc(2026, 9, 8)},
                            {Utc(2026, 10, 23), Utc(2026, 11, 3)}}) {
      for (Timestamp t = from; t < to; t += minutes{17}) {
        LocalDay day = DayOf(zone, t);
        ASSERT_LE(day.start, t) << name << " " << FormatRfc3339(t);
        ASSERT_LT(t, day.end) << name << " " << FormatRfc3339(t);
        LocalDay next = DayOf(zone, day.end);
        ASSERT_EQ(next.start, day.end) << name << " " << FormatRfc3339(t);
        ASSERT_GT(next.key, day.key) << name << " " << FormatRfc3339(t);
      }
    }
  }
}

// --- BounceRateExceeded -------------------------------------------------------------------

TEST(BounceRateExceeded, ExactlyAtTheThresholdDoesNotTrip) {
  BounceProtection p;  // 10 % of the last 50
  EXPECT_FALSE(BounceRateExceeded(p, 5, 50));
  EXPECT_TRUE(BounceRateExceeded(p, 6, 50));
}

TEST(BounceRateExceeded, WaitsUntilThereAreOverLastSends) {
  BounceProtection p;
  EXPECT_FALSE(BounceRateExceeded(p, 6, 49));
  EXPECT_FALSE(BounceRateExceeded(p, 49, 49));
  EXPECT_TRUE(BounceRateExceeded(p, 6, 51));
  EXPECT_TRUE(BounceRateExceeded(p, 6, 1'000'000));
}

TEST(BounceRateExceeded, NoBouncesNeverTrips) {
  EXPECT_FALSE(BounceRateExceeded({}, 0, 50));
  EXPECT_FALSE(BounceRateExceeded({.max_percent = 0, .over_last = 50}, 0, 50));
}

TEST(BounceRateExceeded, ZeroPercentTripsOnAnyBounce) {
  EXPECT_TRUE(BounceRateExceeded({.max_percent = 0, .over_last = 50}, 1, 50));
}

TEST(BounceRateExceeded, HundredPercentNeverTrips) {
  EXPECT_FALSE(BounceRateExceeded({.max_percent = 100, .over_last = 50}, 50, 50));
}

TEST(BounceRateExceeded, ThresholdsThatAreNotWholeBounces) {
  BounceProtection p{.max_percent = 25, .over_last = 4};
  EXPECT_FALSE(BounceRateExceeded(p, 1, 4));
  EXPECT_TRUE(BounceRateExceeded(p, 2, 4));
  BounceProtection q{.max_percent = 15, .over_last = 20};  // 3 bounces is exactly 15 %
  EXPECT_FALSE(BounceRateExceeded(q, 3, 20));
  EXPECT_TRUE(BounceRateExceeded(q, 4, 20));
  BounceProtection r{.max_percent = 10, .over_last = 15};  // 1.5 bounces
  EXPECT_FALSE(BounceRateExceeded(r, 1, 15));
  EXPECT_TRUE(BounceRateExceeded(r, 2, 15));
}

}  // namespace
}  // namespace mailmark
