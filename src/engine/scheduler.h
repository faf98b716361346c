// The scheduler: sleeps until the earliest due time (or a Wake()), claims due enrollments in
// leased batches and hands each batch to a StepRunner. No fixed polling interval.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/step_runner.h"

namespace mailmark {

struct SchedulerOptions {
  RunnerOptions runner;
  std::size_t batch_size = 500;
  std::size_t workers = 4;
  // Longest sleep when nothing is due: a safety net for work another node enqueued
  // (with one SQLite node every change wakes the scheduler directly).
  Duration idle_recheck = std::chrono::seconds(30);
  bool keep_lateness_samples = false;  // benchmarks only
};

struct SchedulerStats {
  std::uint64_t sent = 0, retried = 0, bounced = 0, completed = 0, withdrawn = 0, batches = 0;
};

class Scheduler {
 public:
  Scheduler(Store& store, Clock& clock, TransportProvider& transports, SchedulerOptions options);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Runs batches until nothing is due at the clock's current time; returns the batches run.
  // Used by tests with a ManualClock; safe to call while workers run.
  std::size_t RunDue();

  void Start();
  // Something may be due sooner than the workers think (enroll, resume, edit).
  void Wake();
  // Stops claiming, lets in-flight batches finish, then releases this node's leases.
  void Stop();

  SchedulerStats stats() const;
  std::vector<Duration> TakeLatenessSamples();

 private:
  bool RunOneBatch(const std::string& node);
  void WorkerLoop(const std::string& node);

  Store& store_;
  Clock& clock_;
  SchedulerOptions options_;
  StepRunner runner_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::uint64_t wake_generation_ = 0;
  std::vector<std::thread> workers_;

  SchedulerStats stats_;
  std::vector<Duration> lateness_;
};

}  // namespace mailmark
