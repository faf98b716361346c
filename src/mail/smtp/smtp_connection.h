// One SMTP connection: a libcurl easy handle kept open between messages, so a run of messages
// costs one TCP/TLS/EHLO/AUTH setup. Not thread-safe: one thread uses it at a time.
#pragma once

#include <curl/curl.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/model.h"
#include "core/result.h"
#include "core/time.h"
#include "mail/smtp/smtp_dialogue.h"
#include "mail/smtp/smtp_outcome.h"
#include "mail/transport.h"

namespace mailmark {

struct SmtpConnectionConfig {
  SmtpSettings settings;
  Duration connect_timeout{};
  Duration command_timeout{};
  std::string helo_name;  // empty: libcurl's default (this machine's host name)
};

// "smtp://host:port/helo" or "smtps://..."; an error when the host could smuggle URL parts.
Result<std::string> SmtpUrl(const SmtpSettings& settings, const std::string& helo_name);

class SmtpConnection {
 public:
  explicit SmtpConnection(const SmtpConnectionConfig& config);
  SmtpConnection(const SmtpConnection&) = delete;
  SmtpConnection& operator=(const SmtpConnection&) = delete;
  ~SmtpConnection();  // says QUIT on the open connection, if any

  // Sends one message, (re)connecting when there is no usable connection. A reused connection
  // that turns out dead before the server answered anything is retried once on a new one.
  SendOutcome Send(const OutgoingMessage& message);

  // TCP connections opened so far (CURLINFO_NUM_CONNECTS summed).
  std::uint64_t connects() const { return connects_.load(std::memory_order_relaxed); }

 private:
  struct CurlCleanup {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
  };

  SendOutcome Attempt(const OutgoingMessage& message, bool* reused);
  static int OnDebug(CURL* handle, curl_infotype type, char* data, std::size_t size, void* self);
  static std::size_t OnRead(char* buffer, std::size_t size, std::size_t count, void* self);

  std::unique_ptr<CURL, CurlCleanup> curl_;
  std::string setup_error_;  // non-empty: every Send fails temporarily with it
  SmtpDialogue dialogue_;
  std::array<char, CURL_ERROR_SIZE> error_{};
  const std::string* body_ = nullptr;  // the message being uploaded
  std::size_t body_offset_ = 0;
  std::atomic<std::uint64_t> connects_{0};  // read by other threads for statistics
};

}  // namespace mailmark
