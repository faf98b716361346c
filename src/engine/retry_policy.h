// When a temporary delivery failure is tried again, and when Mailmark gives up.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace mailmark {

struct RetryPolicy {
  // The wait after the 1st, 2nd, … failed attempt; the last one repeats.
  std::vector<Duration> delays = {std::chrono::minutes(1), std::chrono::minutes(5),
                                  std::chrono::minutes(30), std::chrono::hours(2),
                                  std::chrono::hours(6)};
  // Measured from the first attempt: past it, the contact bounces (retries_exhausted).
  Duration give_up_after = std::chrono::hours(24);
  // Each wait is spread by up to ± this fraction, so a burst of failures does not come back
  // as one burst.
  double jitter = 0.2;
};

// When to try again after `attempts` failed attempts (1-based) of a message first tried at
// `first_attempt`, failing now. The last try lands exactly at the give-up time; nullopt once
// that time has passed. `random01` in [0, 1) draws the jitter (tests pass a fixed value).
std::optional<Timestamp> NextRetry(const RetryPolicy& policy, int attempts, Timestamp first_attempt,
                                   Timestamp now, double random01);

// "200ms,500ms,1s" → delays; 422 invalid_retry_delays for an empty list or a bad item.
Result<std::vector<Duration>> ParseRetryDelays(std::string_view list);

}  // namespace mailmark
