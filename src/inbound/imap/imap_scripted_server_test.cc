// ImapClient against a server that says exactly what a test scripts (a loopback socket, no
// Dovecot): answers no real server gives, found by fuzzing (tests/fuzz/imap_fuzz.cc).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "inbound/imap/imap_client.h"

namespace mailmark::testing {
namespace {

// Accepts one connection, sends `script` at once, then reads until the client hangs up.
class ScriptedImapServer {
 public:
  explicit ScriptedImapServer(std::string script) : script_(std::move(script)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listener_, 1) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "no loopback listener";
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedImapServer() {
    if (thread_.joinable()) thread_.join();
    if (listener_ >= 0) ::close(listener_);
  }
  ScriptedImapServer(const ScriptedImapServer&) = delete;
  ScriptedImapServer& operator=(const ScriptedImapServer&) = delete;

  ImapSettings Settings() const {
    ImapSettings settings;
    settings.host = "127.0.0.1";
    settings.port = port_;
    settings.tls = TlsMode::kNone;
    settings.username = "user";
    settings.password = "secret";
    return settings;
  }

 private:
  void Serve() {
    int fd = ::accept(listener_, nullptr, nullptr);
    if (fd < 0) return;
    for (std::size_t at = 0; at < script_.size();) {
      ssize_t n = ::send(fd, script_.data() + at, script_.size() - at, MSG_NOSIGNAL);
      if (n <= 0) break;
      at += static_cast<std::size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    char buf[1024];
    while (::recv(fd, buf, sizeof buf, 0) > 0) {
    }
    ::close(fd);
  }

  std::string script_;
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
};

ImapOptions Quick() {
  ImapOptions options;
  options.timeout = std::chrono::seconds(5);
  return options;
}

// libetpan copied a capability list it did not have: a segfault, the whole server down.
TEST(ImapScriptedServerTest, CapabilityOkWithoutAnyCapabilityConnectsWithoutIdle) {
  ScriptedImapServer server("* OK ready\r\n1 OK LOGIN done\r\n2 OK no capabilities\r\n");
  auto client = ImapClient::Connect(server.Settings(), Quick());
  ASSERT_TRUE(client.ok()) << client.error().message;
  EXPECT_FALSE((*client)->SupportsIdle());
}

TEST(ImapScriptedServerTest, CapabilitiesNamedInTheReplyStillCount) {
  ScriptedImapServer server(
      "* OK ready\r\n1 OK LOGIN done\r\n* CAPABILITY IMAP4rev1 IDLE\r\n2 OK done\r\n");
  auto client = ImapClient::Connect(server.Settings(), Quick());
  ASSERT_TRUE(client.ok()) << client.error().message;
  EXPECT_TRUE((*client)->SupportsIdle());
}

}  // namespace
}  // namespace mailmark::testing
