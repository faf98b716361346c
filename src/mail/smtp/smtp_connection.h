// One SMTP client connection kept open between messages, so a run of messages costs one
// TCP/TLS/EHLO/AUTH setup. With PIPELINING (RFC 2920) a message is two writes and two waits:
// MAIL, RCPT and DATA together, then the content; RSET after a refused message rides along
// with the next one instead of costing the connection. Not thread-safe: one thread at a time.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "core/model.h"
#include "core/time.h"
#include "mail/smtp/smtp_extensions.h"
#include "mail/smtp/smtp_outcome.h"
#include "mail/smtp/smtp_reply.h"
#include "mail/smtp/smtp_stream.h"
#include "mail/transport.h"

namespace mailmark {

struct SmtpConnectionConfig {
  SmtpSettings settings;
  Duration connect_timeout{};
  Duration command_timeout{};  // each reply, each write
  Duration data_timeout{};     // the reply to the final "." (the longer of the two applies)
  std::string helo_name;       // empty: this machine's host name
};

class SmtpConnection {
 public:
  explicit SmtpConnection(const SmtpConnectionConfig& config);
  SmtpConnection(const SmtpConnection&) = delete;
  SmtpConnection& operator=(const SmtpConnection&) = delete;
  ~SmtpConnection();  // says QUIT on the open connection, if any

  // Sends one message, (re)connecting when there is no usable connection. A reused connection
  // that turns out dead before the server answered anything is retried once on a new one.
  SendOutcome Send(const OutgoingMessage& message);

  // TCP connections opened so far.
  std::uint64_t connects() const { return connects_.load(std::memory_order_relaxed); }

 private:
  SmtpAttempt Attempt(const OutgoingMessage& message);
  // Connects and gets the session ready for MAIL (greeting, EHLO, STARTTLS, AUTH); nullopt
  // when ready, else why not.
  std::optional<SmtpAttempt> Open();
  std::optional<SmtpAttempt> Authenticate();
  // Writes `out_`, then reads one reply into `reply`; nullopt on success.
  std::optional<SmtpAttempt> Exchange(SmtpPhase phase, SmtpReply& reply);
  // Reads one reply, within `timeout` (zero: the command timeout).
  std::optional<SmtpAttempt> Read(SmtpPhase phase, SmtpReply& reply, Duration timeout = {});
  std::optional<SmtpAttempt> Write(SmtpPhase phase);
  // The RSET before a message was not accepted: the connection is closed, the attempt failed.
  std::optional<SmtpAttempt> ResetRefused(const SmtpReply& reply);
  // A refusal during session setup: the attempt, with the connection closed.
  SmtpAttempt Refused(std::string what, SmtpReply reply);
  void Close();

  SmtpConnectionConfig config_;
  std::string helo_name_;
  std::string setup_error_;  // non-empty: every Send fails temporarily with it
  SmtpStream stream_;
  SmtpReplyParser parser_;
  SmtpExtensions extensions_;
  bool needs_reset_ = false;  // a transaction was left half-done: RSET before the next one
  std::string out_;           // the bytes of the next write, reused between messages
  std::string in_;            // bytes just read, before the parser takes them
  std::atomic<std::uint64_t> connects_{0};  // read by other threads for statistics
};

}  // namespace mailmark
