#include "engine/retry_policy.h"

#include <algorithm>
#include <string>

namespace mailmark {

std::optional<Timestamp> NextRetry(const RetryPolicy& policy, int attempts, Timestamp first_attempt,
                                   Timestamp now, double random01) {
  const Timestamp give_up = first_attempt + policy.give_up_after;
  if (now >= give_up || policy.delays.empty()) return std::nullopt;
  std::size_t index = static_cast<std::size_t>(std::max(attempts, 1) - 1);
  Duration delay = policy.delays[std::min(index, policy.delays.size() - 1)];
  double spread = std::clamp(policy.jitter, 0.0, 1.0) * (2.0 * random01 - 1.0);
  delay += Duration{static_cast<std::int64_t>(static_cast<double>(delay.count()) * spread)};
  return std::min(now + std::max(delay, Duration{1}), give_up);
}

Result<std::vector<Duration>> ParseRetryDelays(std::string_view list) {
  std::vector<Duration> delays;
  auto bad = [&](std::string_view item) {
    return MakeError(ErrorKind::kInvalid, "invalid_retry_delays",
                     "retry delays must be a comma-separated list of durations such as "
                     "\"1m,5m,30m,2h,6h\"; \"" +
                         std::string(item) + "\" is not one");
  };
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = std::min(list.find(',', start), list.size());
    std::string_view item = list.substr(start, comma - start);
    auto d = ParseDuration(item);
    if (!d || d->count() == 0) return bad(item);
    delays.push_back(*d);
    start = comma + 1;
  }
  return delays;
}

}  // namespace mailmark
