// One TCP connection to an SMTP server, optionally wrapped in TLS. OpenSSL works on memory
// buffers and every byte goes through send(MSG_NOSIGNAL)/recv here: a server hanging up can
// never raise SIGPIPE, and timeouts live in one place. The socket blocks with a timeout per
// operation (SO_RCVTIMEO/SO_SNDTIMEO), so a write or a read costs one system call; a read
// also has a deadline, which a server trickling a byte at a time cannot push back.
#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"

namespace mailmark {

enum class StreamFailure {
  kConnect,  // resolving, refused, unreachable, connect timeout
  kTls,      // handshake or certificate
  kTimeout,  // no progress within the I/O timeout
  kClosed,   // the server hung up
  kNetwork,  // any other socket or TLS error
};

struct StreamError {
  StreamFailure kind;
  std::string message;  // for people: "connect to 127.0.0.1:25 failed: Connection refused"
};
using StreamStatus = std::optional<StreamError>;  // nullopt: done
using StreamDeadline = std::chrono::steady_clock::time_point;

class SmtpStream {
 public:
  SmtpStream() = default;
  ~SmtpStream();
  SmtpStream(const SmtpStream&) = delete;
  SmtpStream& operator=(const SmtpStream&) = delete;

  // Closes any open connection, then connects to each address of `host` in turn.
  // `connect_timeout` bounds each TCP connect, `io_timeout` every later read and write.
  StreamStatus Connect(const std::string& host, int port, Duration connect_timeout,
                       Duration io_timeout);
  // The TLS handshake over the open connection (implicit TLS or after STARTTLS). With `verify`,
  // the chain must lead to a CA the system trusts (OpenSSL's default paths: SSL_CERT_FILE,
  // SSL_CERT_DIR) and the certificate must name `host` (DNS name or IP address). The whole
  // handshake gets one I/O timeout.
  StreamStatus StartTls(const std::string& host, bool verify);

  StreamStatus Write(std::string_view bytes);
  // Waits for the server and appends what arrived (at least one byte) to `out`. Each wait
  // lasts at most the I/O timeout, and none goes past `deadline`.
  StreamStatus ReadSome(std::string& out, StreamDeadline deadline);

  void SetIoTimeout(Duration timeout);
  bool open() const { return fd_ >= 0; }
  void Close();

 private:
  struct SslFree {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
  };

  StreamStatus SendRaw(const char* data, std::size_t size);
  StreamStatus ReceiveRaw(std::string& out, StreamDeadline deadline);
  StreamStatus FlushTls();  // what OpenSSL wrote into network_out_, onto the socket
  StreamStatus FeedTls(StreamDeadline deadline);  // bytes from the socket into network_in_
  StreamError TlsError(std::string_view what, int rc) const;

  int fd_ = -1;
  std::string peer_;  // "host:port", for messages
  Duration io_timeout_{};
  Duration receive_timeout_{};  // SO_RCVTIMEO as set now: at most io_timeout_
  std::unique_ptr<SSL, SslFree> ssl_;
  BIO* network_in_ = nullptr;   // owned by ssl_
  BIO* network_out_ = nullptr;  // owned by ssl_
  std::string scratch_;
};

}  // namespace mailmark
