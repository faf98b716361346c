// One writer with group commit. A dedicated thread owns the only write connection; callers
// hand it jobs and wait. The writer takes every queued job, runs them all inside one
// BEGIN IMMEDIATE … COMMIT, each inside its own SAVEPOINT (unless it is alone in the batch),
// so a job that fails rolls back alone, and one commit (one fsync) serves the whole batch. Readers
// use other connections and never wait for it (WAL).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/result.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/storage_error.h"

namespace mailmark::sqlite {

struct WriteStats {
  std::int64_t commits = 0;  // transactions committed
  std::int64_t jobs = 0;     // jobs run (committed, rolled back or failed)
};

class WriteQueue {
 public:
  explicit WriteQueue(std::unique_ptr<Connection> conn);
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;
  // Runs every job already queued, then stops the writer.
  ~WriteQueue();

  // Runs `fn` on the writer inside the next batch and returns its result once the batch is
  // committed. An error result, or an exception, rolls back `fn`'s writes only.
  template <typename T>
  Result<T> Run(std::function<Result<T>(Connection&)> fn) {
    auto job = std::make_unique<TypedJob<T>>(std::move(fn));
    std::future<Result<T>> done = job->promise.get_future();
    if (!Enqueue(std::move(job))) return StorageError();
    return done.get();
  }

  WriteStats Stats() const;

  // Test hooks, so batching can be asserted without relying on timing: while a Hold is alive
  // the writer starts no new batch; WaitQueued blocks until `n` jobs are waiting.
  class Hold {
   public:
    explicit Hold(WriteQueue& q);
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;
    ~Hold();

   private:
    WriteQueue& q_;
  };
  void WaitQueued(std::size_t n);

 private:
  struct Job {
    virtual ~Job() = default;
    virtual bool Execute(Connection& conn) = 0;  // false: roll back its savepoint
    virtual void Fail(Error error) = 0;          // its transaction was lost
    virtual void Publish() = 0;                  // hand the result to the caller
  };

  template <typename T>
  struct TypedJob final : Job {
    explicit TypedJob(std::function<Result<T>(Connection&)> f) : fn(std::move(f)) {}
    bool Execute(Connection& conn) override {
      try {
        result.emplace(fn(conn));
      } catch (const std::exception& e) {
        result.emplace(LogStorageFailure("write", e));
      }
      return result->ok();
    }
    void Fail(Error error) override { result.emplace(std::move(error)); }
    void Publish() override {
      promise.set_value(result ? std::move(*result) : Result<T>(StorageError()));
    }

    std::function<Result<T>(Connection&)> fn;
    std::optional<Result<T>> result;
    std::promise<Result<T>> promise;
  };

  bool Enqueue(std::unique_ptr<Job> job);
  void Loop();
  void RunBatch(std::vector<std::unique_ptr<Job>>& jobs);
  // Runs jobs from `next` in one transaction until they are done or the transaction is lost;
  // returns the index after the last job it handled.
  std::size_t RunTransaction(std::vector<std::unique_ptr<Job>>& jobs, std::size_t next);

  std::unique_ptr<Connection> conn_;
  mutable std::mutex mu_;
  std::condition_variable wake_writer_;
  std::condition_variable queued_;
  std::deque<std::unique_ptr<Job>> queue_;
  int holds_ = 0;
  bool stopping_ = false;
  WriteStats stats_;
  std::thread writer_;  // last: starts after everything above exists
};

}  // namespace mailmark::sqlite
