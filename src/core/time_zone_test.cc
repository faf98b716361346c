#include "core/time_zone.h"

#include <string>

#include <gtest/gtest.h>

namespace mailmark {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

Timestamp Utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
  std::chrono::sys_days day{std::chrono::year{y} / std::chrono::month{mo} / std::chrono::day{d}};
  return Timestamp{day} + hours{h} + minutes{mi} + std::chrono::seconds{s} + Duration{ms};
}

LocalTime Local(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
  return LocalTime{Utc(y, mo, d, h, mi, s, ms).time_since_epoch()};
}

// A local time written like an instant, for readable expectations: "2026-03-08T03:00:00Z" here
// means 03:00 on local clocks.
std::string LocalText(LocalTime local) {
  return FormatRfc3339(Timestamp{local.time_since_epoch()});
}

TimeZone Zone(std::string_view name) {
  Result<TimeZone> zone = TimeZone::Parse(name);
  EXPECT_TRUE(zone.ok()) << name;
  return zone.ok() ? zone.value() : TimeZone::Utc();
}

void ExpectInvalid(std::string_view name) {
  Result<TimeZone> zone = TimeZone::Parse(name);
  ASSERT_FALSE(zone.ok()) << "accepted \"" << name << "\" as " << zone->name();
  EXPECT_EQ(zone.error().kind, ErrorKind::kInvalid);
  EXPECT_EQ(zone.error().code, "invalid_timezone");
  EXPECT_TRUE(zone.error().details.contains("timezone"));
}

// --- Parse -------------------------------------------------------------------------------

TEST(TimeZoneParse, AcceptsIanaNamesAndKeepsThemAsWritten) {
  for (const char* name : {"Europe/Berlin", "America/New_York", "Pacific/Kiritimati",
                           "Asia/Kolkata", "Australia/Lord_Howe", "Etc/UTC", "Etc/GMT+5",
                           "America/Argentina/ComodRivadavia", "US/Eastern", "EST5EDT"}) {
    Result<TimeZone> zone = TimeZone::Parse(name);
    ASSERT_TRUE(zone.ok()) << name;
    EXPECT_EQ(zone->name(), name);
  }
}

TEST(TimeZoneParse, AcceptsUtcAloneWithZeroOffset) {
  TimeZone utc = Zone("UTC");
  EXPECT_EQ(utc.name(), "UTC");
  Timestamp t = Utc(2026, 7, 1, 12, 34, 56, 789);
  EXPECT_EQ(utc.ToLocal(t).time_since_epoch(), t.time_since_epoch());
  EXPECT_EQ(utc.FromLocal(Local(2026, 7, 1, 12, 34, 56, 789)), t);
}

TEST(TimeZoneParse, UtcFactoryIsNamedUtcAndHasNoOffset) {
  TimeZone utc = TimeZone::Utc();
  EXPECT_EQ(utc.name(), "UTC");
  Timestamp t = Utc(2026, 3, 8, 7);
  EXPECT_EQ(LocalText(utc.ToLocal(t)), "2026-03-08T07:00:00Z");
  EXPECT_EQ(utc.FromLocal(Local(2026, 3, 8, 7)), t);
}

TEST(TimeZoneParse, AcceptsFixedOffsetsAndNamesThemNormalised) {
  EXPECT_EQ(Zone("UTC+05:30").name(), "UTC+05:30");
  EXPECT_EQ(Zone("UTC-10:00").name(), "UTC-10:00");
  EXPECT_EQ(Zone("UTC+14:00").name(), "UTC+14:00");
  EXPECT_EQ(Zone("UTC-14:00").name(), "UTC-14:00");
  EXPECT_EQ(Zone("UTC+00:00").name(), "UTC+00:00");
  EXPECT_EQ(Zone("UTC+00:59").name(), "UTC+00:59");
  EXPECT_EQ(Zone("UTC-03:45").name(), "UTC-03:45");
}

TEST(TimeZoneParse, NegativeZeroOffsetIsNamedLikePositiveZero) {
  EXPECT_EQ(Zone("UTC-00:00").name(), "UTC+00:00");
}

TEST(TimeZoneParse, RejectsOffsetsBeyondFourteenHours) {
  ExpectInvalid("UTC+15:00");
  ExpectInvalid("UTC-15:00");
  ExpectInvalid("UTC+14:01");
  ExpectInvalid("UTC-14:30");
  ExpectInvalid("UTC+99:00");
}

