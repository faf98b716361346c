// A read-only IMAP session (libetpan): log in, examine one folder, fetch new messages by UID
// without marking them \Seen, and wait for new mail with IDLE. One thread uses a client at a
// time; only Interrupt() may be called from another thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/model.h"
#include "core/result.h"
#include "core/time.h"
#include "inbound/imap/tcp_connect.h"

struct mailimap;  // libetpan's session

namespace mailmark {

struct ImapMessage {
  std::uint32_t uid = 0;
  std::string raw;  // the whole message as the server holds it (CRLF line ends)
};

struct MailboxState {
  std::uint32_t uid_validity = 0;
  std::uint32_t uid_next = 0;  // the UID the next message will get (at least 1)
};

struct ImapOptions {
  // Bounds connecting, the TLS handshake and every wait for a server reply.
  Duration timeout = std::chrono::seconds(30);
  // Refuse TLS servers whose certificate the system's CAs do not vouch for, or that name
  // another host. Only for test servers with self-signed certificates may this be false.
  bool tls_verify = true;
};

class ImapClient {
 public:
  // Connects (TLS per settings.tls: none, STARTTLS or implicit TLS), then LOGIN.
  // Errors: imap_connect_failed (network, timeout, no IMAP greeting), imap_tls_failed
  // (handshake, certificate, STARTTLS refused), imap_login_failed (credentials refused).
  static Result<std::unique_ptr<ImapClient>> Connect(const ImapSettings& settings,
                                                     ImapOptions options = {});
  ~ImapClient();  // LOGOUT, then closes the connection
  ImapClient(const ImapClient&) = delete;
  ImapClient& operator=(const ImapClient&) = delete;

  // EXAMINE: opens `folder` read-only, so nothing done here can change a flag.
  // Errors: imap_select_failed.
  Result<MailboxState> Select(const std::string& folder);

  // Up to `limit` messages with UID > after_uid, oldest first, fetched with BODY.PEEK[] (no
  // \Seen). Errors: imap_fetch_failed (also when no folder is selected).
  Result<std::vector<ImapMessage>> FetchSince(std::uint32_t after_uid, std::size_t limit);

  // NOOP: lets the server announce new mail (for servers without IDLE) and keeps the
  // connection alive. Errors: imap_noop_failed.
  Status Noop();

  bool SupportsIdle() const;

  // IDLE until the server announces new mail, `timeout` passes or Interrupt() is called.
  // True when new mail may have arrived (the server sent EXISTS or RECENT); false on timeout
  // or interrupt. Errors: imap_idle_failed (no IDLE, no folder, connection lost).
  Result<bool> Idle(Duration timeout);

  // Thread-safe and non-blocking: a running Idle returns false promptly. When no Idle runs,
  // the next one returns at once (so an interrupt sent just before Idle starts is not lost).
  void Interrupt();

 private:
  struct SessionDeleter {
    void operator()(mailimap* session) const;
  };
  using Session = std::unique_ptr<mailimap, SessionDeleter>;

  ImapClient(Session session, UniqueFd interrupt_fd, Duration timeout);
  Status Login(const ImapSettings& settings);
  Result<std::vector<std::uint32_t>> UidsSince(std::uint32_t after_uid);
  Result<std::uint32_t> LastUid();
  bool TakeInterrupt();  // consumes a pending Interrupt()

  Session session_;
  UniqueFd interrupt_fd_;  // eventfd: Interrupt() writes, Idle polls it with the socket
  Duration timeout_;
  bool selected_ = false;
  bool broken_ = false;  // the stream failed: no LOGOUT on the way out
};

}  // namespace mailmark
