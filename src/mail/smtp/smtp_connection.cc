#include "mail/smtp/smtp_connection.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <string_view>

#include "core/result.h"

namespace mailmark {
namespace {

void EnsureCurlGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistFree>;

// Whole seconds, at least one: libcurl's SMTP timeouts have no millisecond variant in 7.88.
long Seconds(Duration d) {
  auto s = std::chrono::ceil<std::chrono::seconds>(d).count();
  return static_cast<long>(std::max<decltype(s)>(s, 1));
}

// CR, LF or NUL in an envelope address would let a message inject SMTP commands.
bool SafeEnvelope(std::string_view address) {
  return address.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

std::string Bracketed(std::string_view address) {
  std::string out = "<";
  out.append(address);
  out.push_back('>');
  return out;
}

}  // namespace

Result<std::string> SmtpUrl(const SmtpSettings& settings, const std::string& helo_name) {
  const std::string& host = settings.host;
  bool ipv6 = host.find(':') != std::string::npos;
  constexpr std::string_view kForbidden("/?#@\\ \t\r\n[]%\0", 14);
  if (host.empty() || host.find_first_of(kForbidden) != std::string::npos) {
    return MakeError(ErrorKind::kInvalid, "invalid_smtp_host", "invalid SMTP host: " + host);
  }
  if (helo_name.find_first_of(kForbidden) != std::string::npos) {
    return MakeError(ErrorKind::kInvalid, "invalid_helo_name", "invalid EHLO name: " + helo_name);
  }
  if (settings.port < 1 || settings.port > 65535) {
    return MakeError(ErrorKind::kInvalid, "invalid_smtp_port",
                     "invalid SMTP port: " + std::to_string(settings.port));
  }
  std::string url = settings.tls == TlsMode::kTls ? "smtps://" : "smtp://";
  url += ipv6 ? "[" + host + "]" : host;
  url += ":" + std::to_string(settings.port) + "/" + helo_name;
  return url;
}

SmtpConnection::SmtpConnection(const SmtpConnectionConfig& config) {
  EnsureCurlGlobalInit();
  Result<std::string> url = SmtpUrl(config.settings, config.helo_name);
  if (!url) {
    setup_error_ = url.error().message;
    return;
  }
  curl_.reset(curl_easy_init());
  if (!curl_) {
    setup_error_ = "curl_easy_init failed";
    return;
  }
  CURL* h = curl_.get();
  const SmtpSettings& s = config.settings;
  CURLcode rc = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (rc == CURLE_OK) rc = curl_easy_setopt(h, option, value);
  };
  set(CURLOPT_URL, url->c_str());
  set(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  set(CURLOPT_UPLOAD, 1L);
  set(CURLOPT_READFUNCTION, &SmtpConnection::OnRead);
  set(CURLOPT_READDATA, this);
  // Verbose output goes to OnDebug only: it is how we learn which command a reply answers.
  set(CURLOPT_VERBOSE, 1L);
  set(CURLOPT_DEBUGFUNCTION, &SmtpConnection::OnDebug);
  set(CURLOPT_DEBUGDATA, this);
  set(CURLOPT_ERRORBUFFER, error_.data());
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_TCP_NODELAY, 1L);
  set(CURLOPT_TCP_KEEPALIVE, 1L);
  set(CURLOPT_MAXCONNECTS, 1L);
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config.connect_timeout.count()));
  set(CURLOPT_SERVER_RESPONSE_TIMEOUT, Seconds(config.command_timeout));
  set(CURLOPT_LOW_SPEED_LIMIT, 1L);
  set(CURLOPT_LOW_SPEED_TIME, Seconds(config.command_timeout));
  if (s.tls == TlsMode::kStartTls) set(CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!s.tls_verify) {
    set(CURLOPT_SSL_VERIFYPEER, 0L);
    set(CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!s.username.empty()) {
    set(CURLOPT_USERNAME, s.username.c_str());
    set(CURLOPT_PASSWORD, s.password.c_str());
  }
  if (rc != CURLE_OK) setup_error_ = std::string("curl setup: ") + curl_easy_strerror(rc);
}

SmtpConnection::~SmtpConnection() = default;

SendOutcome SmtpConnection::Send(const OutgoingMessage& message) {
  if (!setup_error_.empty()) {
    return {SendResult{SendStatus::kTemporaryFailure, setup_error_}, FailureScope::kServer};
  }
  // A bad sender is the mailbox's setup, not the contact's fault: like a refused MAIL FROM,
  // it is retried (until fixed or out of retries) and never suppresses the address.
  if (!SafeEnvelope(message.envelope_from)) {
    return {
        SendResult{SendStatus::kTemporaryFailure, "invalid envelope sender (control characters)"},
        FailureScope::kMessage};
  }
  if (message.recipient.empty() || !SafeEnvelope(message.recipient)) {
    return {SendResult{SendStatus::kPermanentFailure, "invalid recipient address"},
            FailureScope::kMessage};
  }
  bool reused = false;
  SendOutcome outcome = Attempt(message, &reused);
  // A pooled connection the server dropped while idle fails on its first command with no
  // answer at all; nothing was accepted, so one immediate retry on a fresh connection is safe.
  if (outcome.scope == FailureScope::kConnection && reused && !dialogue_.transaction_answered()) {
    outcome = Attempt(message, &reused);
  }
  return outcome;
}

SendOutcome SmtpConnection::Attempt(const OutgoingMessage& message, bool* reused) {
  CURL* h = curl_.get();
  dialogue_.Reset();
  error_[0] = '\0';
  body_ = &message.raw;
  body_offset_ = 0;

  std::string from = Bracketed(message.envelope_from);
  Slist rcpt(curl_slist_append(nullptr, Bracketed(message.recipient).c_str()));
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.raw.size()));

  CURLcode code = rcpt ? curl_easy_perform(h) : CURLE_OUT_OF_MEMORY;

  long new_connections = 0;
  curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &new_connections);
  connects_.fetch_add(static_cast<std::uint64_t>(std::max(new_connections, 0L)),
                      std::memory_order_relaxed);
  *reused = new_connections == 0;
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, nullptr);  // `rcpt` dies with this scope
  body_ = nullptr;
  return ClassifyAttempt(code, dialogue_, std::string_view(error_.data()));
}

int SmtpConnection::OnDebug(CURL*, curl_infotype type, char* data, std::size_t size, void* self) {
  auto* c = static_cast<SmtpConnection*>(self);
  std::string_view text(data, size);
  if (type == CURLINFO_HEADER_OUT) {
    c->dialogue_.OnCommand(text);
  } else if (type == CURLINFO_HEADER_IN) {
    // libcurl hands over one reply line per call; split anyway in case that ever changes.
    while (!text.empty()) {
      std::size_t end = text.find('\n');
      std::size_t len = end == std::string_view::npos ? text.size() : end + 1;
      c->dialogue_.OnReplyLine(text.substr(0, len));
      text.remove_prefix(len);
    }
  }
  return 0;
}

std::size_t SmtpConnection::OnRead(char* buffer, std::size_t size, std::size_t count, void* self) {
  auto* c = static_cast<SmtpConnection*>(self);
  if (c->body_ == nullptr) return 0;
  std::size_t n = std::min(size * count, c->body_->size() - c->body_offset_);
  std::memcpy(buffer, c->body_->data() + c->body_offset_, n);
  c->body_offset_ += n;
  return n;
}

}  // namespace mailmark
