// A private Postfix (and optionally Dovecot IMAP) instance on 127.0.0.1 for the test domain
// example.test: real SMTP acceptance, real delivery into maildirs, real RFC 3464 bounce DSNs
// and real IMAP. Every file lives in one temp folder; /etc is never read for configuration
// nor written. Needs root (Postfix's master and Dovecot switch users).
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

struct MailServerOptions {
  // Mailboxes of example.test; "alice" becomes alice@example.test. Mail to any other local
  // part of example.test is accepted on smtp_port() and then bounced.
  std::vector<std::string> users = {"alice", "bob", "bounces"};
  bool imap = false;                // also run Dovecot with IMAP on imap_port()
  std::string password = "secret";  // every user's IMAP password (plain LOGIN, no TLS)
};

class PrivateMailServer {
 public:
  static constexpr const char* kDomain = "example.test";

  // Why the server cannot run here (not root, or postfix / dovecot missing), or nullopt.
  static std::optional<std::string> Missing(bool imap = false);

  // Writes the configuration under a fresh temp folder; Start() runs it.
  explicit PrivateMailServer(MailServerOptions options = {});
  ~PrivateMailServer();  // Stop()
  PrivateMailServer(const PrivateMailServer&) = delete;
  PrivateMailServer& operator=(const PrivateMailServer&) = delete;

  // Returns once every port accepts connections. Throws std::runtime_error with the servers'
  // logs when they do not come up (`postfix start` reports failures only in its log).
  void Start();
  // `postfix stop`, SIGTERM to Dovecot's master by PID; returns when nothing listens.
  void Stop();

  int smtp_port() const { return smtp_port_; }  // unknown users: 250, then a bounce DSN
  int strict_smtp_port() const { return strict_smtp_port_; }  // unknown users: 550 5.1.1
  int imap_port() const { return imap_port_; }                // 0 without options.imap

  static std::string Address(const std::string& user) { return user + "@" + kDomain; }
  const std::string& password() const { return options_.password; }
  const std::filesystem::path& dir() const { return dir_->path(); }

  // The raw messages in the user's maildir (new/ and cur/), oldest delivery first. Mail to
  // user+tag@example.test lands in user's.
  std::vector<std::string> MaildirMessages(const std::string& user) const;
  // Waits (polling, up to `seconds`) until the user's maildir holds at least n messages.
  bool WaitForMessages(const std::string& user, std::size_t n, double seconds = 30) const;

  std::string log() const;          // Postfix's log
  std::string dovecot_log() const;  // Dovecot's log (empty without IMAP)

 private:
  void PickPorts();
  void WriteConfiguration() const;
  std::filesystem::path Maildir(const std::string& user) const;
  void StartPostfix();
  void StartDovecot();
  void StopPostfix();

  MailServerOptions options_;
  std::unique_ptr<TempDir> dir_;
  int smtp_port_ = 0;
  int strict_smtp_port_ = 0;
  int imap_port_ = 0;
  bool postfix_running_ = false;
  ChildProcess dovecot_;
};

}  // namespace mailmark::testing
