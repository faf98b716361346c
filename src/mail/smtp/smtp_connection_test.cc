// SmtpConnection against servers that misbehave in ways smtp-sink and aiosmtpd cannot: a
// scripted SMTP server on 127.0.0.1 (real sockets, one connection at a time) that sends what
// each test tells it to, byte for byte.
#include "mail/smtp/smtp_connection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

namespace mailmark {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// One accepted connection, as the scripted server sees it.
class Peer {
 public:
  explicit Peer(int fd) : fd_(fd) {
    timeval tv{10, 0};  // the test never waits forever on a client that went quiet
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  }
  ~Peer() { ::close(fd_); }
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  // The next line without its CRLF; nullopt when the client hung up or went quiet.
  std::optional<std::string> ReadLine() {
    for (;;) {
      if (auto lf = buffer_.find("\r\n"); lf != std::string::npos) {
        std::string line = buffer_.substr(0, lf);
        buffer_.erase(0, lf + 2);
        return line;
      }
      char chunk[4096];
      ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }
  // Message content up to the final "." line; false when the client hung up before it.
  bool ReadData() {
    for (auto line = ReadLine(); line; line = ReadLine()) {
      if (*line == ".") return true;
    }
    return false;
  }
  // Sends FIN and waits until the client closes too: nothing unread, so no RST.
  void HangUpGracefully() {
    ::shutdown(fd_, SHUT_WR);
    while (ReadLine()) {
    }
  }

 private:
  int fd_;
  std::string buffer_;
};

// Serves each accepted connection with `script(peer, n)`, n counting from 0.
class ScriptedServer {
 public:
  using Script = std::function<void(Peer&, int)>;
  explicit ScriptedServer(Script script) : script_(std::move(script)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listen_fd_, 8) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::jthread([this](std::stop_token stop) { Serve(stop); });
  }
  ~ScriptedServer() {
    thread_.request_stop();
    thread_.join();
    ::close(listen_fd_);
  }
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  int port() const { return port_; }
  int connections() const { return connections_.load(); }
  int messages() const { return messages_.load(); }
  void CountMessage() { ++messages_; }

 private:
  void Serve(std::stop_token stop) {
    while (!stop.stop_requested()) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      Peer peer(fd);
      script_(peer, connections_++);
    }
  }

  Script script_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::atomic<int> messages_{0};
  std::jthread thread_;
};

SmtpConnectionConfig Config(int port, Duration command_timeout = std::chrono::seconds(10)) {
  SmtpConnectionConfig c;
  c.settings.host = "127.0.0.1";
  c.settings.port = port;
  c.settings.tls = TlsMode::kNone;
  c.connect_timeout = std::chrono::seconds(10);
  c.command_timeout = command_timeout;
  c.helo_name = "client.test";
  return c;
}

OutgoingMessage Message(int i) {
  std::string rcpt = "user" + std::to_string(i) + "@y.test";
  return OutgoingMessage{
      "<m" + std::to_string(i) + "@x.test>", "sales@x.test", rcpt,
      "From: <sales@x.test>\r\nTo: <" + rcpt + ">\r\nSubject: Hi\r\n\r\nHi.\r\n"};
}

// A well-behaved session from EHLO on: every transaction accepted, until the client leaves.
void ServeNormally(ScriptedServer& server, Peer& peer, bool pipelining) {
  for (auto line = peer.ReadLine(); line; line = peer.ReadLine()) {
    if (line->starts_with("EHLO")) {
      peer.Send(pipelining ? "250-scripted\r\n250 PIPELINING\r\n" : "250 scripted\r\n");
    } else if (*line == "DATA") {
      peer.Send("354 go ahead\r\n");
      if (!peer.ReadData()) return;
      server.CountMessage();
      peer.Send("250 2.0.0 Ok: queued\r\n");
    } else if (*line == "QUIT") {
      peer.Send("221 bye\r\n");
      return;
    } else {
      peer.Send("250 ok\r\n");
    }
  }
}

