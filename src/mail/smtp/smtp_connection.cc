#include "mail/smtp/smtp_connection.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>

#include "mail/smtp/smtp_commands.h"

namespace mailmark {
namespace {

const char* CommandName(SmtpPhase phase) {
  switch (phase) {
    case SmtpPhase::kSession:
      return "the session setup";
    case SmtpPhase::kMail:
      return "MAIL FROM";
    case SmtpPhase::kRcpt:
      return "RCPT TO";
    case SmtpPhase::kData:
      return "DATA";
  }
  return "?";
}

SmtpAttempt Failed(SmtpPhase phase, StreamFailure failure, std::string detail) {
  SmtpAttempt a;
  a.phase = phase;
  a.failure = failure;
  a.detail = std::move(detail);
  return a;
}

// The reply that lets a transaction go on: 2xx, or 354 to DATA (before the content).
bool GoesOn(const SmtpReply& reply, bool data_go_ahead = false) {
  return data_go_ahead ? reply.code == 354 : reply.code >= 200 && reply.code < 300;
}

// A reply to a transaction command, as the outcome sees it. A reply that is neither the one
// expected (see GoesOn) nor a refusal (4xx, 5xx) means the two sides no longer agree on where
// they are: a 250 to DATA must never pass for the message's acceptance.
SmtpAttempt Answered(SmtpPhase phase, SmtpReply reply, bool data_go_ahead = false) {
  SmtpAttempt a;
  a.phase = phase;
  a.transaction_answered = true;
  if (!GoesOn(reply, data_go_ahead) && (reply.code < 400 || reply.code >= 600)) {
    a.failure = StreamFailure::kNetwork;
    a.detail = std::string("unexpected reply to ") + CommandName(phase);
  }
  a.reply = std::move(reply);
  return a;
}

// A failure after the server already answered part of the transaction: the reuse retry in
// Send must not take it for a connection that was dead before anything happened.
SmtpAttempt AfterAnswer(SmtpAttempt a) {
  a.transaction_answered = true;
  return a;
}

std::string LocalHostName() {
  std::array<char, 256> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0 || name[0] == '\0') return "localhost";
  return name.data();
}

}  // namespace

SmtpConnection::SmtpConnection(const SmtpConnectionConfig& config) : config_(config) {
  helo_name_ = config.helo_name;
  if (Status st = CheckSmtpEndpoint(config.settings, helo_name_); !st) {
    setup_error_ = st.error().message;
    return;
  }
  if (helo_name_.empty()) {
    helo_name_ = LocalHostName();
    if (!CheckSmtpEndpoint(config.settings, helo_name_)) helo_name_ = "localhost";
  }
}

SmtpConnection::~SmtpConnection() {
  if (!stream_.open()) return;
  stream_.SetIoTimeout(std::chrono::seconds(1));  // a stuck server must not hold up a shutdown
  if (!stream_.Write("QUIT\r\n")) {
    in_.clear();
    (void)stream_.ReadSome(in_, std::chrono::steady_clock::now() + std::chrono::seconds(1));
  }
  Close();
}

void SmtpConnection::Close() {
  stream_.Close();
  parser_.Clear();
  needs_reset_ = false;
}

