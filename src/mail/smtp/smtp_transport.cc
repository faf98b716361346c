#include "mail/smtp/smtp_transport.h"

#include <algorithm>
#include <utility>

namespace mailmark {

struct SmtpTransport::Batch {
  std::span<const OutgoingMessage> messages;
  std::vector<SendResult> results;
  std::size_t unfinished;
  std::condition_variable done;
};

SmtpTransport::SmtpTransport(SmtpSettings settings, SmtpOptions options) {
  SmtpConnectionConfig config{std::move(settings), options.connect_timeout, options.command_timeout,
                              options.data_timeout, options.helo_name};
  const std::size_t count = std::max<std::size_t>(options.connections, 1);
  for (std::size_t i = 0; i < count; ++i)
    connections_.push_back(std::make_unique<SmtpConnection>(config));
}

SmtpTransport::~SmtpTransport() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_.notify_all();
  senders_.clear();  // joins: no sender touches a connection after this
}

std::vector<SendResult> SmtpTransport::SendBatch(std::span<const OutgoingMessage> messages) {
  Batch batch{messages, std::vector<SendResult>(messages.size()), messages.size(), {}};
  if (messages.empty()) return std::move(batch.results);
  std::unique_lock lock(mu_);
  for (std::size_t i = 0; i < messages.size(); ++i) queue_.push_back(Job{&batch, i});
  // Only as many connections as there is work for: a trickle of mail keeps one open.
  const std::size_t wanted = std::min(connections_.size(), queue_.size());
  while (senders_.size() < wanted) {
    std::size_t slot = senders_.size();
    senders_.emplace_back([this, slot] { SenderLoop(slot); });
  }
  work_.notify_all();
  batch.done.wait(lock, [&] { return batch.unfinished == 0; });
  return std::move(batch.results);
}

void SmtpTransport::SenderLoop(std::size_t slot) {
  SmtpConnection& connection = *connections_[slot];
  // The round this sender was refused in; round_ never reaches kNever.
  constexpr std::uint64_t kNever = ~std::uint64_t{0};
  std::uint64_t sat_out_in = kNever;
  std::unique_lock lock(mu_);
  for (;;) {
    work_.wait(lock, [&] { return stopping_ || (!queue_.empty() && sat_out_in != round_); });
    if (stopping_) return;
    sat_out_in = kNever;
    Job job = queue_.front();
    queue_.pop_front();
    lock.unlock();
    const OutgoingMessage& message = job.batch->messages[job.index];
    // Asked here, not when the batch was queued: a message can wait many seconds behind the
    // rest of a batch on a slow relay, and a reply or a pause meanwhile must stop it. The
    // connection is not touched, so it stays open for the next message.
    const bool wanted = !message.still_wanted || message.still_wanted();
    SendOutcome outcome =
        wanted ? connection.Send(message)
               : SendOutcome{SendResult{SendStatus::kWithdrawn,
                                        "withdrawn before sending: no longer wanted"},
                             FailureScope::kNone};
    if (wanted && message.on_result) message.on_result(outcome.result);
    lock.lock();
    const bool refused = outcome.scope == FailureScope::kServer;
    std::string cause = refused ? outcome.result.response : std::string();
    Finish(job, std::move(outcome.result));
    if (refused) {
      // Every further attempt on this connection would wait out the same refusal or timeout.
      sat_out_in = round_;
      if (++sitting_out_ >= senders_.size()) FailQueued(cause);
    }
    if (queue_.empty() && sitting_out_ > 0) {
      // The next messages may find the server willing again: everyone tries afresh.
      ++round_;
      sitting_out_ = 0;
      work_.notify_all();
    }
  }
}

void SmtpTransport::Finish(const Job& job, SendResult result) {
  Batch& batch = *job.batch;
  batch.results[job.index] = std::move(result);
  if (--batch.unfinished == 0) batch.done.notify_all();  // under mu_: the batch outlives it
}

void SmtpTransport::FailQueued(const std::string& cause) {
  while (!queue_.empty()) {
    Job job = queue_.front();
    queue_.pop_front();
    Finish(job, SendResult{SendStatus::kTemporaryFailure, "not attempted: " + cause});
  }
}

std::uint64_t SmtpTransport::connections_opened() const {
  // A snapshot: exact when no batch is running.
  std::uint64_t total = 0;
  for (const auto& c : connections_) total += c->connects();
  return total;
}

}  // namespace mailmark
