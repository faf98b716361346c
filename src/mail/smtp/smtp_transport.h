// The `smtp` transport: a queue of messages served by a few sender threads, each holding one
// SMTP connection (SmtpConnection: pipelined, kept open between messages and batches).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "core/model.h"
#include "core/time.h"
#include "mail/smtp/smtp_connection.h"
#include "mail/transport.h"

namespace mailmark {

struct SmtpOptions {
  std::size_t connections = 4;  // parallel connections to the server (at least 1)
  Duration connect_timeout = std::chrono::seconds(10);
  Duration command_timeout = std::chrono::seconds(60);  // per reply / stalled upload
  // For the reply to the message's final ".": RFC 5321 4.5.3.2.6 asks for 10 minutes, because
  // the server may be checking the message. Giving up earlier on a server that then accepts
  // it would send the message twice (the retry).
  Duration data_timeout = std::chrono::minutes(10);
  std::string helo_name;  // EHLO argument; empty: this machine's host name
};

// Thread-safe: several scheduler workers may call SendBatch at once. Their messages join one
// queue in arrival order and every connection takes the next message as soon as it is free,
// so concurrent batches share all the connections instead of splitting them unevenly.
class SmtpTransport : public Transport {
 public:
  explicit SmtpTransport(SmtpSettings settings, SmtpOptions options = {});
  ~SmtpTransport() override;  // stops the senders, closes the connections (QUIT)
  SmtpTransport(const SmtpTransport&) = delete;
  SmtpTransport& operator=(const SmtpTransport&) = delete;

  // Queues the batch and waits for every answer:
  //  - kSent: the server's final reply ("250 2.0.0 Ok: queued as ...").
  //  - kPermanentFailure: a 5xx to RCPT TO or DATA, with the server's text.
  //  - kTemporaryFailure: 4xx, network errors, timeouts, TLS or login problems, 5xx before
  //    the transaction. A connection the server will not talk to at all (refused, TLS, AUTH)
  //    sits out until the queue is empty; when every connection is sitting out, the queued
  //    messages are not attempted and fail temporarily with the same cause.
  //  - kWithdrawn: the message's still_wanted, asked by its sender just before sending it,
  //    said no; nothing went to the server.
  // A refused message keeps its connection (RSET); a broken one is reopened by the next message.
  std::vector<SendResult> SendBatch(std::span<const OutgoingMessage> messages) override;

  // TCP connections opened so far, over all connections: a measure of reuse.
  std::uint64_t connections_opened() const;

 private:
  struct Batch;
  struct Job {
    Batch* batch;
    std::size_t index;
  };

  void SenderLoop(std::size_t slot);
  void Finish(const Job& job, SendResult result);  // with mu_ held
  void FailQueued(const std::string& cause);       // with mu_ held

  // Created up front (no I/O until first used); the senders start lazily, one per connection.
  std::vector<std::unique_ptr<SmtpConnection>> connections_;
  std::mutex mu_;
  std::condition_variable work_;
  std::deque<Job> queue_;
  std::size_t sitting_out_ = 0;  // senders refused by the server in this round
  std::uint64_t round_ = 0;      // a new round starts whenever the queue runs empty
  bool stopping_ = false;
  std::vector<std::jthread> senders_;  // last: stopped before the connections go
};

}  // namespace mailmark