TEST(TimeZoneParse, RejectsOffsetsNotWrittenExactlyAsHhColonMm) {
  ExpectInvalid("UTC+5");
  ExpectInvalid("UTC+05");
  ExpectInvalid("UTC+5:30");
  ExpectInvalid("UTC+05:3");
  ExpectInvalid("UTC+0530");
  ExpectInvalid("UTC+05:60");
  ExpectInvalid("UTC+05:99");
  ExpectInvalid("UTC+05:30 ");
  ExpectInvalid("UTC+05:30:00");
  ExpectInvalid("UTC+ab:cd");
  ExpectInvalid("UTC+05-30");
  ExpectInvalid("UTC+");
  ExpectInvalid("UTC-");
  ExpectInvalid("UTC 05:30");
  ExpectInvalid("UTC±05:30");
  ExpectInvalid("utc+05:30");
  ExpectInvalid("GMT+05:30");
  ExpectInvalid("+05:30");
}

TEST(TimeZoneParse, RejectsUnknownAndMisspelledNames) {
  ExpectInvalid("Mars/Olympus_Mons");
  ExpectInvalid("europe/berlin");
  ExpectInvalid("utc");
  ExpectInvalid(" Europe/Berlin");
  ExpectInvalid("Europe/Berlin ");
  ExpectInvalid("Europe//Berlin");
  ExpectInvalid("garbage");
  ExpectInvalid("../../../etc/passwd");
  ExpectInvalid("/usr/share/zoneinfo/Europe/Berlin");
  ExpectInvalid(std::string_view("Europe/Berlin\0x", 15));
}

TEST(TimeZoneParse, RejectsTheHostDependentLocaltimeLink) { ExpectInvalid("localtime"); }

TEST(TimeZoneParse, RejectsEmptyName) { ExpectInvalid(""); }

TEST(TimeZoneParse, ErrorNamesTheRejectedZone) {
  Result<TimeZone> zone = TimeZone::Parse("Mars/Olympus_Mons");
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.error().details, (nlohmann::json{{"timezone", "Mars/Olympus_Mons"}}));
  EXPECT_NE(zone.error().message.find("Mars/Olympus_Mons"), std::string::npos);
}

TEST(TimeZoneParse, RejectsNamesLongerThanSixtyFourCharactersAndEchoesThemShortened) {
  std::string long_name = "Europe/" + std::string(58, 'x');  // 65 characters
  ExpectInvalid(long_name);
  Result<TimeZone> zone = TimeZone::Parse(long_name);
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.error().details["timezone"], long_name.substr(0, 64) + "...");
  ExpectInvalid(std::string(100'000, 'A'));
}

TEST(TimeZoneParse, EchoOfInvalidUtf8StaysSerialisable) {
  Result<TimeZone> zone = TimeZone::Parse("Europe/\xff\xfe");
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.error().details["timezone"], "Europe/??");
  EXPECT_NO_THROW((void)zone.error().details.dump());
}

TEST(TimeZoneParse, EchoKeepsValidMultibyteCharacters) {
  Result<TimeZone> zone = TimeZone::Parse("Europe/Zürich");
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.error().details["timezone"], "Europe/Zürich");
}

// --- Fixed offsets ------------------------------------------------------------------------

TEST(TimeZoneFixedOffset, ShiftsLocalTimeByTheOffset) {
  Timestamp t = Utc(2026, 3, 6, 10);
  EXPECT_EQ(LocalText(Zone("UTC+05:30").ToLocal(t)), "2026-03-06T15:30:00Z");
  EXPECT_EQ(LocalText(Zone("UTC-10:00").ToLocal(t)), "2026-03-06T00:00:00Z");
  EXPECT_EQ(LocalText(Zone("UTC+14:00").ToLocal(t)), "2026-03-07T00:00:00Z");
  EXPECT_EQ(LocalText(Zone("UTC-14:00").ToLocal(t)), "2026-03-05T20:00:00Z");
  EXPECT_EQ(LocalText(Zone("UTC-03:45").ToLocal(t)), "2026-03-06T06:15:00Z");
}

TEST(TimeZoneFixedOffset, FromLocalIsTheInverseToTheMillisecond) {
  TimeZone zone = Zone("UTC+05:30");
  EXPECT_EQ(zone.FromLocal(Local(2026, 3, 6, 15, 30)), Utc(2026, 3, 6, 10));
  EXPECT_EQ(zone.FromLocal(Local(2026, 1, 1, 0, 0, 0, 1)), Utc(2025, 12, 31, 18, 30, 0, 1));
  TimeZone minus = Zone("UTC-10:00");
  for (Timestamp t = Utc(2026, 3, 8); t < Utc(2026, 3, 9); t += minutes{37})
    EXPECT_EQ(minus.FromLocal(minus.ToLocal(t)), t);
}

