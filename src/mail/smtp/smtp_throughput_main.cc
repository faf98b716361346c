// Not a test: how fast SmtpTransport sends to Postfix's smtp-sink, next to smtp-source (the
// same sink's own load generator, reused connections) as the ceiling.
//   smtp_throughput [messages=20000] [connections=4] [size=2000]
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "harness/smtp_sink.h"
#include "mail/smtp/smtp_transport.h"

namespace {

using Clock = std::chrono::steady_clock;

// CPU time (user + system) this process has used so far.
double CpuSeconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec +
         u.ru_stime.tv_usec / 1e6;
}

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::vector<mailmark::OutgoingMessage> MakeMessages(int count, std::size_t size) {
  std::vector<mailmark::OutgoingMessage> out;
  out.reserve(count);
  for (int i = 0; i < count; ++i) {
    std::string id = "<m" + std::to_string(i) + "@x.test>";
    std::string raw = "From: <sales@x.test>\r\nTo: <u" + std::to_string(i) +
                      "@y.test>\r\nSubject: t\r\nMessage-ID: " + id + "\r\n\r\n";
    while (raw.size() + 80 < size) raw += std::string(76, 'x') + "\r\n";
    out.push_back({id, "bounces@x.test", "u" + std::to_string(i) + "@y.test", raw});
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int count = argc > 1 ? std::atoi(argv[1]) : 20000;
  std::size_t connections = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 4;
  std::size_t size = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 2000;
  if (auto missing = mailmark::testing::SmtpSink::Missing()) {
    std::fprintf(stderr, "%s\n", missing->c_str());
    return 2;
  }
  mailmark::testing::SmtpSink sink;
  auto messages = MakeMessages(count, size);

  mailmark::SmtpSettings settings;
  settings.host = "127.0.0.1";
  settings.port = sink.port();
  settings.tls = mailmark::TlsMode::kNone;
  mailmark::SmtpOptions options;
  options.connections = connections;
  double transport_rate = 0;
  {
    mailmark::SmtpTransport transport(settings, options);
    // Batches of 500, as a scheduler would hand them over.
    auto start = Clock::now();
    double cpu_start = CpuSeconds();
    std::size_t sent = 0;
    for (std::size_t i = 0; i < messages.size(); i += 500) {
      std::size_t n = std::min<std::size_t>(500, messages.size() - i);
      for (const auto& r : transport.SendBatch(std::span(messages).subspan(i, n))) {
        sent += r.status == mailmark::SendStatus::kSent ? 1 : 0;
      }
    }
    double secs = Seconds(start);
    transport_rate = sent / secs;
    std::printf("SmtpTransport: %zu/%d sent in %.2f s over %llu connections: %.0f msg/s\n", sent,
                count, secs, static_cast<unsigned long long>(transport.connections_opened()),
                transport_rate);
    std::printf("SmtpTransport CPU: %.1f us per message (client side only)\n",
                (CpuSeconds() - cpu_start) * 1e6 / std::max<std::size_t>(sent, 1));
  }

  std::string cmd = "/usr/sbin/smtp-source -d -s 20 -l " + std::to_string(size) + " -m " +
                    std::to_string(count) + " 127.0.0.1:" + std::to_string(sink.port());
  auto start = Clock::now();
  int rc = std::system(cmd.c_str());
  double secs = Seconds(start);
  double ceiling = count / secs;
  std::printf("smtp-source -d -s 20: %d msgs in %.2f s (exit %d): %.0f msg/s\n", count, secs,
              WEXITSTATUS(rc), ceiling);
  std::printf("ratio SmtpTransport / smtp-source: %.2f\n", transport_rate / ceiling);
  return 0;
}
