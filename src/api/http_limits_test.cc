// The server's limits (http_limits.h) against raw sockets: header size and count, deadlines
// for headers and for bodies that stop moving (but not for slow ones that move), connections
// per address (the peer's, or the forwarded one behind a trusted proxy), bounded drains, JSON
// nesting, HEAD and Expect: 100-continue.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "api/api_test_fixture.h"

namespace mailmark {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// A blocking client socket from `from` to the test server.
class Raw {
 public:
  Raw(int port, const std::string& from = "127.0.0.1") {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, from.c_str(), &local.sin_addr);
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
    ok_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0 &&
          ::connect(fd_, reinterpret_cast<sockaddr*>(&remote), sizeof remote) == 0;
  }
  ~Raw() { ::close(fd_); }
  Raw(const Raw&) = delete;
  Raw& operator=(const Raw&) = delete;

  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  // Reads until the server closes or `wait` passes without a byte; what arrived.
  std::string Receive(std::chrono::milliseconds wait = 5000ms) {
    std::string out;
    char buf[16384];
    while (true) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) {
        timed_out_ = true;
        return out;
      }
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        return out;
      }
      out.append(buf, static_cast<std::size_t>(n));
      if (until_ && out.find(*until_) != std::string::npos) return out;
    }
  }
  // Reads until `marker` arrives (or the server closes, or `wait` passes).
  std::string ReceiveUntil(const std::string& marker, std::chrono::milliseconds wait = 5000ms) {
    until_ = marker;
    std::string out = Receive(wait);
    until_.reset();
    return out;
  }
  bool ok() const { return ok_; }
  bool closed() const { return closed_; }
  bool timed_out() const { return timed_out_; }

 private:
  int fd_ = -1;
  bool ok_ = false;
  bool closed_ = false;
  bool timed_out_ = false;
  std::optional<std::string> until_;
};

int StatusOf(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return 0;
  return std::stoi(response.substr(9, 3));
}

std::string PostHead(const std::string& path, const std::string& token, const std::string& type,
                     std::size_t length, const std::string& extra = "") {
  return "POST " + path + " HTTP/1.1\r\nHost: x\r\n" +
         (token.empty() ? "" : "Authorization: Bearer " + token + "\r\n") +
         "Content-Type: " + type + "\r\nContent-Length: " + std::to_string(length) + "\r\n" +
         extra + "\r\n";
}

class HttpLimitsTest : public ApiTest {
 protected:
  HttpLimitsTest() {
    options_.http.max_header_bytes = 4096;
    options_.http.max_header_fields = 20;
    options_.http.header_timeout = 400ms;
    options_.http.body_idle_timeout = 600ms;
    options_.http.body_progress_bytes = 1024;
    options_.http.max_connections_per_address = 4;
    options_.http.max_drain_bytes = 8 * 1024;
  }
  int port() const { return server_->port(); }
  std::string ImportPath() {
    if (sequence_.empty()) sequence_ = CreateSequence(alice_, CreateMailbox(alice_));
    return "/api/sequences/" + sequence_ + "/enrollments/import";
  }
  std::string sequence_;
};

