// A fixed set of SmtpConnections lent out one thread at a time.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "mail/smtp/smtp_connection.h"

namespace mailmark {

class SmtpConnectionPool {
 public:
  // Returns its connection to the pool when it goes away.
  class Lease {
   public:
    Lease(SmtpConnectionPool* pool, std::size_t index) : pool_(pool), index_(index) {}
    Lease(Lease&& other) noexcept : pool_(other.pool_), index_(other.index_) {
      other.pool_ = nullptr;
    }
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease() {
      if (pool_) pool_->Release(index_);
    }
    SmtpConnection& operator*() const { return *pool_->connections_[index_]; }
    SmtpConnection* operator->() const { return pool_->connections_[index_].get(); }

   private:
    SmtpConnectionPool* pool_;
    std::size_t index_;
  };

  SmtpConnectionPool(const SmtpConnectionConfig& config, std::size_t size);

  std::size_t size() const { return connections_.size(); }
  Lease Acquire();                    // waits for a free connection
  std::optional<Lease> TryAcquire();  // a free connection, if there is one now
  std::uint64_t connects() const;

 private:
  void Release(std::size_t index);

  std::vector<std::unique_ptr<SmtpConnection>> connections_;
  mutable std::mutex mu_;
  std::condition_variable freed_;
  std::vector<std::size_t> free_;  // indexes of idle connections (a stack: warm ones first)
};

}  // namespace mailmark
