// A fixed number of threads running posted tasks in order: where the HTTP server runs its
// handlers (store calls are synchronous), so that the I/O threads never wait on them.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mailmark {

class WorkerPool {
 public:
  explicit WorkerPool(std::size_t threads);
  ~WorkerPool();  // Stop()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs `task` on a worker. After Stop() the task is dropped (destroyed unrun).
  void Post(std::function<void()> task);
  // Runs what is queued, then joins the threads.
  void Stop();

 private:
  void Work();

  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace mailmark
