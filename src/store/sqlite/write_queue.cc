#include "store/sqlite/write_queue.h"

#include <spdlog/spdlog.h>

namespace mailmark::sqlite {

Error LogStorageFailure(std::string_view doing, const std::exception& e) {
  spdlog::error("sqlite store: {} failed: {}", doing, e.what());
  return StorageError();
}

WriteQueue::WriteQueue(std::unique_ptr<Connection> conn)
    : conn_(std::move(conn)), writer_([this] { Loop(); }) {}

WriteQueue::~WriteQueue() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_writer_.notify_all();
  writer_.join();
}

bool WriteQueue::Enqueue(std::unique_ptr<Job> job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    queue_.push_back(std::move(job));
  }
  wake_writer_.notify_one();
  queued_.notify_all();
  return true;
}

WriteStats WriteQueue::Stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

WriteQueue::Hold::Hold(WriteQueue& q) : q_(q) {
  std::lock_guard lock(q_.mu_);
  ++q_.holds_;
}

WriteQueue::Hold::~Hold() {
  {
    std::lock_guard lock(q_.mu_);
    --q_.holds_;
  }
  q_.wake_writer_.notify_all();
}

void WriteQueue::WaitQueued(std::size_t n) {
  std::unique_lock lock(mu_);
  queued_.wait(lock, [&] { return queue_.size() >= n; });
}

void WriteQueue::Loop() {
  for (;;) {
    std::vector<std::unique_ptr<Job>> batch;
    {
      std::unique_lock lock(mu_);
      wake_writer_.wait(lock, [&] { return (!queue_.empty() && holds_ == 0) || stopping_; });
      if (queue_.empty()) return;  // stopping, and drained
      for (auto& job : queue_) batch.push_back(std::move(job));
      queue_.clear();
    }
    RunBatch(batch);
  }
}

void WriteQueue::RunBatch(std::vector<std::unique_ptr<Job>>& jobs) {
  std::size_t next = 0;
  while (next < jobs.size()) next = RunTransaction(jobs, next);
  {
    std::lock_guard lock(mu_);
    stats_.jobs += static_cast<std::int64_t>(jobs.size());
  }
  for (auto& job : jobs) job->Publish();
}

std::size_t WriteQueue::RunTransaction(std::vector<std::unique_ptr<Job>>& jobs, std::size_t next) {
  const std::size_t first = next;
  bool lost = false;
  try {
    conn_->Exec("BEGIN IMMEDIATE");
  } catch (const std::exception& e) {
    // Cannot even start: every job of the batch fails, none is retried behind its back.
    Error error = LogStorageFailure("begin", e);
    for (std::size_t i = first; i < jobs.size(); ++i) jobs[i]->Fail(error);
    return jobs.size();
  }
  // A job alone in its transaction needs no savepoint: rolling the transaction back undoes
  // exactly its writes. A savepoint is not free: SQLite copies every page the job changes into
  // the savepoint's journal before changing it, and a scheduler batch changes hundreds.
  const bool alone = jobs.size() - first == 1;
  for (; next < jobs.size(); ++next) {
    try {
      if (!alone) conn_->Exec("SAVEPOINT job");
      bool keep = jobs[next]->Execute(*conn_);
      if (!conn_->InTransaction()) {
        // SQLite rolled the whole transaction back (e.g. disk full): earlier jobs are lost too.
        spdlog::error("sqlite store: transaction rolled back by the database");
        lost = true;
        ++next;
        break;
      }
      if (alone) {
        if (keep) continue;
        conn_->Exec("ROLLBACK");  // the job's own result (its error) stands
        return next + 1;
      }
      if (!keep) conn_->Exec("ROLLBACK TO job");
      conn_->Exec("RELEASE job");
    } catch (const std::exception& e) {
      LogStorageFailure("savepoint", e);
      lost = true;
      ++next;
      break;
    }
  }
  if (!lost) {
    try {
      conn_->Exec("COMMIT");
      std::lock_guard lock(mu_);
      ++stats_.commits;
      return next;
    } catch (const std::exception& e) {
      LogStorageFailure("commit", e);
    }
  }
  try {
    if (conn_->InTransaction()) conn_->Exec("ROLLBACK");
  } catch (const std::exception& e) {
    LogStorageFailure("rollback", e);
  }
  for (std::size_t i = first; i < next; ++i) jobs[i]->Fail(StorageError());
  return next;
}

}  // namespace mailmark::sqlite
