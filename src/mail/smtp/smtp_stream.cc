#include "mail/smtp/smtp_stream.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace mailmark {
namespace {

constexpr std::size_t kReadChunk = 16 * 1024;
// A read this close to the full I/O timeout before its deadline keeps the full timeout: the
// first read of a reply then costs no setsockopt.
constexpr Duration kDeadlineSlack{100};

std::string Errno(int err) { return std::strerror(err); }

timeval ToTimeval(Duration d) {
  auto ms = std::max<std::int64_t>(d.count(), 1);  // 0 would mean "wait forever"
  return timeval{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
}

bool IsIpLiteral(const std::string& host) {
  std::array<unsigned char, sizeof(in6_addr)> buf{};
  return inet_pton(AF_INET, host.c_str(), buf.data()) == 1 ||
         inet_pton(AF_INET6, host.c_str(), buf.data()) == 1;
}

// What OpenSSL queued on this thread's error stack, oldest first, emptied.
std::string OpenSslErrors() {
  std::string text;
  while (unsigned long e = ERR_get_error()) {
    std::array<char, 256> buf{};
    ERR_error_string_n(e, buf.data(), buf.size());
    if (!text.empty()) text.append("; ");
    text.append(buf.data());
  }
  return text;
}

// Waits for a non-blocking connect; 0 on success, else an errno value (ETIMEDOUT on timeout).
int AwaitConnect(int fd, Duration timeout) {
  pollfd p{fd, POLLOUT, 0};
  int rc;
  do {
    rc = ::poll(&p, 1, static_cast<int>(std::max<std::int64_t>(timeout.count(), 1)));
  } while (rc < 0 && errno == EINTR);
  if (rc == 0) return ETIMEDOUT;
  if (rc < 0) return errno;
  int err = 0;
  socklen_t len = sizeof(err);
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
  return err;
}

}  // namespace

SmtpStream::~SmtpStream() { Close(); }

void SmtpStream::Close() {
  ssl_.reset();
  network_in_ = network_out_ = nullptr;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

StreamStatus SmtpStream::Connect(const std::string& host, int port, Duration connect_timeout,
                                 Duration io_timeout) {
  Close();
  peer_ = host + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0)
    return StreamError{StreamFailure::kConnect,
                       "cannot resolve " + host + ": " + ::gai_strerror(rc)};
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);
  std::string last_error = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) {
      last_error = Errno(errno);
      continue;
    }
    int err = ::connect(fd, a->ai_addr, a->ai_addrlen) == 0 ? 0 : errno;
    if (err == EINPROGRESS) err = AwaitConnect(fd, connect_timeout);
    if (err != 0) {
      last_error = err == ETIMEDOUT ? "timed out" : Errno(err);
      ::close(fd);
      continue;
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));  // commands are small
    ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));  // idle pooled connections
    fd_ = fd;
    SetIoTimeout(io_timeout);
    return std::nullopt;
  }
  return StreamError{StreamFailure::kConnect, "connect to " + peer_ + " failed: " + last_error};
}