TEST(TimeZoneFixedOffset, HasNoDaylightSavingTime) {
  TimeZone zone = Zone("UTC-05:00");
  // New York changes its clocks at these instants; a fixed offset does not.
  EXPECT_EQ(LocalText(zone.ToLocal(Utc(2026, 3, 8, 7))), "2026-03-08T02:00:00Z");
  EXPECT_EQ(LocalText(zone.ToLocal(Utc(2026, 11, 1, 6))), "2026-11-01T01:00:00Z");
  EXPECT_EQ(zone.FromLocal(Local(2026, 3, 8, 2, 30)), Utc(2026, 3, 8, 7, 30));
}

// --- IANA zones across daylight-saving changes --------------------------------------------

TEST(TimeZoneNewYork, ToLocalJumpsAnHourForwardAtTheSpringChange) {
  TimeZone ny = Zone("America/New_York");
  EXPECT_EQ(LocalText(ny.ToLocal(Utc(2026, 3, 8, 6, 59, 59, 999))), "2026-03-08T01:59:59.999Z");
  EXPECT_EQ(LocalText(ny.ToLocal(Utc(2026, 3, 8, 7))), "2026-03-08T03:00:00Z");
}

TEST(TimeZoneNewYork, ToLocalShowsTheOneOClockHourTwiceAtTheFallChange) {
  TimeZone ny = Zone("America/New_York");
  EXPECT_EQ(LocalText(ny.ToLocal(Utc(2026, 11, 1, 5, 30))), "2026-11-01T01:30:00Z");  // EDT
  EXPECT_EQ(LocalText(ny.ToLocal(Utc(2026, 11, 1, 5, 59, 59, 999))), "2026-11-01T01:59:59.999Z");
  EXPECT_EQ(LocalText(ny.ToLocal(Utc(2026, 11, 1, 6))), "2026-11-01T01:00:00Z");  // EST
  EXPECT_EQ(LocalText(ny.ToLocal(Utc(2026, 11, 1, 6, 30))), "2026-11-01T01:30:00Z");
}

TEST(TimeZoneNewYork, FromLocalInTheSkippedHourGivesTheMomentOfTheChange) {
  TimeZone ny = Zone("America/New_York");
  EXPECT_EQ(FormatRfc3339(ny.FromLocal(Local(2026, 3, 8, 2, 30))), "2026-03-08T07:00:00Z");
  EXPECT_EQ(FormatRfc3339(ny.FromLocal(Local(2026, 3, 8, 2))), "2026-03-08T07:00:00Z");
  EXPECT_EQ(FormatRfc3339(ny.FromLocal(Local(2026, 3, 8, 2, 59, 59, 999))), "2026-03-08T07:00:00Z");
}

TEST(TimeZoneNewYork, FromLocalAroundTheSkippedHourIsExact) {
  TimeZone ny = Zone("America/New_York");
  EXPECT_EQ(FormatRfc3339(ny.FromLocal(Local(2026, 3, 8, 1, 59, 59, 999))),
            "2026-03-08T06:59:59.999Z");
  EXPECT_EQ(FormatRfc3339(ny.FromLocal(Local(2026, 3, 8, 3))), "2026-03-08T07:00:00Z");
  EXPECT_EQ(FormatRfc3339(ny.FromLocal(Local(2026, 3, 8, 3, 0, 0, 1))), "2026-03-08T07:00:00.001Z");
  EXPECT_EQ(FormatRfc3339(ny.FromLocal(Local(2026, 3, 8, 9))), "2026-03-08T13:00:00Z");
  EXPECT_EQ(FormatRfc3339(ny.FromLocal(Local(2026, 3, 7, 9))), "2026-03-07T14:00:00Z");
}

TEST(TimeZoneNewYork, FromLocalInTheRepeatedHourGivesTheFirstOccurrence) {
  TimeZone ny = Zone("America/New_York");
  EXPECT_EQ(FormatRfc3339(ny.FromLocal(Local(2026, 11, 1, 1))), "2026-11-01T05:00:00Z");
  EXPECT_EQ(FormatRfc3339(ny.FromLocal(Local(2026, 11, 1, 1, 30))), "2026-11-01T05:30:00Z");
  EXPECT_EQ(FormatRfc3339(ny.FromLocal(Local(2026, 11, 1, 1, 59, 59, 999))),
            "2026-11-01T05:59:59.999Z");
  EXPECT_EQ(FormatRfc3339(ny.FromLocal(Local(2026, 11, 1, 2))), "2026-11-01T07:00:00Z");
  EXPECT_EQ(FormatRfc3339(ny.FromLocal(Local(2026, 11, 1, 0, 59))), "2026-11-01T04:59:00Z");
}

