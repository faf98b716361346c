// An SMTP server that keeps what it receives for inspection: Python's aiosmtpd with a small
// handler that stores each message's envelope and its exact bytes (no line-end rewriting, no
// added headers), on 127.0.0.1 with its own port and temp folder, stopped by PID.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/smtp_sink.h"
#include "harness/temp_dir.h"

namespace mailmark::testing {

enum class SinkTls {
  kNone,
  kStartTls,  // offers STARTTLS (and, with credentials, AUTH only after it)
  kImplicit,  // TLS from the first byte (the "smtps" port style)
};

struct InspectingSinkOptions {
  // When set, AUTH (PLAIN/LOGIN) with these credentials is required; without TLS it is offered
  // in plain text too.
  std::string username = {};
  std::string password = {};
  // With TLS the sink presents a fresh self-signed certificate for IP 127.0.0.1 (cert_file()).
  SinkTls tls = SinkTls::kNone;
  // Advertise PIPELINING (RFC 2920), as Postfix does; aiosmtpd reads pipelined commands in order.
  bool pipelining = true;
};

struct ReceivedMessage {
  std::string mail_from;
  std::vector<std::string> rcpt_tos;
  std::string data;  // exactly as received, after SMTP dot-unstuffing
  bool tls = false;  // it came over TLS
};

// Recipients whose local part starts with "reject5" are refused at RCPT with
// "550 5.1.1 <addr>: Recipient address rejected: User unknown"; with "reject4", with
// "450 4.2.1 <addr>: Recipient address rejected: Try again later"; with "relay5", with
// "554 5.7.1 <addr>: Relay access denied". Everything else is accepted
// ("250 2.0.0 Ok: queued as N" after DATA).
class InspectingSink {
 public:
  // Why the sink cannot run here (no /usr/bin/python3 or no aiosmtpd), or nullopt.
  static std::optional<std::string> Missing();

  // Starts on a fresh port; throws std::runtime_error when it does not come up.
  explicit InspectingSink(InspectingSinkOptions options = {});
  ~InspectingSink();
  InspectingSink(const InspectingSink&) = delete;
  InspectingSink& operator=(const InspectingSink&) = delete;

  int port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_->path(); }
  // The self-signed certificate (PEM) the sink presents with TLS: a CA file that trusts it.
  std::filesystem::path cert_file() const { return dir_->path() / "cert.pem"; }

  // Accepted messages in arrival order.
  std::vector<ReceivedMessage> Messages() const;
  std::size_t MessageCount() const;
  // TCP connections the server accepted so far.
  std::size_t Connections() const;

 private:
  std::unique_ptr<TempDir> dir_;
  int port_ = 0;
  ChildProcess process_;
};

}  // namespace mailmark::testing
