#include "inbound/imap/tcp_connect.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>

namespace mailmark {
namespace {

Error ConnectError(const std::string& host, int port, const std::string& why) {
  return MakeError(ErrorKind::kInternal, "imap_connect_failed",
                   "cannot connect to " + host + ":" + std::to_string(port) + ": " + why);
}

struct AddrinfoDeleter {
  void operator()(addrinfo* list) const { ::freeaddrinfo(list); }
};

// Waits for a non-blocking connect to finish; "" on success, else the reason.
std::string FinishConnect(int fd, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return "timed out";
    pollfd p{fd, POLLOUT, 0};
    int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1 << 30)));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return std::strerror(errno);
    if (r == 0) return "timed out";
    int error = 0;
    socklen_t size = sizeof error;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0) return std::strerror(errno);
    return error == 0 ? std::string() : std::string(std::strerror(error));
  }
}

}  // namespace

void UniqueFd::Reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<UniqueFd> ConnectTcp(const std::string& host, int port, Duration timeout) {
  if (host.empty()) return ConnectError(host, port, "no host given");
  if (port <= 0 || port > 65535) return ConnectError(host, port, "invalid port");
  auto deadline = std::chrono::steady_clock::now() + timeout;

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  int r = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (r != 0) return ConnectError(host, port, std::string("cannot resolve: ") + gai_strerror(r));
  std::unique_ptr<addrinfo, AddrinfoDeleter> addresses(found);

  std::string why = "no address";
  for (const addrinfo* a = addresses.get(); a != nullptr; a = a->ai_next) {
    UniqueFd fd(
        ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol));
    if (fd.get() < 0) {
      why = std::strerror(errno);
      continue;
    }
    if (::connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0) {
      why = errno == EINPROGRESS ? FinishConnect(fd.get(), deadline) : std::strerror(errno);
      if (!why.empty()) continue;
    }
    // libetpan reads and writes with select() and expects a blocking socket.
    int flags = ::fcntl(fd.get(), F_GETFL);
    if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) {
      why = std::strerror(errno);
      continue;
    }
    int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
  }
  return ConnectError(host, port, why);
}

}  // namespace mailmark
