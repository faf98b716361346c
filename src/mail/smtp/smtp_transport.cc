#include "mail/smtp/smtp_transport.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <utility>

#include "mail/smtp/smtp_connection_pool.h"

namespace mailmark {
namespace {

// One SendBatch call: workers (one per leased connection) take the next unsent message until
// none is left, or until their server refuses to talk to them.
class BatchRun {
 public:
  BatchRun(std::span<const OutgoingMessage> messages, std::vector<SendResult>& results)
      : messages_(messages), results_(results) {}

  void Work(SmtpConnection& connection) {
    for (;;) {
      std::size_t i = next_.fetch_add(1);
      if (i >= messages_.size()) return;
      SendOutcome outcome = connection.Send(messages_[i]);
      results_[i] = std::move(outcome.result);
      if (outcome.scope == FailureScope::kServer) {
        // Every further attempt on this worker would wait out the same refusal or timeout.
        std::lock_guard lock(mu_);
        if (server_error_.empty()) server_error_ = results_[i].response;
        return;
      }
    }
  }

  // Messages no worker got to because every worker hit a server-level failure.
  void FailUnattempted() {
    for (std::size_t i = std::min(next_.load(), messages_.size()); i < messages_.size(); ++i) {
      results_[i] = SendResult{SendStatus::kTemporaryFailure, "not attempted: " + server_error_};
    }
  }

 private:
  std::span<const OutgoingMessage> messages_;
  std::vector<SendResult>& results_;
  std::atomic<std::size_t> next_{0};
  std::mutex mu_;
  std::string server_error_;
};

}  // namespace

SmtpTransport::SmtpTransport(SmtpSettings settings, SmtpOptions options)
    : pool_(std::make_unique<SmtpConnectionPool>(
          SmtpConnectionConfig{std::move(settings), options.connect_timeout,
                               options.command_timeout, options.helo_name},
          options.connections)) {}

SmtpTransport::~SmtpTransport() = default;

std::vector<SendResult> SmtpTransport::SendBatch(std::span<const OutgoingMessage> messages) {
  std::vector<SendResult> results(messages.size());
  if (messages.empty()) return results;
  BatchRun run(messages, results);
  SmtpConnectionPool::Lease first = pool_->Acquire();
  {
    std::vector<std::jthread> helpers;
    const std::size_t wanted = std::min(messages.size(), pool_->size());
    for (std::size_t k = 1; k < wanted; ++k) {
      std::optional<SmtpConnectionPool::Lease> lease = pool_->TryAcquire();
      if (!lease) break;  // busy with another batch: this one makes do with fewer
      helpers.emplace_back([&run, held = std::move(*lease)] { run.Work(*held); });
    }
    run.Work(*first);
  }  // joins the helpers
  run.FailUnattempted();
  return results;
}

std::uint64_t SmtpTransport::connections_opened() const { return pool_->connects(); }

}  // namespace mailmark
