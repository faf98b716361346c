#include "core/time_zone.h"

#include <exception>
#include <optional>
#include <string>

#include <date/tz.h>
#include <fmt/format.h>

#include "core/utf8.h"

namespace mailmark {
namespace {

// The longest IANA name is about 30 characters; anything far longer is not a zone and is not
// worth a database look-up or an echo in full.
constexpr std::size_t kMaxNameLength = 64;
constexpr std::chrono::minutes kMaxOffset{14 * 60};

// The name as the error repeats it: nlohmann::json refuses to serialise invalid UTF-8, so a
// stray byte would turn a 422 into a 500.
std::string Echo(std::string_view name) {
  std::string out;
  std::size_t i = 0;
  while (i < name.size() && i < kMaxNameLength) {
    std::size_t n = Utf8SequenceLength(name, i);
    if (n == 0) {
      out += '?';
      ++i;
      continue;
    }
    out.append(name.substr(i, n));
    i += n;
  }
  if (i < name.size()) out += "...";
  return out;
}

Error InvalidTimeZone(std::string_view name) {
  std::string echo = Echo(name);
  return MakeError(ErrorKind::kInvalid, "invalid_timezone",
                   "\"" + echo +
                       "\" is not a time zone; use an IANA name such as \"Europe/Berlin\" or an "
                       "offset such as \"UTC+05:30\".",
                   {{"timezone", echo}});
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "UTC+HH:MM" / "UTC-HH:MM" exactly; nullopt for any other shape or an offset beyond ±14:00.
std::optional<std::chrono::minutes> ParseFixedOffset(std::string_view s) {
  if (s.size() != 9 || !IsDigit(s[4]) || !IsDigit(s[5]) || s[6] != ':' || !IsDigit(s[7]) ||
      !IsDigit(s[8]))
    return std::nullopt;
  int hours = (s[4] - '0') * 10 + (s[5] - '0');
  int minutes = (s[7] - '0') * 10 + (s[8] - '0');
  if (minutes > 59) return std::nullopt;
  std::chrono::minutes offset{hours * 60 + minutes};
  if (offset > kMaxOffset) return std::nullopt;
  return s[3] == '-' ? -offset : offset;
}

std::string FormatFixedOffset(std::chrono::minutes offset) {
  // "UTC-00:00" reads as the same zone as "UTC+00:00", so it is named the same.
  char sign = offset < std::chrono::minutes{0} ? '-' : '+';
  int total = static_cast<int>(offset < std::chrono::minutes{0} ? -offset.count() : offset.count());
  return fmt::format("UTC{}{:02}:{:02}", sign, total / 60, total % 60);
}

}  // namespace

Result<TimeZone> TimeZone::Parse(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return InvalidTimeZone(name);
  // UTC needs no tzdata, so the default schedule zone works even on a host without it.
  if (name == "UTC") return Utc();
  if (name.starts_with("UTC+") || name.starts_with("UTC-")) {
    std::optional<std::chrono::minutes> offset = ParseFixedOffset(name);
    if (!offset) return InvalidTimeZone(name);
    return TimeZone(FormatFixedOffset(*offset), nullptr, *offset);
  }
  // Debian links zoneinfo/localtime to /etc/localtime: a name whose meaning is whichever host
  // runs the server, not a zone.
  if (name == "localtime") return InvalidTimeZone(name);
  try {
    const date::time_zone* zone = date::locate_zone(name);
    return TimeZone(std::string(name), zone, std::chrono::minutes{0});
  } catch (const std::exception&) {
    // locate_zone reports an unknown name (and a missing tzdata directory) only by throwing.
    return InvalidTimeZone(name);
  }
}

TimeZone TimeZone::Utc() { return TimeZone("UTC", nullptr, std::chrono::minutes{0}); }

LocalTime TimeZone::ToLocal(Timestamp t) const {
  if (zone_ == nullptr) return LocalTime{t.time_since_epoch() + offset_};
  return LocalTime{zone_->to_local(t).time_since_epoch()};
}

Timestamp TimeZone::FromLocal(LocalTime local) const {
  if (zone_ == nullptr) return Timestamp{local.time_since_epoch() - offset_};
  // date::local_t is its own clock, distinct from std::chrono::local_t. choose::earliest picks
  // the first of a repeated hour; for a skipped one date answers the moment of the change.
  return zone_->to_sys(date::local_time<Duration>{local.time_since_epoch()},
                       date::choose::earliest);
}

}  // namespace mailmark