TEST_F(HttpLimitsTest, HeadersOverTheirSizeOrCountAre431) {
  Raw big(port());
  big.Send("GET /api/health HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(5000, 'p') + "\r\n\r\n");
  std::string a = big.Receive();
  EXPECT_EQ(StatusOf(a), 431) << a;
  EXPECT_NE(a.find("headers_too_large"), std::string::npos);
  EXPECT_TRUE(big.closed());

  std::string many = "GET /api/health HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 25; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  Raw count(port());
  count.Send(many + "\r\n");
  std::string b = count.Receive();
  EXPECT_EQ(StatusOf(b), 431) << b;
  EXPECT_NE(b.find("too_many_headers"), std::string::npos);
  EXPECT_EQ(Get("/api/health", "").status, 200);
}

TEST_F(HttpLimitsTest, HeadersThatDoNotCompleteInTimeCloseTheConnection) {
  Raw slow(port());
  ASSERT_TRUE(slow.Send("GET /api/heal"));
  auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(200ms);
  slow.Send("t");  // still moving, but the header deadline is total
  std::string got = slow.Receive(10'000ms);
  EXPECT_TRUE(slow.closed()) << "closed by the server, not left open";
  EXPECT_EQ(got, "");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  // An idle kept-alive connection goes the same way after its answer.
  Raw idle(port());
  idle.Send("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(StatusOf(idle.ReceiveUntil("\"ok\"}")), 200);
  idle.Receive(10'000ms);
  EXPECT_TRUE(idle.closed());
}

TEST_F(HttpLimitsTest, ASlowBodyThatKeepsMovingIsTakenOneThatStallsIsCutOff) {
  std::string path = ImportPath();
  std::string csv = "email\n";
  for (int i = 0; i < 400; ++i) csv += "user" + std::to_string(1000 + i) + "@example.com\n";
  // ~9.6 KB over about 2.4 s: four times the idle timeout, 2 KB at a time.
  Raw moving(port());
  moving.Send(PostHead(path, alice_, "text/csv", csv.size()));
  for (std::size_t at = 0; at < csv.size(); at += 2048) {
    std::this_thread::sleep_for(250ms);
    ASSERT_TRUE(moving.Send(std::string_view(csv).substr(at, 2048)));
  }
  std::string a = moving.ReceiveUntil("errorsTruncated");
  EXPECT_EQ(StatusOf(a), 200) << a;
  EXPECT_NE(a.find("\"enrolled\":400"), std::string::npos) << a;

  // A few bytes now and then is not progress.
  Raw stalled(port());
  stalled.Send(PostHead(path, alice_, "text/csv", 100000) + "email\n");
  bool cut = false;
  for (int i = 0; i < 40 && !cut; ++i) {
    std::this_thread::sleep_for(100ms);
    cut = !stalled.Send("x@y.co\n");
  }
  stalled.Receive(5000ms);
  EXPECT_TRUE(cut || stalled.closed());
  EXPECT_EQ(Counts(sequence_)["active"], 400);
}

TEST_F(HttpLimitsTest, OneAddressHoldsAtMostItsShareOfConnections) {
  std::vector<std::unique_ptr<Raw>> held;
  for (int i = 0; i < 4; ++i) held.push_back(std::make_unique<Raw>(port(), "127.0.0.9"));
  // Wait until the server has them all (each answers a request).
  for (auto& r : held) {
    r->Send("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(StatusOf(r->ReceiveUntil("\"ok\"}")), 200);
  }
  Raw fifth(port(), "127.0.0.9");
  fifth.Send("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(fifth.Receive(), "");
  EXPECT_TRUE(fifth.closed()) << "refused at once";
  Raw other(port(), "127.0.0.10");
  other.Send("GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(StatusOf(other.Receive()), 200) << "another address is not affected";
  held.pop_back();
  bool admitted = false;
  for (int i = 0; i < 50 && !admitted; ++i) {  // the server sees the close soon, not at once
    Raw again(port(), "127.0.0.9");
    again.Send("GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    admitted = StatusOf(again.Receive()) == 200;
    if (!admitted) std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(admitted) << "a closed connection gives its slot back";
}

TEST_F(HttpLimitsTest, BodiesNobodyReadsAreDrainedWithinABound) {
  // Small: drained, and the connection serves the next request.
  Raw small(port());
  small.Send(PostHead("/api/nope", "", "application/json", 1000) + std::string(1000, 'x'));
  small.Send("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string both = small.ReceiveUntil("\"ok\"}");
  EXPECT_EQ(StatusOf(both), 404) << both;
  EXPECT_NE(both.find("route_not_found"), std::string::npos);
  EXPECT_NE(both.find("{\"status\":\"ok\"}"), std::string::npos) << both;
  // Large: answered without reading it all, and the connection closes.
  for (const std::string& path :
       {std::string("/api/nope"), std::string("/u/not-a-token"), std::string("/api/mailboxes")}) {
    Raw big(port());
    big.Send(PostHead(path, "", "application/json", 50 << 20));
    for (int i = 0; i < 4; ++i) big.Send(std::string(8192, 'x'));
    std::string a = big.Receive();
    EXPECT_TRUE(StatusOf(a) == 404 || StatusOf(a) == 401) << path << ": " << a;
    EXPECT_NE(a.find("Connection: close"), std::string::npos) << path;
    EXPECT_TRUE(big.closed()) << path << ": never reads the 50 MB";
  }
}

TEST_F(HttpLimitsTest, DeeplyNestedJsonIsRefusedBeforeParsing) {
  std::string id = CreateSequence(alice_, CreateMailbox(alice_));
  std::string deep(4'000'000, '[');
  Answer a = Send("POST", "/api/sequences/" + id + "/enrollments", alice_, deep);
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.code(), "json_too_deep");
  EXPECT_EQ(a.json["error"]["details"]["maxDepth"], 64);
  std::string fine = "{\"contactEmail\":\"a@b.co\",\"mergeFields\":{}}";
  EXPECT_EQ(Send("POST", "/api/sequences/" + id + "/enrollments", alice_, fine).status, 201);
}

TEST_F(HttpLimitsTest, HeadIsGetWithoutTheBody) {
  Raw head(port());
  head.Send("HEAD /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string a = head.Receive();
  EXPECT_EQ(StatusOf(a), 200) << a;
  EXPECT_NE(a.find("Content-Length: 15"), std::string::npos) << a;  // {"status":"ok"}
  EXPECT_EQ(a.find("{\"status\""), std::string::npos) << a;
}

TEST_F(HttpLimitsTest, ExpectContinueIsAnsweredBeforeTheBodyIsRead) {
  std::string path = ImportPath();
  std::string csv = "email\nann@example.com\n";
  Raw r(port());
  r.Send(PostHead(path, alice_, "text/csv", csv.size(), "Expect: 100-continue\r\n"));
  EXPECT_EQ(StatusOf(r.ReceiveUntil("\r\n\r\n")), 100);
  r.Send(csv);
  std::string a = r.ReceiveUntil("errorsTruncated");
  EXPECT_EQ(StatusOf(a), 200) << a;
  // Refused without the body: no 100, the answer, and the client need not send it.
  Raw refused(port());
  refused.Send(PostHead(path, "", "text/csv", csv.size(), "Expect: 100-continue\r\n"));
  std::string b = refused.Receive();
  EXPECT_EQ(StatusOf(b), 401) << b;
}

class TrustedProxyTest : public HttpLimitsTest {
 protected:
  TrustedProxyTest() {
    options_.http.max_connections_per_address = 2;
    options_.trusted_proxies = *TrustedProxies::Parse("127.0.0.1");
  }
};

TEST_F(TrustedProxyTest, LimitsCountTheForwardedClientNotTheProxy) {
  auto request = [](const std::string& client) {
    return "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 6.6.6.6, " + client +
           "\r\n\r\n";
  };
  std::vector<std::unique_ptr<Raw>> open;
  for (int i = 0; i < 2; ++i) {
    open.push_back(std::make_unique<Raw>(port()));
    open.back()->Send(request("198.51.100.1"));
    EXPECT_EQ(StatusOf(open.back()->ReceiveUntil("\"ok\"}")), 200);
  }
  Raw third(port());
  third.Send(request("198.51.100.1"));
  std::string a = third.Receive();
  EXPECT_EQ(StatusOf(a), 429) << a;
  EXPECT_NE(a.find("too_many_connections"), std::string::npos);
  Raw another(port());
  another.Send(request("198.51.100.2"));
  EXPECT_EQ(StatusOf(another.ReceiveUntil("\"ok\"}")), 200) << "one client, not the proxy";
  // A peer that is no trusted proxy cannot pick its address.
  for (int i = 0; i < 2; ++i) {
    open.push_back(std::make_unique<Raw>(port(), "127.0.0.5"));
    open.back()->Send(request("198.51.100.3"));
    EXPECT_EQ(StatusOf(open.back()->ReceiveUntil("\"ok\"}")), 200);
  }
  Raw spoofed(port(), "127.0.0.5");
  spoofed.Send(request("198.51.100.4"));
  EXPECT_EQ(spoofed.Receive(), "");
  EXPECT_TRUE(spoofed.closed());
}

}  // namespace
}  // namespace mailmark
