// Time as the domain sees it: millisecond timestamps and durations, RFC 3339 text.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mailmark {

using Duration = std::chrono::milliseconds;
using Timestamp = std::chrono::sys_time<Duration>;

inline std::int64_t ToMillis(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp FromMillis(std::int64_t ms) { return Timestamp{Duration{ms}}; }

// "2026-11-27T13:18:09.123Z" (milliseconds only when non-zero).
std::string FormatRfc3339(Timestamp t);
// RFC 5322 Date header value, e.g. "Fri, 27 Nov 2026 13:18:09 +0000".
std::string FormatRfc5322(Timestamp t);
// "200ms", "1s", "5m", "2h", "1d" or a bare number of milliseconds.
std::optional<Duration> ParseDuration(std::string_view text);

}  // namespace mailmark
