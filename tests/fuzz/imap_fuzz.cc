// Everything an IMAP server says to the poller's client: the greeting, LOGIN, CAPABILITY,
// EXAMINE, the two UID FETCHes, NOOP and IDLE, through libetpan and the client's reading of its
// answers (src/inbound/imap/imap_client.cc), over a real loopback connection.
//
// Input: the server's whole side of the conversation, sent at once. libetpan numbers its
// commands 1, 2, 3… in a fresh session, so a seed can answer them by tag (tests/fuzz/imap).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <thread>

#include "fuzz_support.h"
#include "inbound/imap/imap_client.h"

using namespace mailmark;

namespace {

int listener = -1;
int port = 0;

void Serve(std::string_view script) {
  int fd = ::accept(listener, nullptr, nullptr);
  if (fd < 0) return;
  bool trace = std::getenv("FUZZ_IMAP_TRACE") != nullptr;
  for (std::size_t at = 0; at < script.size();) {
    ssize_t n = ::send(fd, script.data() + at, script.size() - at, MSG_NOSIGNAL);
    if (n <= 0) break;
    at += static_cast<std::size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);  // the end of the script: the client sees the server hang up
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) {
    if (trace) std::fwrite(buf, 1, static_cast<std::size_t>(n), stderr);
  }
  ::close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener, 4) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::perror("imap_fuzz: loopback listener");
    std::abort();
  }
  port = ntohs(addr.sin_port);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Bigger than the socket buffers would only slow the fuzzer down.
  if (size > 256 * 1024) return 0;
  std::thread server(Serve, fuzz::AsText(data, size));
  {
    ImapSettings settings;
    settings.host = "127.0.0.1";
    settings.port = port;
    settings.tls = TlsMode::kNone;
    settings.username = "fuzz";
    settings.password = "secret";
    ImapOptions options;
    options.timeout = std::chrono::seconds(5);
    auto client = ImapClient::Connect(settings, options);
    if (client) {
      ImapClient& imap = **client;
      if (imap.Select("INBOX")) {
        constexpr std::uint32_t kAfter = 1;
        constexpr std::size_t kLimit = 3;
        if (auto messages = imap.FetchSince(kAfter, kLimit)) {
          FUZZ_CHECK(messages->size() <= kLimit);
          for (std::size_t i = 0; i < messages->size(); ++i) {
            FUZZ_CHECK((*messages)[i].uid > kAfter);
            if (i > 0) FUZZ_CHECK((*messages)[i - 1].uid < (*messages)[i].uid);
          }
        }
        (void)imap.Noop();
        if (imap.SupportsIdle()) (void)imap.Idle(std::chrono::milliseconds(20));
      }
    }
  }  // LOGOUT and close: the server's read loop ends
  server.join();
  return 0;
}
