// Runs one claimed batch through the mail path: plan → render → record `sending` →
// build → transport → record the outcome. The store sits between every two stages, so a
// crash at any point leaves each enrollment either untouched or with a `sending` message that
// the next claim retries with the same Message-ID.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/bounce_breaker.h"
#include "engine/clock.h"
#include "engine/retry_policy.h"
#include "engine/transport_provider.h"
#include "store/store.h"

namespace mailmark {

struct RunnerOptions {
  // This process's name as a lease owner; its workers are "<node>/<n>".
  std::string node = "local";
  Duration lease = std::chrono::minutes(2);  // renewed while a batch is being delivered
  RetryPolicy retry;  // after a temporary failure (4xx, connection or I/O error)
  // Where people reach this server: the base of every unsubscribe link.
  std::string public_url = "http://127.0.0.1:8080";
  std::string unsubscribe_secret;  // Store::GetOrCreateSecret("unsubscribe")
};

struct BatchReport {
  std::size_t sent = 0;
  std::size_t retried = 0;
  std::size_t bounced = 0;
  std::size_t completed = 0;
  std::size_t already_sent = 0;    // moved past a step this contact already got (re-ordered)
  std::size_t skipped = 0;         // no longer sendable when the send was about to start
  std::size_t withdrawn = 0;       // no longer sendable when the transport was about to send
  std::vector<Duration> lateness;  // per send: when it went out minus when it was due
};

// One bounce breaker per mailbox for every batch this node is sending from it at once (its
// workers share transports), so they stop together at the crossing.
class BounceBreakers {
 public:
  BounceBreakers(Store& store, Clock& clock) : store_(store), clock_(clock) {}
  // nullptr without bounce protection (or when the store cannot say where it stands).
  std::shared_ptr<BounceBreaker> For(const Mailbox& mailbox);

 private:
  Store& store_;
  Clock& clock_;
  std::mutex mu_;
  std::map<Id, std::weak_ptr<BounceBreaker>> breakers_;
};

class StepRunner {
 public:
  StepRunner(Store& store, Clock& clock, TransportProvider& transports, RunnerOptions options);
  // `node` is the lease owner that claimed the batch.
  BatchReport Run(const std::vector<ClaimedEnrollment>& claims, const std::string& node);

 private:
  Store& store_;
  Clock& clock_;
  TransportProvider& transports_;
  RunnerOptions options_;
  BounceBreakers breakers_;
};

}  // namespace mailmark
