#include "engine/scheduler.h"

#include <spdlog/spdlog.h>

namespace mailmark {
namespace {
constexpr Duration kBusyRecheck = std::chrono::milliseconds(25);
}  // namespace

Scheduler::Scheduler(Store& store, Clock& clock, TransportProvider& transports,
                     SchedulerOptions options)
    : store_(store),
      clock_(clock),
      options_(std::move(options)),
      runner_(store, clock, transports, options_.runner) {}

Scheduler::~Scheduler() { Stop(); }

bool Scheduler::RunOneBatch(const std::string& node) {
  const Timestamp now = clock_.Now();
  std::vector<ClaimedEnrollment> claims =
      store_.ClaimDue(now, node, now + options_.runner.lease, options_.batch_size);
  if (claims.empty()) return false;
  BatchReport report = runner_.Run(claims, node);
  std::lock_guard guard(mu_);
  stats_.sent += report.sent;
  stats_.retried += report.retried;
  stats_.bounced += report.bounced;
  stats_.completed += report.completed;
  stats_.withdrawn += report.withdrawn;
  ++stats_.batches;
  if (options_.keep_lateness_samples)
    lateness_.insert(lateness_.end(), report.lateness.begin(), report.lateness.end());
  return true;
}

std::size_t Scheduler::RunDue() {
  std::size_t batches = 0;
  const std::string node = options_.runner.node + "/run";
  while (RunOneBatch(node)) ++batches;
  return batches;
}

void Scheduler::Start() {
  std::lock_guard guard(mu_);
  if (!workers_.empty()) return;
  stopping_ = false;
  for (std::size_t i = 0; i < std::max<std::size_t>(1, options_.workers); ++i)
    workers_.emplace_back(
        [this, node = options_.runner.node + "/" + std::to_string(i)] { WorkerLoop(node); });
}

void Scheduler::Wake() {
  {
    std::lock_guard guard(mu_);
    ++wake_generation_;
  }
  cv_.notify_all();
}

void Scheduler::Stop() {
  std::vector<std::thread> workers;
  {
    std::lock_guard guard(mu_);
    stopping_ = true;
    workers.swap(workers_);
  }
  cv_.notify_all();
  for (std::thread& t : workers) t.join();
  if (!workers.empty()) store_.ReleaseLeases(options_.runner.node);
}

void Scheduler::WorkerLoop(const std::string& node) {
  std::uint64_t seen_generation = 0;
  for (;;) {
    {
      std::lock_guard guard(mu_);
      if (stopping_) return;
      seen_generation = wake_generation_;
    }
    bool worked = false;
    try {
      worked = RunOneBatch(node);
    } catch (const std::exception& e) {
      // A store failure must not kill the worker: the leases expire and the work is retried.
      spdlog::error("scheduler batch failed: {}", e.what());
    }
    if (worked) continue;

    std::optional<Timestamp> next = store_.NextWakeAt();
    const Timestamp now = clock_.Now();
    Timestamp deadline = now + options_.idle_recheck;
    if (next && *next < deadline) deadline = *next;
    // Something looked due but nothing could be claimed (another worker took it, or its
    // mailbox's room is held by sends not yet begun): look again shortly, never spin.
    if (deadline <= now) deadline = now + kBusyRecheck;
    std::unique_lock lock(mu_);
    if (stopping_) return;
    if (wake_generation_ != seen_generation) continue;
    if (clock_.Now() >= deadline) continue;
    clock_.WaitUntil(lock, cv_, deadline);
  }
}

SchedulerStats Scheduler::stats() const {
  std::lock_guard guard(mu_);
  return stats_;
}

std::vector<Duration> Scheduler::TakeLatenessSamples() {
  std::lock_guard guard(mu_);
  return std::exchange(lateness_, {});
}

}  // namespace mailmark
