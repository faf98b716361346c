// Exponential backoff between reconnect attempts: min, 2·min, 4·min, … capped at max.
#pragma once

#include <algorithm>

#include "core/time.h"

namespace mailmark {

class Backoff {
 public:
  Backoff(Duration min, Duration max) : min_(min), max_(std::max(min, max)), next_(min) {}

  // The delay to wait now; the one after it is twice as long (up to max).
  Duration Next() {
    Duration now = next_;
    next_ = next_ >= max_ / 2 ? max_ : std::max(next_ * 2, Duration{1});
    return now;
  }
  void Reset() { next_ = min_; }

 private:
  Duration min_;
  Duration max_;
  Duration next_;
};

}  // namespace mailmark
