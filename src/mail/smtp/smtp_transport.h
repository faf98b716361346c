// The `smtp` transport: delivers over a small pool of SMTP connections that stay open between
// messages and batches (libcurl, one easy handle per connection).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/model.h"
#include "core/time.h"
#include "mail/transport.h"

namespace mailmark {

struct SmtpOptions {
  std::size_t connections = 4;  // parallel connections to the server (at least 1)
  Duration connect_timeout = std::chrono::seconds(10);
  Duration command_timeout = std::chrono::seconds(60);  // per reply / stalled upload
  std::string helo_name;  // EHLO argument; empty: this machine's host name
};

class SmtpConnectionPool;

// Thread-safe: several workers may call SendBatch at once; they share the connections, each
// connection serving one message at a time.
class SmtpTransport : public Transport {
 public:
  explicit SmtpTransport(SmtpSettings settings, SmtpOptions options = {});
  ~SmtpTransport() override;  // closes the connections (QUIT)
  SmtpTransport(const SmtpTransport&) = delete;
  SmtpTransport& operator=(const SmtpTransport&) = delete;

  // Spreads the batch over up to `connections` connections in parallel.
  //  - kSent: the server's final reply ("250 2.0.0 Ok: queued as ...").
  //  - kPermanentFailure: a 5xx to MAIL FROM, RCPT TO or DATA, with the server's text.
  //  - kTemporaryFailure: 4xx, network errors, timeouts, TLS or login problems, 5xx before
  //    the transaction. When the server cannot be used at all (refused, TLS, AUTH), the rest
  //    of the batch is not attempted and fails temporarily with the same cause.
  // A failed message costs its connection (libcurl closes it); the next one reconnects.
  std::vector<SendResult> SendBatch(std::span<const OutgoingMessage> messages) override;

  // TCP connections opened so far, over all pooled connections: a measure of reuse.
  std::uint64_t connections_opened() const;

 private:
  std::unique_ptr<SmtpConnectionPool> pool_;
};

}  // namespace mailmark
