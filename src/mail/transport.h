// The transport interface the scheduler hands finished messages to (outbox, SMTP, ...).
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

namespace mailmark {

struct SendResult;

struct OutgoingMessage {
  std::string message_id;     // "<...@domain>", the idempotency key
  std::string envelope_from;  // SMTP MAIL FROM (may differ from the From header, e.g. VERP)
  std::string recipient;      // SMTP RCPT TO
  std::string raw;            // the complete message, CRLF line ends (BuildMessage output)
  // Asked right before the message goes on the wire; false: it is not sent (kWithdrawn).
  // Empty: always wanted. The scheduler checks once when it records the send (BeginSends),
  // but an SMTP batch on a slow relay can take many seconds, during which the contact may
  // reply or the sequence be paused. Transports whose whole batch is written within moments
  // of that check (the outbox: milliseconds) may ignore it. Called from the transport's own
  // threads, possibly several at once; must not throw.
  std::function<bool()> still_wanted = {};
  // Told the answer as soon as the transport has it, for a message it handed to the server
  // (still_wanted said yes), before the batch ends: bounce protection stops a batch at the
  // crossing. Same threading rules as still_wanted. Empty: nobody asks.
  std::function<void(const SendResult&)> on_result = {};
};

enum class SendStatus {
  kSent,              // accepted; never retried
  kTemporaryFailure,  // 4xx, connection or I/O error: retry later with the same Message-ID
  kPermanentFailure,  // 5xx for this recipient: the enrollment bounces with `response`
  kWithdrawn,         // not sent: still_wanted said no just before; `response` says why
};

struct SendResult {
  SendStatus status = SendStatus::kSent;
  std::string response;  // the server's (or the medium's) answer, for logs and bounce causes
  // kPermanentFailure about the recipient itself (e.g. 550 5.1.1 at RCPT): the address is
  // suppressed. False for a message-level rejection, which bounces only this enrollment.
  bool recipient_rejected = false;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Delivers each message; results[i] answers messages[i]. Must be idempotent by Message-ID
  // where the medium allows.
  virtual std::vector<SendResult> SendBatch(std::span<const OutgoingMessage> messages) = 0;
};

}  // namespace mailmark
