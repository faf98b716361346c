#include "mail/smtp/smtp_connection_pool.h"

#include <algorithm>

namespace mailmark {

SmtpConnectionPool::SmtpConnectionPool(const SmtpConnectionConfig& config, std::size_t size) {
  size = std::max<std::size_t>(size, 1);
  for (std::size_t i = 0; i < size; ++i) {
    connections_.push_back(std::make_unique<SmtpConnection>(config));
    free_.push_back(size - 1 - i);  // connection 0 on top
  }
}

SmtpConnectionPool::Lease SmtpConnectionPool::Acquire() {
  std::unique_lock lock(mu_);
  freed_.wait(lock, [&] { return !free_.empty(); });
  std::size_t index = free_.back();
  free_.pop_back();
  return Lease(this, index);
}

std::optional<SmtpConnectionPool::Lease> SmtpConnectionPool::TryAcquire() {
  std::lock_guard lock(mu_);
  if (free_.empty()) return std::nullopt;
  std::size_t index = free_.back();
  free_.pop_back();
  return Lease(this, index);
}

void SmtpConnectionPool::Release(std::size_t index) {
  {
    std::lock_guard lock(mu_);
    free_.push_back(index);
  }
  freed_.notify_one();
}

std::uint64_t SmtpConnectionPool::connects() const {
  // A snapshot: exact when no batch is running.
  std::uint64_t total = 0;
  for (const auto& c : connections_) total += c->connects();
  return total;
}

}  // namespace mailmark