SendOutcome SmtpConnection::Send(const OutgoingMessage& message) {
  if (!setup_error_.empty()) {
    return {SendResult{SendStatus::kTemporaryFailure, setup_error_}, FailureScope::kServer};
  }
  // A bad sender is the mailbox's setup, not the contact's fault: like a refused MAIL FROM,
  // it is retried (until fixed or out of retries) and never suppresses the address.
  if (!SafeEnvelopeAddress(message.envelope_from)) {
    return {
        SendResult{SendStatus::kTemporaryFailure, "invalid envelope sender (control characters)"},
        FailureScope::kMessage};
  }
  if (message.recipient.empty() || !SafeEnvelopeAddress(message.recipient)) {
    return {SendResult{SendStatus::kPermanentFailure, "invalid recipient address"},
            FailureScope::kMessage};
  }
  const bool reused = stream_.open();
  SmtpAttempt attempt = Attempt(message);
  // A pooled connection the server dropped while idle fails on its first command with no
  // answer, or answers it with the 421 it sent before hanging up. Nothing was accepted, so
  // one immediate retry on a fresh connection is safe. (A timeout is not retried: the server
  // is there but slow, and waiting twice helps nobody.)
  const bool dead_on_reuse = reused && attempt.phase != SmtpPhase::kSession &&
                             ((attempt.failure && *attempt.failure != StreamFailure::kTimeout &&
                               !attempt.transaction_answered) ||
                              (attempt.phase == SmtpPhase::kMail && attempt.reply.code == 421));
  if (dead_on_reuse) {
    Close();
    attempt = Attempt(message);
  }
  return ClassifyAttempt(attempt);
}

SmtpAttempt SmtpConnection::Attempt(const OutgoingMessage& message) {
  // The server spoke unasked after the last reply (a 421 before hanging up, or garbage): its
  // side of the conversation is somewhere else, so this message starts a fresh one.
  if (stream_.open() && !parser_.empty()) Close();
  if (!stream_.open()) {
    if (auto failed = Open()) return std::move(*failed);
  }
  const bool reset = needs_reset_;
  needs_reset_ = true;  // until the server answers the final "."
  SmtpReply mail, rcpt, data;
  out_.clear();
  if (extensions_.pipelining) {
    if (reset) out_.append("RSET\r\n");
    AppendMailFrom(out_, message.envelope_from, message.recipient, message.raw, extensions_);
    AppendRcptTo(out_, message.recipient);
    out_.append("DATA\r\n");
    if (auto f = Write(SmtpPhase::kMail)) return std::move(*f);
    if (reset) {
      if (auto f = Read(SmtpPhase::kMail, mail)) return std::move(*f);
      if (auto f = ResetRefused(mail)) return std::move(*f);
    }
    // After a 421 the server hangs up: the rest of the group gets no answer, and waiting for
    // one would turn "closing, try again" into a broken connection.
    if (auto f = Read(SmtpPhase::kMail, mail)) return std::move(*f);
    if (mail.code != 421) {
      if (auto f = Read(SmtpPhase::kRcpt, rcpt)) return AfterAnswer(std::move(*f));
    }
    if (mail.code != 421 && rcpt.code != 421) {
      if (auto f = Read(SmtpPhase::kData, data)) return AfterAnswer(std::move(*f));
    }
  } else {
    if (reset) {
      out_.append("RSET\r\n");
      if (auto f = Exchange(SmtpPhase::kMail, mail)) return std::move(*f);
      if (auto f = ResetRefused(mail)) return std::move(*f);
      out_.clear();
    }
    AppendMailFrom(out_, message.envelope_from, message.recipient, message.raw, extensions_);
    if (auto f = Exchange(SmtpPhase::kMail, mail)) return std::move(*f);
    if (GoesOn(mail)) {
      AppendRcptTo(out_, message.recipient);
      if (auto f = Exchange(SmtpPhase::kRcpt, rcpt)) return AfterAnswer(std::move(*f));
    }
    if (GoesOn(mail) && GoesOn(rcpt)) {
      out_.append("DATA\r\n");
      if (auto f = Exchange(SmtpPhase::kData, data)) return AfterAnswer(std::move(*f));
    }
  }

  if (!GoesOn(mail) || !GoesOn(rcpt) || !GoesOn(data, true)) {
    if (data.code == 354) {
      // Refused MAIL or RCPT, yet the server took DATA (RFC 2920 says it must not): an empty
      // message ends it, and the RSET before the next message throws that away.
      out_.assign(".\r\n");
      SmtpReply ignored;
      if (auto f = Exchange(SmtpPhase::kData, ignored)) Close();
    }
    SmtpAttempt a = !GoesOn(mail)   ? Answered(SmtpPhase::kMail, std::move(mail))
                    : !GoesOn(rcpt) ? Answered(SmtpPhase::kRcpt, std::move(rcpt))
                                    : Answered(SmtpPhase::kData, std::move(data), true);
    if (a.failure || a.reply.code == 421) Close();  // lost track, or the server is leaving
    return a;
  }

  AppendDataContent(out_, message.raw);
  SmtpReply final_reply;
  auto failed = Write(SmtpPhase::kData);
  if (!failed)
    failed = Read(SmtpPhase::kData, final_reply,
                  std::max(config_.data_timeout, config_.command_timeout));
  if (failed) return AfterAnswer(std::move(*failed));
  needs_reset_ = false;  // whatever it said, the final reply ends the transaction
  SmtpAttempt a = Answered(SmtpPhase::kData, std::move(final_reply));
  if (a.failure || a.reply.code == 421) Close();
  return a;
}

