// Turns one SMTP attempt into the transport's answer: sent, retry later, or bounce, and how
// far the failure reaches (this message, this connection, or the whole server).
#pragma once

#include <optional>
#include <string>

#include "mail/smtp/smtp_reply.h"
#include "mail/smtp/smtp_stream.h"
#include "mail/transport.h"

namespace mailmark {

enum class FailureScope {
  kNone,        // sent
  kMessage,     // the server refused this message (4xx/5xx to MAIL, RCPT or DATA)
  kConnection,  // the connection broke mid-transaction: the next message reconnects
  kServer,      // no transaction possible (connect, TLS, greeting, EHLO, AUTH): stop trying
};

struct SendOutcome {
  SendResult result;
  FailureScope scope = FailureScope::kNone;
};

// What one message's conversation came to.
struct SmtpAttempt {
  SmtpPhase phase = SmtpPhase::kSession;  // the command the decisive reply or failure answers
  SmtpReply reply;                        // the decisive reply (code 0: none)
  std::optional<StreamFailure> failure;   // the connection failed instead of answering
  std::string detail;                     // that failure, or what was refused, for people
  bool transaction_answered = false;      // the server answered MAIL, RCPT or DATA
  bool auth_failed = false;               // AUTH refused, or no mechanism in common
};

//  - 2xx to the final ".": kSent with the server's reply ("250 2.0.0 Ok: queued as ...").
//  - 5xx to RCPT or DATA (or the final "."): kPermanentFailure with the server's text.
//    recipient_rejected says whether the refusal is about the recipient's address, which is
//    then suppressed: at RCPT unless the enhanced status says policy (X.7.x);
//    after DATA only for a bad or unavailable mailbox (X.1.x, X.2.x; not the sender's X.1.7,
//    X.1.8 nor the message-size X.2.3). A message-level refusal (5.7.1 content) is not.
//  - 5xx to RCPT saying the server will not relay for us ("Relay access denied", "Client host
//    rejected"): kTemporaryFailure, kServer. The mailbox's setup is wrong, and bouncing would
//    end every contact's enrollment; retried until fixed or out of retries.
//  - 5xx to MAIL FROM, or to RCPT blaming the sender (X.1.7, X.1.8: Postfix defers sender
//    checks to RCPT): kTemporaryFailure with the server's text. The sender or the mailbox's
//    setup is refused, not the contact: it is retried, and never bounces for it.
//  - 4xx anywhere, 5xx before MAIL (greeting, EHLO, AUTH, STARTTLS), 530 (authentication
//    required), login denied, TLS and network errors, timeouts: kTemporaryFailure. These are
//    server or configuration trouble: the contact must not bounce for them.
SendOutcome ClassifyAttempt(const SmtpAttempt& attempt);

}  // namespace mailmark