class ScriptedDialogues : public ::testing::TestWithParam<bool> {};
INSTANTIATE_TEST_SUITE_P(SmtpConnection, ScriptedDialogues, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Pipelined" : "OneByOne"; });

// Only 354 lets the content go: a 250 to DATA is a server (or a conversation) gone wrong, and
// the message was never transmitted.
TEST_P(ScriptedDialogues, DataAnsweredWithoutGoAheadIsNotReportedSent) {
  const bool pipelining = GetParam();
  ScriptedServer server([&](Peer& peer, int) {
    peer.Send("220 scripted ESMTP\r\n");
    for (auto line = peer.ReadLine(); line; line = peer.ReadLine()) {
      if (line->starts_with("EHLO")) {
        peer.Send(pipelining ? "250-scripted\r\n250 PIPELINING\r\n" : "250 scripted\r\n");
      } else if (*line == "DATA") {
        peer.Send("250 2.0.0 Ok: queued as FAKE\r\n");
      } else if (*line == "QUIT") {
        return;
      } else {
        peer.Send("250 ok\r\n");
      }
    }
  });
  SmtpConnection connection(Config(server.port()));
  SendOutcome outcome = connection.Send(Message(0));
  EXPECT_EQ(outcome.result.status, SendStatus::kTemporaryFailure) << outcome.result.response;
  EXPECT_THAT(outcome.result.response, HasSubstr("unexpected reply to DATA"));
}

// A server that says one thing too many puts every later reply one command late: the reply to
// RCPT would pass for DATA's, and the message for sent. The stray reply must end the session.
TEST(SmtpConnection, AStrayReplyEndsTheSessionInsteadOfShiftingTheConversation) {
  ScriptedServer server([&](Peer& peer, int) {
    peer.Send("220 scripted ESMTP\r\n250 stray\r\n");
    ServeNormally(server, peer, false);
  });
  SmtpConnection connection(Config(server.port()));
  SendOutcome outcome = connection.Send(Message(0));
  EXPECT_NE(outcome.result.status, SendStatus::kSent) << outcome.result.response;
  EXPECT_THAT(outcome.result.response, HasSubstr("reply nobody asked for"));
  EXPECT_EQ(server.messages(), 0);
}

// The usual way a pooled connection dies: the server says 421 while idle and hangs up. With
// PIPELINING the 421 answers MAIL and the rest of the group goes unanswered; nothing was
// accepted, so the message goes out on a fresh connection.
TEST(SmtpConnection, IdleTimeout421OnAPipelinedReusedConnectionIsRetriedOnce) {
  ScriptedServer server([&](Peer& peer, int n) {
    peer.Send("220 scripted ESMTP\r\n");
    if (n > 0) return ServeNormally(server, peer, true);
    for (auto line = peer.ReadLine(); line; line = peer.ReadLine()) {
      if (line->starts_with("EHLO")) {
        peer.Send("250-scripted\r\n250 PIPELINING\r\n");
      } else if (*line == "DATA") {
        peer.Send("354 go ahead\r\n");
        if (!peer.ReadData()) return;
        server.CountMessage();
        peer.Send("250 2.0.0 Ok: queued\r\n");
        peer.Send("421 4.4.2 scripted Error: timeout exceeded\r\n");
        peer.ReadLine();  // the next group's MAIL: the client is reading now
        return peer.HangUpGracefully();
      } else {
        peer.Send("250 ok\r\n");
      }
    }
  });
  SmtpConnection connection(Config(server.port()));
  SendOutcome first = connection.Send(Message(0));
  ASSERT_EQ(first.result.status, SendStatus::kSent) << first.result.response;
  SendOutcome second = connection.Send(Message(1));
  EXPECT_EQ(second.result.status, SendStatus::kSent) << second.result.response;
  EXPECT_EQ(connection.connects(), 2u);
  EXPECT_EQ(server.messages(), 2);
}

// A reply that never ends, sent as fast as the server can: refused once it is clearly not a
// reply, not read until the timeout (or, with a server that keeps going, forever).
TEST(SmtpConnection, AnEndlessMultilineReplyIsCutShort) {
  ScriptedServer server([&](Peer& peer, int) {
    peer.Send("220 scripted ESMTP\r\n");
    if (!peer.ReadLine()) return;  // EHLO
    std::string lines;
    for (int i = 0; i < 1000; ++i) lines += "250-AN-EXTENSION-THAT-NEVER-ENDS\r\n";
    for (int i = 0; i < 100; ++i) {  // about 3.4 MB, then silence
      if (!peer.Send(lines)) return;
    }
    peer.HangUpGracefully();
  });
  SmtpConnection connection(Config(server.port(), std::chrono::seconds(30)));
  SendOutcome outcome = connection.Send(Message(0));
  EXPECT_EQ(outcome.result.status, SendStatus::kTemporaryFailure);
  EXPECT_THAT(outcome.result.response, HasSubstr("endless reply"));
  EXPECT_THAT(outcome.result.response, Not(HasSubstr("timeout")));
}

// RFC 2920 3.1: DATA may be accepted even though every recipient was refused. The client ends
// that empty transaction with a lone ".", reports the refusal, and keeps the connection.
TEST(SmtpConnection, GoAheadAfterARefusedRecipientSendsNoContentAndKeepsTheConnection) {
  std::string first_data;  // what the client sent after the unwarranted 354
  ScriptedServer server([&](Peer& peer, int) {
    peer.Send("220 scripted ESMTP\r\n");
    bool refuse = true;
    for (auto line = peer.ReadLine(); line; line = peer.ReadLine()) {
      if (line->starts_with("EHLO")) {
        peer.Send("250-scripted\r\n250 PIPELINING\r\n");
      } else if (line->starts_with("RCPT") && refuse) {
        peer.Send("550 5.1.1 <gone@y.test>: Recipient address rejected\r\n");
      } else if (*line == "DATA" && refuse) {
        refuse = false;
        peer.Send("354 go ahead anyway\r\n");
        first_data = peer.ReadLine().value_or("(none)");
        peer.Send("554 5.5.1 Error: no valid recipients\r\n");
      } else if (*line == "DATA") {
        peer.Send("354 go ahead\r\n");
        if (!peer.ReadData()) return;
        server.CountMessage();
        peer.Send("250 2.0.0 Ok: queued\r\n");
      } else if (*line == "QUIT") {
        return;
      } else {
        peer.Send("250 ok\r\n");
      }
    }
  });
  SmtpConnection connection(Config(server.port()));
  SendOutcome refused = connection.Send(Message(0));
  EXPECT_EQ(refused.result.status, SendStatus::kPermanentFailure) << refused.result.response;
  EXPECT_THAT(refused.result.response, HasSubstr("Recipient address rejected"));
  SendOutcome next = connection.Send(Message(1));
  EXPECT_EQ(next.result.status, SendStatus::kSent) << next.result.response;
  EXPECT_EQ(first_data, ".");
  EXPECT_EQ(server.messages(), 1);
  EXPECT_EQ(connection.connects(), 1u);
}

// CVE-2011-0411: bytes after the 220 to STARTTLS were sent in plain text, by anyone on the
// path, and must not be read as the first replies under TLS.
TEST(SmtpConnection, BytesInjectedAfterStartTlsGoAheadEndTheSession) {
  ScriptedServer server([&](Peer& peer, int) {
    peer.Send("220 scripted ESMTP\r\n");
    for (auto line = peer.ReadLine(); line; line = peer.ReadLine()) {
      if (line->starts_with("EHLO")) {
        peer.Send("250-scripted\r\n250 STARTTLS\r\n");
      } else if (*line == "STARTTLS") {
        peer.Send("220 2.0.0 Ready to start TLS\r\n250-injected\r\n250 AUTH PLAIN\r\n");
      }
    }
  });
  SmtpConnectionConfig config = Config(server.port());
  config.settings.tls = TlsMode::kStartTls;
  SmtpConnection connection(config);
  SendOutcome outcome = connection.Send(Message(0));
  EXPECT_EQ(outcome.result.status, SendStatus::kTemporaryFailure);
  EXPECT_THAT(outcome.result.response, HasSubstr("injected before TLS"));
}

// A server that trickles a byte now and then never trips a per-read timeout; the command
// timeout bounds the whole reply.
TEST(SmtpConnection, ATrickledReplyTimesOutAsAWhole) {
  ScriptedServer server([&](Peer& peer, int) {
    const std::string greeting = "220 " + std::string(40, 's') + " ESMTP\r\n";
    for (char c : greeting) {                           // about 5 s for the greeting
      if (!peer.Send(std::string_view(&c, 1))) return;  // the client gave up
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ServeNormally(server, peer, true);
  });
  SmtpConnection connection(Config(server.port(), std::chrono::seconds(1)));
  SendOutcome outcome = connection.Send(Message(0));
  EXPECT_EQ(outcome.result.status, SendStatus::kTemporaryFailure) << outcome.result.response;
  EXPECT_THAT(outcome.result.response, HasSubstr("timeout"));
  EXPECT_EQ(server.messages(), 0);
}

}  // namespace
}  // namespace mailmark