void SmtpStream::SetIoTimeout(Duration timeout) {
  if (fd_ < 0) return;
  io_timeout_ = receive_timeout_ = timeout;
  timeval tv = ToTimeval(timeout);
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

StreamStatus SmtpStream::SendRaw(const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::send(fd_, data, size, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return StreamError{StreamFailure::kTimeout, "timeout writing to " + peer_};
      if (errno == EPIPE || errno == ECONNRESET)
        return StreamError{StreamFailure::kClosed, "connection closed by " + peer_};
      return StreamError{StreamFailure::kNetwork, "writing to " + peer_ + ": " + Errno(errno)};
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return std::nullopt;
}

StreamStatus SmtpStream::ReceiveRaw(std::string& out, StreamDeadline deadline) {
  // Read into an uninitialised buffer and append what came: growing `out` by the chunk first
  // would zero 16 KiB per read, a sixth of the CPU an email costs (callgrind, 2026-12-02).
  std::array<char, kReadChunk> buf;
  for (;;) {
    // The socket waits at most the I/O timeout at a time; a deadline further away (the reply
    // to the final ".") is reached in several waits.
    Duration left =
        std::chrono::duration_cast<Duration>(deadline - std::chrono::steady_clock::now());
    if (left <= Duration::zero())
      return StreamError{StreamFailure::kTimeout, "timeout waiting for " + peer_};
    if (Duration wait = left + kDeadlineSlack >= io_timeout_ ? io_timeout_ : left;
        wait != receive_timeout_) {
      timeval tv = ToTimeval(wait);
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
      receive_timeout_ = wait;
    }
    ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
    if (n > 0) {
      out.append(buf.data(), static_cast<std::size_t>(n));
      return std::nullopt;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    int err = n == 0 ? 0 : errno;
    if (n == 0 || err == ECONNRESET)
      return StreamError{StreamFailure::kClosed, "connection closed by " + peer_};
    return StreamError{StreamFailure::kNetwork, "reading from " + peer_ + ": " + Errno(err)};
  }
}

StreamStatus SmtpStream::Write(std::string_view bytes) {
  if (fd_ < 0) return StreamError{StreamFailure::kClosed, "not connected"};
  if (!ssl_) return SendRaw(bytes.data(), bytes.size());
  ERR_clear_error();  // SSL_get_error reads the queue: a stale entry would fake a failure
  while (!bytes.empty()) {
    int chunk = static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 30));
    int rc = SSL_write(ssl_.get(), bytes.data(), chunk);
    if (rc <= 0) return TlsError("TLS write", rc);
    bytes.remove_prefix(static_cast<std::size_t>(rc));
  }
  return FlushTls();
}

StreamStatus SmtpStream::ReadSome(std::string& out, StreamDeadline deadline) {
  if (fd_ < 0) return StreamError{StreamFailure::kClosed, "not connected"};
  if (!ssl_) return ReceiveRaw(out, deadline);
  std::array<char, kReadChunk> buf;
  for (;;) {
    ERR_clear_error();
    int rc = SSL_read(ssl_.get(), buf.data(), static_cast<int>(buf.size()));
    if (rc > 0) {
      out.append(buf.data(), static_cast<std::size_t>(rc));
      return std::nullopt;
    }
    int err = SSL_get_error(ssl_.get(), rc);
    if (err == SSL_ERROR_ZERO_RETURN)
      return StreamError{StreamFailure::kClosed, "connection closed by " + peer_ + " (TLS)"};
    if (err != SSL_ERROR_WANT_READ) return TlsError("TLS read", rc);
    if (auto e = FlushTls()) return e;  // a key update or ticket answer may be waiting
    if (auto e = FeedTls(deadline)) return e;
  }
}

StreamStatus SmtpStream::FlushTls() {
  char* data = nullptr;
  long size = BIO_get_mem_data(network_out_, &data);
  if (size <= 0) return std::nullopt;
  StreamStatus status = SendRaw(data, static_cast<std::size_t>(size));
  (void)BIO_reset(network_out_);
  return status;
}

StreamStatus SmtpStream::FeedTls(StreamDeadline deadline) {
  scratch_.clear();
  if (auto e = ReceiveRaw(scratch_, deadline)) return e;
  if (BIO_write(network_in_, scratch_.data(), static_cast<int>(scratch_.size())) !=
      static_cast<int>(scratch_.size()))
    return StreamError{StreamFailure::kNetwork, "TLS buffer: " + OpenSslErrors()};
  return std::nullopt;
}

StreamError SmtpStream::TlsError(std::string_view what, int rc) const {
  int err = SSL_get_error(ssl_.get(), rc);
  std::string detail = err == SSL_ERROR_SYSCALL ? "unexpected end of stream" : OpenSslErrors();
  if (detail.empty()) detail = "error " + std::to_string(err);
  return StreamError{StreamFailure::kNetwork, std::string(what) + " with " + peer_ + ": " + detail};
}

StreamStatus SmtpStream::StartTls(const std::string& host, bool verify) {
  if (fd_ < 0) return StreamError{StreamFailure::kClosed, "not connected"};
  ERR_clear_error();
  // A context per connection: cheap next to a handshake, and it reads the CA locations
  // (SSL_CERT_FILE, SSL_CERT_DIR) as they are now.
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()),
                                                        &SSL_CTX_free);
  auto fail = [&](std::string what) {
    std::string errors = OpenSslErrors();
    if (!errors.empty()) what += ": " + errors;
    return StreamError{StreamFailure::kTls, "TLS with " + peer_ + ": " + what};
  };
  if (!ctx) return fail("cannot create a TLS context");
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  if (verify) {
    if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1) return fail("no CA certificates");
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  }
  ssl_.reset(SSL_new(ctx.get()));
  if (!ssl_) return fail("cannot create a TLS session");
  network_in_ = BIO_new(BIO_s_mem());
  network_out_ = BIO_new(BIO_s_mem());
  if (network_in_ == nullptr || network_out_ == nullptr) {
    BIO_free(network_in_);
    BIO_free(network_out_);
    network_in_ = network_out_ = nullptr;
    ssl_.reset();
    return fail("cannot create TLS buffers");
  }
  BIO_set_mem_eof_return(network_in_, -1);  // empty means "wait for more", not end of stream
  SSL_set_bio(ssl_.get(), network_in_, network_out_);
  if (IsIpLiteral(host)) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_.get()), host.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl_.get(), host.c_str());
    SSL_set1_host(ssl_.get(), host.c_str());
  }
  SSL_set_connect_state(ssl_.get());
  const StreamDeadline deadline = std::chrono::steady_clock::now() + io_timeout_;
  for (;;) {
    ERR_clear_error();
    int rc = SSL_do_handshake(ssl_.get());
    if (auto e = FlushTls())
      return StreamError{StreamFailure::kTls, "TLS handshake: " + e->message};
    if (rc == 1) return std::nullopt;
    if (SSL_get_error(ssl_.get(), rc) != SSL_ERROR_WANT_READ) {
      long verdict = SSL_get_verify_result(ssl_.get());
      if (verify && verdict != X509_V_OK) {
        ERR_clear_error();
        return fail(std::string("certificate verify failed: ") +
                    X509_verify_cert_error_string(verdict));
      }
      return fail("handshake failed");
    }
    if (auto e = FeedTls(deadline))
      return StreamError{StreamFailure::kTls, "TLS handshake: " + e->message};
  }
}

}  // namespace mailmark