TEST(TimeZoneBerlin, FromLocalAcrossTheSpringChange) {
  TimeZone berlin = Zone("Europe/Berlin");
  EXPECT_EQ(FormatRfc3339(berlin.FromLocal(Local(2026, 3, 29, 1, 59))), "2026-03-29T00:59:00Z");
  EXPECT_EQ(FormatRfc3339(berlin.FromLocal(Local(2026, 3, 29, 2, 30))), "2026-03-29T01:00:00Z");
  EXPECT_EQ(FormatRfc3339(berlin.FromLocal(Local(2026, 3, 29, 3))), "2026-03-29T01:00:00Z");
  EXPECT_EQ(FormatRfc3339(berlin.FromLocal(Local(2026, 3, 29, 9))), "2026-03-29T07:00:00Z");
  EXPECT_EQ(LocalText(berlin.ToLocal(Utc(2026, 3, 29, 1))), "2026-03-29T03:00:00Z");
  EXPECT_EQ(LocalText(berlin.ToLocal(Utc(2026, 3, 29, 0, 59, 59, 999))),
            "2026-03-29T01:59:59.999Z");
}

TEST(TimeZoneBerlin, FromLocalAcrossTheFallChange) {
  TimeZone berlin = Zone("Europe/Berlin");
  EXPECT_EQ(FormatRfc3339(berlin.FromLocal(Local(2026, 10, 25, 2))), "2026-10-25T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(berlin.FromLocal(Local(2026, 10, 25, 2, 30))), "2026-10-25T00:30:00Z");
  EXPECT_EQ(FormatRfc3339(berlin.FromLocal(Local(2026, 10, 25, 3))), "2026-10-25T02:00:00Z");
  EXPECT_EQ(FormatRfc3339(berlin.FromLocal(Local(2026, 10, 25, 9))), "2026-10-25T08:00:00Z");
  EXPECT_EQ(LocalText(berlin.ToLocal(Utc(2026, 10, 25, 0, 30))), "2026-10-25T02:30:00Z");
  EXPECT_EQ(LocalText(berlin.ToLocal(Utc(2026, 10, 25, 1, 30))), "2026-10-25T02:30:00Z");
}

TEST(TimeZoneNewYork, RoundTripsEveryMinuteOfTheFallDayExceptTheSecondOccurrence) {
  TimeZone ny = Zone("America/New_York");
  for (Timestamp t = Utc(2026, 11, 1, 4); t < Utc(2026, 11, 2, 5); t += minutes{1}) {
    bool second_occurrence = t >= Utc(2026, 11, 1, 6) && t < Utc(2026, 11, 1, 7);
    Timestamp expected = second_occurrence ? t - hours{1} : t;
    EXPECT_EQ(ny.FromLocal(ny.ToLocal(t)), expected) << FormatRfc3339(t);
  }
}

TEST(TimeZoneNewYork, RoundTripsEveryMinuteOfTheSpringDay) {
  TimeZone ny = Zone("America/New_York");
  for (Timestamp t = Utc(2026, 3, 8, 5); t < Utc(2026, 3, 9, 4); t += minutes{1})
    EXPECT_EQ(ny.FromLocal(ny.ToLocal(t)), t) << FormatRfc3339(t);
}

TEST(TimeZoneKiritimati, IsFourteenHoursAheadSoItsDateIsAlreadyTomorrow) {
  TimeZone kiritimati = Zone("Pacific/Kiritimati");
  EXPECT_EQ(LocalText(kiritimati.ToLocal(Utc(2026, 3, 6, 10))), "2026-03-07T00:00:00Z");
  EXPECT_EQ(LocalText(kiritimati.ToLocal(Utc(2026, 3, 6, 9, 59))), "2026-03-06T23:59:00Z");
  EXPECT_EQ(kiritimati.FromLocal(Local(2026, 3, 7)), Utc(2026, 3, 6, 10));
}

TEST(TimeZoneCopy, CopiesConvertLikeTheOriginal) {
  TimeZone original = Zone("Europe/Berlin");
  TimeZone copy = original;
  EXPECT_EQ(copy.name(), "Europe/Berlin");
  EXPECT_EQ(copy.FromLocal(Local(2026, 3, 29, 2, 30)), Utc(2026, 3, 29, 1));
}

}  // namespace
}  // namespace mailmark
