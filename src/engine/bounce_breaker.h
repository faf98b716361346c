// Bounce protection inside one batch: the store pauses a mailbox when its recent sends cross
// the threshold, but only once the batch's outcomes are recorded, and a batch of hundreds
// must not carry on into a relay that rejects everyone. The breaker sees each answer as the
// transport gets it and stops the batch's remaining messages of the mailbox at the crossing.
// While the next answers could cross the threshold it lets at most two messages be in flight,
// so at most two more go out after the one that crossed it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "core/model.h"

namespace mailmark {

class BounceBreaker {
 public:
  // `recent`: the mailbox's sends since it was last resumed, newest first (true: bounced), as
  // the store has them (MailboxUsage::recent_outcomes).
  BounceBreaker(BounceProtection protection, const std::vector<bool>& recent,
                std::chrono::milliseconds max_wait = std::chrono::seconds(60));

  // Right before a message goes on the wire: true lets it go (and counts it in flight);
  // false once the breaker has tripped, or when the answers it waits for do not come within
  // max_wait (the message is then withdrawn, and retried later).
  bool Admit();
  // The answer to an admitted message: `bounced` for a refusal for good; `counts` false for a
  // message that never went out (it leaves the window unchanged).
  void Answered(bool bounced, bool counts = true);
  bool tripped() const;

 private:
  bool AtRisk() const;  // under mu_
  BounceProtection protection_;
  std::chrono::milliseconds max_wait_;
  mutable std::mutex mu_;
  std::condition_variable answered_;
  std::deque<bool> window_;  // oldest first, at most over_last
  std::int64_t bounced_ = 0;
  std::int64_t in_flight_ = 0;
  bool tripped_ = false;
};

}  // namespace mailmark
