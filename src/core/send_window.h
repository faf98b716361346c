// Sending windows and calendar days (SPEC.md "Sending like a person"): pure functions of a
// schedule, a zone and an instant. No I/O; the store and the API both use them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/result.h"
#include "core/time.h"
#include "core/time_zone.h"

namespace mailmark {

// "09:00" → 540; "24:00" → 1440; anything else that is not HH:MM from 00:00 to 24:00: nullopt.
std::optional<int> ParseClockMinutes(std::string_view hh_mm);
std::string FormatClockMinutes(int minutes);  // 540 → "09:00", 1440 → "24:00"

// "mon".."sun" → bit 0..6 of SendSchedule::days; nullopt for anything else.
std::optional<std::uint8_t> ParseWeekdayBit(std::string_view day);
// The day names of a days mask, Monday first, e.g. {"mon","tue"}.
std::vector<std::string> WeekdayNames(std::uint8_t days);

// 422 invalid_schedule: no days, days outside the 7 bits, from/to out of 0..1440 or `from` not
// before `to`. 422 invalid_timezone: the schedule's zone does not parse.
Status ValidateSchedule(const SendSchedule& schedule);

// The zone a contact's sends are judged in: the contact's own (its merge field `timezone`,
// when the schedule uses contact zones and the value parses), else the schedule's.
// `contact_zone` is the merge field's value, empty when absent.
TimeZone ZoneFor(const SendSchedule& schedule, std::string_view contact_zone);

// The earliest instant >= t that lies inside the window in `zone`: t itself when it is
// inside. A window is open on each of `days` (judged in `zone`) from local `from_minute`
// (inclusive) to local `to_minute` (exclusive). Across daylight-saving changes the local
// times stand: a start in a skipped hour opens at the first valid instant after it, a time
// in a repeated hour means its first occurrence. A window empty on some day (both ends in one
// skipped hour) is not open that day.
Timestamp NextOpening(const SendSchedule& schedule, const TimeZone& zone, Timestamp t);

// NextOpening for a sequence: t unchanged without a schedule; with one, judged in
// ZoneFor(schedule, contact_zone).
Timestamp NextSendTime(const std::optional<SendSchedule>& schedule, std::string_view contact_zone,
                       Timestamp t);

// A mailbox's calendar day in its zone: the day that holds t.
struct LocalDay {
  std::string key;  // "2026-03-08", local date
  Timestamp start;  // local midnight that began it
  Timestamp end;    // the next local midnight (when a daily limit resets)
};
LocalDay DayOf(const TimeZone& zone, Timestamp t);

// Bounce protection's verdict over a mailbox's most recent sends (newest first, true for a
// bounce), judged only once there are `over_last` of them: more than max_percent % of the
// last over_last bounced.
bool BounceRateExceeded(const BounceProtection& protection, std::int64_t bounced_in_last,
                        std::int64_t sends_counted);

}  // namespace mailmark
