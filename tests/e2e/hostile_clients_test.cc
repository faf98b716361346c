// The HTTP server under hostile clients (issue 11.2): hundreds of connections trickling a
// header byte by byte from one address, and 50 clients from 50 addresses each sending a 10 MB
// upload slowly. Meanwhile a normal client on another address must still get its health check
// and a one-click unsubscribe answered within a second each.
//
// All of 127.0.0.0/8 is loopback on Linux, so each client binds its socket to an address of
// its own there: that is what makes them different clients to the server's per-address limits.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "harness/server_fixture.h"

namespace mailmark::testing {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// A socket bound to `from`, connected (non-blocking afterwards) to 127.0.0.1:port; -1 when
// the connection could not be made.
int Connect(const std::string& from, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  timeval timeout{1, 0};  // a connect that cannot complete must not stall the attack loop
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  ::inet_pton(AF_INET, from.c_str(), &local.sin_addr);
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
    ::close(fd);
    return -1;
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

// Sends what the socket takes now; false when the server closed the connection.
bool SendSome(int fd, std::string_view data, std::size_t* sent) {
  ssize_t n = ::send(fd, data.data() + *sent, data.size() - *sent, MSG_NOSIGNAL);
  if (n > 0) *sent += static_cast<std::size_t>(n);
  return n >= 0 || errno == EAGAIN || errno == EWOULDBLOCK;
}

struct Timed {
  int status = 0;  // 0: no complete answer in time
  double seconds = 0;
  std::string response;
};

// One request from `from` on a fresh connection, waiting at most `limit` for the whole answer
// (the server closes the connection after it: "Connection: close").
Timed Request(const std::string& from, int port, const std::string& request, double limit) {
  Timed t;
  auto start = Clock::now();
  auto deadline = start + std::chrono::duration<double>(limit);
  int fd = Connect(from, port);
  if (fd < 0) return t;
  std::size_t sent = 0;
  while (sent < request.size() && Clock::now() < deadline) {
    if (!SendSome(fd, request, &sent)) break;
    if (sent < request.size()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  char buf[8192];
  while (Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (::poll(&p, 1, static_cast<int>(std::max<long>(1, left.count()))) <= 0) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    t.response.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  t.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  // A complete answer: the status line, and the connection closed by the server in time.
  if (t.seconds < limit && t.response.rfind("HTTP/1.1 ", 0) == 0 && t.response.size() > 12) {
    t.status = std::stoi(t.response.substr(9, 3));
  }
  return t;
}

class HostileClients : public ServerFixture {
 protected:
  // The unsubscribe link of the one message a fresh enrollment gets, as a path (/u/…).
  std::string UnsubscribePath(std::string* enrollment_id) {
    std::string mailbox = CreateMailbox(token());
    json seq = CreateSequence(
        token(), mailbox,
        {SendStep("Hello", "<p>x</p>"), DelayStep(3'600'000), SendStep("", "<p>never</p>")});
    HttpAnswer enrolled = Enroll(token(), seq["id"], "alice@acme.test");
    EXPECT_EQ(enrolled.status, 201);
    *enrollment_id = enrolled.json.value("id", "");
    EXPECT_TRUE(WaitForOutbox(mailbox, 1));
    for (const char* sub : {"new", "cur"}) {
      std::error_code ec;
      for (const auto& f :
           fs::directory_iterator(server().data_dir() / "outbox" / mailbox / sub, ec)) {
        std::ifstream in(f.path(), std::ios::binary);
        std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::size_t header = raw.find("List-Unsubscribe: <");
        if (header == std::string::npos) continue;
        std::size_t start = raw.find("/u/", header);
        std::size_t end = raw.find('>', header);
        if (start < end && end != std::string::npos) return raw.substr(start, end - start);
      }
    }
    ADD_FAILURE() << "no List-Unsubscribe link in the outbox";
    return "/u/none";
  }
};

TEST_F(HostileClients, SlowClientsDoNotStopOthersBeingAnswered) {
  const int port = server().port();
  std::string enrollment;
  const std::string unsubscribe = UnsubscribePath(&enrollment);
  json seq = CreateSequence(token(), CreateMailbox(token(), "Uploads"),
                            json::array({SendStep("Hello", "<p>x</p>")}));
  const std::string import_path =
      "/api/sequences/" + seq["id"].get<std::string>() + "/enrollments/import";

  std::atomic<bool> stop{false};
  // 500 connections from 127.0.0.1, each sending its request one byte every 2 s; one the
  // server closes is opened again, so the pressure lasts.
  std::thread trickle([&] {
    const std::string request =
        "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(4000, 'p') + "\r\n\r\n";
    struct Slow {
      int fd = -1;
      std::size_t sent = 0;
    };
    std::vector<Slow> conns(500);
    while (!stop) {
      for (Slow& c : conns) {
        if (stop) break;
        if (c.fd < 0) {
          c.fd = Connect("127.0.0.1", port);
          c.sent = 0;
          continue;
        }
        std::string_view one(request.data(), std::min(request.size(), c.sent + 1));
        if (!SendSome(c.fd, one, &c.sent) || c.sent >= request.size()) {
          ::close(c.fd);
          c.fd = -1;
        }
      }
      for (int i = 0; i < 20 && !stop; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    for (Slow& c : conns)
      if (c.fd >= 0) ::close(c.fd);
  });
  // 50 clients, each from an address of its own, uploading a declared 10 MB CSV at 32 KB/s,
  // with a real token: the server has to take their bodies.
  std::thread uploads([&] {
    const std::size_t kBody = 10 << 20;
    std::string head = "POST " + import_path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                       token() +
                       "\r\nContent-Type: text/csv\r\nContent-Length: " + std::to_string(kBody) +
                       "\r\n\r\nemail\n";
    std::string chunk;
    while (chunk.size() < 8192) chunk += "not an address\n";
    struct Upload {
      int fd = -1;
      std::size_t body = 0;
    };
    std::vector<Upload> conns(50);
    for (std::size_t i = 0; i < conns.size(); ++i) {
      conns[i].fd = Connect("127.0.1." + std::to_string(i + 1), port);
      std::size_t sent = 0;
      if (conns[i].fd >= 0) SendSome(conns[i].fd, head, &sent);
    }
    while (!stop) {
      for (Upload& u : conns) {
        if (u.fd < 0 || u.body >= kBody) continue;
        std::size_t sent = 0;
        if (!SendSome(u.fd, chunk, &sent)) {
          ::close(u.fd);
          u.fd = -1;
        }
        u.body += sent;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    for (Upload& u : conns)
      if (u.fd >= 0) ::close(u.fd);
  });

  std::this_thread::sleep_for(std::chrono::seconds(3));  // every attacker connected and busy
  const std::string health = "GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  const std::string body = "List-Unsubscribe=One-Click";
  const std::string one_click = "POST " + unsubscribe +
                                " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                "Content-Type: application/x-www-form-urlencoded\r\n"
                                "Content-Length: " +
                                std::to_string(body.size()) + "\r\n\r\n" + body;
  for (int round = 0; round < 8; ++round) {
    Timed h = Request("127.0.0.2", port, health, 1.0);
    EXPECT_EQ(h.status, 200) << "round " << round << ": health after " << h.seconds << " s";
    Timed u = Request("127.0.0.2", port, one_click, 1.0);
    EXPECT_EQ(u.status, 200) << "round " << round << ": unsubscribe after " << u.seconds << " s";
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  stop = true;
  trickle.join();
  uploads.join();

  // The one-click POST did its work, and the server serves everyone normally again.
  // 127.0.0.1 gets its connection slots back as the server sees the attackers' sockets close.
  EXPECT_TRUE(Eventually([&] { return server().Get("/api/health", "").status == 200; }, 10));
  json e = Enrollment(token(), enrollment);
  EXPECT_EQ(e["status"], "cancelled");
  EXPECT_EQ(e["statusReason"], "unsubscribed");
}

}  // namespace
}  // namespace mailmark::testing