std::optional<SmtpAttempt> SmtpConnection::Open() {
  const SmtpSettings& s = config_.settings;
  if (auto e = stream_.Connect(s.host, s.port, config_.connect_timeout, config_.command_timeout))
    return Failed(SmtpPhase::kSession, e->kind, e->message);
  connects_.fetch_add(1, std::memory_order_relaxed);
  parser_.Clear();
  needs_reset_ = false;
  if (s.tls == TlsMode::kTls) {
    if (auto e = stream_.StartTls(s.host, s.tls_verify)) {
      Close();
      return Failed(SmtpPhase::kSession, StreamFailure::kTls, e->message);
    }
  }
  SmtpReply greeting;
  if (auto f = Read(SmtpPhase::kSession, greeting)) return f;
  if (greeting.code != 220) return Refused("greeting refused", std::move(greeting));

  auto hello = [this]() -> std::optional<SmtpAttempt> {
    SmtpReply reply;
    out_.assign("EHLO ").append(helo_name_).append("\r\n");
    if (auto f = Exchange(SmtpPhase::kSession, reply)) return f;
    if (GoesOn(reply)) {
      extensions_ = ParseEhloReply(reply.text);
      return std::nullopt;
    }
    // An old server without ESMTP: HELO, and none of the extensions.
    extensions_ = SmtpExtensions{};
    out_.assign("HELO ").append(helo_name_).append("\r\n");
    if (auto f = Exchange(SmtpPhase::kSession, reply)) return f;
    if (!GoesOn(reply)) return Refused("EHLO and HELO refused", std::move(reply));
    return std::nullopt;
  };
  if (auto f = hello()) return f;

  if (s.tls == TlsMode::kStartTls) {
    // Never falls back to plain text: the mailbox asked for TLS.
    if (!extensions_.starttls) {
      Close();
      return Failed(SmtpPhase::kSession, StreamFailure::kTls,
                    "STARTTLS required but not offered by " + s.host);
    }
    SmtpReply reply;
    out_.assign("STARTTLS\r\n");
    if (auto f = Exchange(SmtpPhase::kSession, reply)) return f;
    if (reply.code != 220) return Refused("STARTTLS refused", std::move(reply));
    // Bytes after the 220 were sent before TLS and could be an attacker's (CVE-2011-0411).
    if (!parser_.empty()) {
      Close();
      return Failed(SmtpPhase::kSession, StreamFailure::kTls, "data injected before TLS started");
    }
    if (auto e = stream_.StartTls(s.host, s.tls_verify)) {
      Close();
      return Failed(SmtpPhase::kSession, StreamFailure::kTls, e->message);
    }
    if (auto f = hello()) return f;  // the extensions may differ under TLS (AUTH often does)
  }
  if (!s.username.empty()) {
    if (auto f = Authenticate()) return f;
  }
  return std::nullopt;
}

