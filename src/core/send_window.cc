#include "core/send_window.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include <date/date.h>
#include <fmt/format.h>

namespace mailmark {
namespace {

constexpr int kMinutesPerDay = 24 * 60;
constexpr std::uint8_t kAllDays = 0x7F;
constexpr std::array<std::string_view, 7> kWeekdayNames = {"mon", "tue", "wed", "thu",
                                                           "fri", "sat", "sun"};
// A week and a day reaches every allowed weekday from any start; a second week covers an
// allowed day whose window a daylight-saving change empties.
constexpr int kMaxDaysAhead = 15;

using LocalDays = std::chrono::local_time<std::chrono::days>;

LocalDays LocalDateOf(const TimeZone& zone, Timestamp t) {
  return std::chrono::floor<std::chrono::days>(zone.ToLocal(t));
}

// Calendar arithmetic does not depend on the clock, so a local date goes through date's
// sys_days to reach year/month/day and weekday.
date::sys_days AsCalendarDay(LocalDays day) { return date::sys_days{day.time_since_epoch()}; }

std::uint8_t WeekdayBit(LocalDays day) {
  unsigned iso = date::weekday{AsCalendarDay(day)}.iso_encoding();  // 1 Monday … 7 Sunday
  return static_cast<std::uint8_t>(1u << (iso - 1));
}

std::string DateKey(LocalDays day) {
  date::year_month_day ymd{AsCalendarDay(day)};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

Error InvalidSchedule(std::string field, std::string message) {
  return MakeError(ErrorKind::kInvalid, "invalid_schedule", std::move(message),
                   {{"field", std::move(field)}});
}

}  // namespace

std::optional<int> ParseClockMinutes(std::string_view hh_mm) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (hh_mm.size() != 5 || !digit(hh_mm[0]) || !digit(hh_mm[1]) || hh_mm[2] != ':' ||
      !digit(hh_mm[3]) || !digit(hh_mm[4]))
    return std::nullopt;
  int hours = (hh_mm[0] - '0') * 10 + (hh_mm[1] - '0');
  int minutes = (hh_mm[3] - '0') * 10 + (hh_mm[4] - '0');
  if (minutes > 59 || hours > 24 || (hours == 24 && minutes != 0)) return std::nullopt;
  return hours * 60 + minutes;
}

std::string FormatClockMinutes(int minutes) {
  return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

std::optional<std::uint8_t> ParseWeekdayBit(std::string_view day) {
  for (std::size_t i = 0; i < kWeekdayNames.size(); ++i)
    if (day == kWeekdayNames[i]) return static_cast<std::uint8_t>(1u << i);
  return std::nullopt;
}

std::vector<std::string> WeekdayNames(std::uint8_t days) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < kWeekdayNames.size(); ++i)
    if (days & (1u << i)) names.emplace_back(kWeekdayNames[i]);
  return names;
}

Status ValidateSchedule(const SendSchedule& schedule) {
  if (schedule.days == 0) return InvalidSchedule("days", "A schedule needs at least one day.");
  if ((schedule.days & ~kAllDays) != 0)
    return InvalidSchedule("days", "days may only name Monday to Sunday.");
  if (schedule.from_minute < 0 || schedule.from_minute > kMinutesPerDay)
    return InvalidSchedule("from", "from must be a time from 00:00 to 24:00.");
  if (schedule.to_minute < 0 || schedule.to_minute > kMinutesPerDay)
    return InvalidSchedule("to", "to must be a time from 00:00 to 24:00.");
  // Windows do not wrap past midnight: an evening-to-morning window is two days' windows.
  if (schedule.from_minute >= schedule.to_minute)
    return InvalidSchedule(
        "to", "to must be later than from (" + FormatClockMinutes(schedule.from_minute) + ").");
  Result<TimeZone> zone = TimeZone::Parse(schedule.timezone);
  if (!zone) return zone.error();
  return Ok{};
}

TimeZone ZoneFor(const SendSchedule& schedule, std::string_view contact_zone) {
  if (schedule.use_contact_timezone && !contact_zone.empty()) {
    Result<TimeZone> zone = TimeZone::Parse(contact_zone);
    if (zone) return std::move(zone).value();
  }
  Result<TimeZone> zone = TimeZone::Parse(schedule.timezone);
  // The schedule's zone was validated when it was saved; should tzdata lose it later, sending
  // on UTC beats not sending at all.
  if (zone) return std::move(zone).value();
  return TimeZone::Utc();
}

Timestamp NextOpening(const SendSchedule& schedule, const TimeZone& zone, Timestamp t) {
  const std::chrono::minutes from{schedule.from_minute};
  const std::chrono::minutes to{schedule.to_minute};
  LocalDays day = LocalDateOf(zone, t);
  for (int i = 0; i < kMaxDaysAhead; ++i, day += std::chrono::days{1}) {
    if ((schedule.days & WeekdayBit(day)) == 0) continue;
    Timestamp open = zone.FromLocal(day + from);
    Timestamp close = zone.FromLocal(day + to);
    if (open < close && t < close) return std::max(t, open);
  }
  // Only a schedule that ValidateSchedule refuses gets here; holding nothing back beats
  // holding it forever.
  return t;
}

Timestamp NextSendTime(const std::optional<SendSchedule>& schedule, std::string_view contact_zone,
                       Timestamp t) {
  if (!schedule) return t;
  return NextOpening(*schedule, ZoneFor(*schedule, contact_zone), t);
}

LocalDay DayOf(const TimeZone& zone, Timestamp t) {
  LocalDays day = LocalDateOf(zone, t);
  Timestamp start = zone.FromLocal(day);
  Timestamp end = zone.FromLocal(day + std::chrono::days{1});
  // Where clocks fell back across midnight (America/Goose_Bay until 1993: 00:01 back to
  // 23:01), the repeated minutes before midnight come after the next day's first midnight;
  // they count to that next day, so that start <= t < end always holds.
  while (end <= t) {
    day += std::chrono::days{1};
    start = end;
    end = zone.FromLocal(day + std::chrono::days{1});
  }
  return LocalDay{DateKey(day), start, end};
}

bool BounceRateExceeded(const BounceProtection& protection, std::int64_t bounced_in_last,
                        std::int64_t sends_counted) {
  if (sends_counted < protection.over_last) return false;
  return bounced_in_last * 100 >
         static_cast<std::int64_t>(protection.max_percent) * protection.over_last;
}

}  // namespace mailmark
