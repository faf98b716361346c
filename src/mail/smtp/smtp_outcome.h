// Turns one libcurl SMTP attempt into the transport's answer: sent, retry later, or bounce,
// and how far the failure reaches (this message, this connection, or the whole server).
#pragma once

#include <curl/curl.h>

#include <string_view>

#include "mail/smtp/smtp_dialogue.h"
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

// `curl_detail` is libcurl's error buffer for this attempt (may be empty).
//  - OK: kSent with the server's final reply ("250 2.0.0 Ok: queued as ...").
//  - 5xx to MAIL, RCPT or DATA: kPermanentFailure with the server's text.
//  - 4xx anywhere, 5xx before MAIL (greeting, EHLO, AUTH, STARTTLS), 530 (authentication
//    required), login denied, TLS and network errors, timeouts: kTemporaryFailure. These are
//    server or configuration trouble: the contact must not bounce for them.
SendOutcome ClassifyAttempt(CURLcode code, const SmtpDialogue& dialogue,
                            std::string_view curl_detail);

}  // namespace mailmark