std::optional<SmtpAttempt> SmtpConnection::Authenticate() {
  const SmtpSettings& s = config_.settings;
  SmtpReply reply;
  std::optional<SmtpAttempt> failed;
  // The buffers held the credentials: overwrite them before anything else uses them.
  auto wipe = [this] {
    out_.resize(out_.capacity());  // Write() emptied it, but the bytes are still there
    std::fill(out_.begin(), out_.end(), '\0');
    out_.clear();
  };
  if (extensions_.auth_plain) {
    out_ = AuthPlainCommand(s.username, s.password);
    failed = Exchange(SmtpPhase::kSession, reply);
  } else if (extensions_.auth_login) {
    out_.assign("AUTH LOGIN\r\n");
    failed = Exchange(SmtpPhase::kSession, reply);
    for (const std::string* secret : {&s.username, &s.password}) {
      if (failed || reply.code != 334) break;
      wipe();
      out_.assign(Base64Line(*secret)).append("\r\n");
      failed = Exchange(SmtpPhase::kSession, reply);
    }
  } else {
    Close();
    SmtpAttempt a;
    a.auth_failed = true;
    a.detail = "no AUTH mechanism in common with " + s.host + " (Mailmark offers PLAIN and LOGIN)";
    return a;
  }
  wipe();
  if (failed) return failed;
  if (reply.code != 235) {
    SmtpAttempt a = Refused("login refused", std::move(reply));
    a.auth_failed = true;
    return a;
  }
  return std::nullopt;
}

std::optional<SmtpAttempt> SmtpConnection::ResetRefused(const SmtpReply& reply) {
  if (GoesOn(reply)) return std::nullopt;
  Close();
  return Failed(SmtpPhase::kMail, StreamFailure::kNetwork, "RSET refused: " + reply.text);
}

SmtpAttempt SmtpConnection::Refused(std::string what, SmtpReply reply) {
  (void)stream_.Write("QUIT\r\n");  // polite, and nothing to wait for
  Close();
  SmtpAttempt a;
  a.reply = std::move(reply);
  a.detail = std::move(what);
  return a;
}

std::optional<SmtpAttempt> SmtpConnection::Exchange(SmtpPhase phase, SmtpReply& reply) {
  if (auto f = Write(phase)) return f;
  return Read(phase, reply);
}

std::optional<SmtpAttempt> SmtpConnection::Write(SmtpPhase phase) {
  // Every command is written once the replies to the earlier ones are in. A reply still
  // waiting here was sent unasked, and would be taken as this command's answer and each later
  // reply as the one before's: a 250 to RCPT could pass for the message's acceptance.
  if (!parser_.empty()) {
    out_.clear();
    Close();
    return Failed(phase, StreamFailure::kNetwork,
                  std::string("the server sent a reply nobody asked for (before ") +
                      CommandName(phase) + ")");
  }
  auto e = stream_.Write(out_);
  out_.clear();
  if (e) {
    Close();
    return Failed(phase, e->kind, e->message + " (sending " + CommandName(phase) + ")");
  }
  return std::nullopt;
}

std::optional<SmtpAttempt> SmtpConnection::Read(SmtpPhase phase, SmtpReply& reply,
                                                Duration timeout) {
  // The timeout is for the whole reply: a server trickling bytes must not stretch it.
  const StreamDeadline deadline = std::chrono::steady_clock::now() +
                                  (timeout > Duration::zero() ? timeout : config_.command_timeout);
  for (;;) {
    if (auto r = parser_.Next()) {
      reply = std::move(*r);
      return std::nullopt;
    }
    if (parser_.overflowed()) {
      Close();
      return Failed(phase, StreamFailure::kNetwork, "the server sent an endless reply");
    }
    in_.clear();
    if (auto e = stream_.ReadSome(in_, deadline)) {
      Close();
      std::string what = std::string(" waiting for the reply to ") + CommandName(phase);
      return Failed(phase, e->kind,
                    e->kind == StreamFailure::kTimeout ? "timeout" + what : e->message + what);
    }
    parser_.Feed(in_);
  }
}

}  // namespace mailmark
