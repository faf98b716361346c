#include "engine/bounce_breaker.h"

#include <algorithm>

#include "core/send_window.h"

namespace mailmark {

BounceBreaker::BounceBreaker(BounceProtection protection, const std::vector<bool>& recent,
                             std::chrono::milliseconds max_wait)
    : protection_(protection), max_wait_(max_wait) {
  const std::size_t keep =
      std::min(recent.size(), static_cast<std::size_t>(std::max(protection.over_last, 0)));
  // `recent` is newest first; the window runs oldest first.
  for (std::size_t i = keep; i-- > 0;) {
    window_.push_back(recent[i]);
    bounced_ += recent[i] ? 1 : 0;
  }
  tripped_ = BounceRateExceeded(protection_, bounced_, static_cast<std::int64_t>(window_.size()));
}

bool BounceBreaker::AtRisk() const {
  // Pessimistic: if every message in flight, and this one, bounced, would the rate cross?
  const std::int64_t allowed =
      static_cast<std::int64_t>(protection_.max_percent) * protection_.over_last / 100;
  return bounced_ + in_flight_ + 1 > allowed;
}

bool BounceBreaker::Admit() {
  std::unique_lock lock(mu_);
  const bool settled =
      answered_.wait_for(lock, max_wait_, [&] { return tripped_ || in_flight_ < 2 || !AtRisk(); });
  if (!settled || tripped_) return false;
  ++in_flight_;
  return true;
}

void BounceBreaker::Answered(bool bounced, bool counts) {
  {
    std::lock_guard lock(mu_);
    if (in_flight_ > 0) --in_flight_;
    if (counts) {
      window_.push_back(bounced);
      bounced_ += bounced ? 1 : 0;
      while (window_.size() > static_cast<std::size_t>(std::max(protection_.over_last, 1))) {
        bounced_ -= window_.front() ? 1 : 0;
        window_.pop_front();
      }
      if (BounceRateExceeded(protection_, bounced_, static_cast<std::int64_t>(window_.size())))
        tripped_ = true;
    }
  }
  answered_.notify_all();
}

bool BounceBreaker::tripped() const {
  std::lock_guard lock(mu_);
  return tripped_;
}

}  // namespace mailmark
