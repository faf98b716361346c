// A time zone as the domain uses it: an IANA name from the system tzdata (through Howard
// Hinnant's date/tz library, the design of C++20's std::chrono zones), or a fixed offset
// written "UTC±HH:MM". No hand-written daylight-saving rules.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/time.h"

namespace date {
class time_zone;
}

namespace mailmark {

// Wall-clock time in some zone, to the millisecond.
using LocalTime = std::chrono::local_time<Duration>;

class TimeZone {
 public:
  // "Europe/Berlin", "UTC", "America/New_York", or "UTC+14:00" / "UTC-10:00" / "UTC+05:30"
  // (offsets up to ±14:00). 422 invalid_timezone with details {"timezone": name} otherwise.
  static Result<TimeZone> Parse(std::string_view name);
  static TimeZone Utc();

  // The name as it was parsed (IANA names as written; offsets as "UTC+05:30").
  const std::string& name() const { return name_; }

  LocalTime ToLocal(Timestamp t) const;
  // The instant at which local clocks show `local`. In a repeated (fall-back) hour, the
  // first of the two; in a skipped (spring-forward) hour, the first valid instant after the
  // gap, i.e. the moment of the change.
  Timestamp FromLocal(LocalTime local) const;

 private:
  TimeZone(std::string name, const date::time_zone* zone, std::chrono::minutes offset)
      : name_(std::move(name)), zone_(zone), offset_(offset) {}
  std::string name_;
  const date::time_zone* zone_ = nullptr;  // nullptr: the fixed offset below
  std::chrono::minutes offset_{0};
};

}  // namespace mailmark
