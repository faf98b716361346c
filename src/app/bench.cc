// `mailmark bench`: the outbox path measured end to end, next to a baseline from the same run.
//
// It serves the real API in-process, imports a CSV of N contacts into a three-email sequence
// with 1 ms delays, lets the scheduler run it to completion into the outbox, and prints:
// contacts enrolled/s, emails sent/s, lateness (sent time minus due time) p50/p99, peak RSS.
// The baseline is the disk's own ceiling for what the outbox must do per email: write a file
// of the same size to tmp/, fsync it, rename it into new/ (one directory fsync per batch).
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <httplib.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "api/credentials.h"
#include "api/server.h"
#include "app/commands.h"
#include "app/open_store.h"
#include "core/ids.h"
#include "engine/scheduler.h"
#include "engine/transport_provider.h"

namespace mailmark {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

double Seconds(SteadyClock::duration d) { return std::chrono::duration<double>(d).count(); }

// CPU time (user + system) of the whole process so far, in seconds.
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

long PeakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

std::string GenerateCsv(std::size_t contacts) {
  std::string csv = "email,firstName,company\r\n";
  csv.reserve(contacts * 48);
  for (std::size_t i = 0; i < contacts; ++i)
    csv += "contact" + std::to_string(i) + "@bench.example,Name" + std::to_string(i) +
           ",\"Company, Inc. " + std::to_string(i % 1000) + "\"\r\n";
  return csv;
}

// Files per second for the outbox's durable write pattern, batches of `batch`.
double DurableWriteBaseline(const fs::path& dir, std::size_t files, std::size_t bytes,
                            std::size_t batch) {
  fs::create_directories(dir / "tmp");
  fs::create_directories(dir / "new");
  std::string body(bytes, 'x');
  auto start = SteadyClock::now();
  for (std::size_t done = 0; done < files;) {
    std::size_t n = std::min(batch, files - done);
    for (std::size_t i = 0; i < n; ++i) {
      std::string name = "m" + std::to_string(done + i) + ".eml";
      std::string tmp = (dir / "tmp" / name).string();
      int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd < 0 || ::write(fd, body.data(), body.size()) != static_cast<ssize_t>(body.size()) ||
          ::fsync(fd) != 0) {
        spdlog::error("baseline write failed");
        return 0;
      }
      ::close(fd);
      fs::rename(tmp, dir / "new" / name);
    }
    int dfd = ::open((dir / "new").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
    done += n;
  }
  return static_cast<double>(files) / Seconds(SteadyClock::now() - start);
}

Duration Percentile(std::vector<Duration>& v, double p) {
  if (v.empty()) return Duration{0};
  std::size_t k =
      std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

int RunBench(const Config& base_config, const BenchOptions& options) {
  Config config = base_config;
  fs::path scratch = fs::temp_directory_path() / ("mailmark-bench-" + RandomHex(4));
  config.data_dir = scratch / "data";
  config.db.clear();
  auto opened = OpenConfiguredStore(config);
  if (!opened) {
    spdlog::error("{}", opened.error().message);
    return 1;
  }
  Store& store = **opened;
  SystemClock clock;
  auto user = store.CreateUser("bench", "", clock.Now());
  std::string token = NewToken();
  if (!user || !store.AddCredential(user->id, HashToken(token), "api", std::nullopt, clock.Now())) {
    spdlog::error("cannot create the bench user");
    return 1;
  }

  MailboxTransports transports(config.data_dir, SmtpPoolOptions{config.smtp_connections});
  SchedulerOptions sched_options;
  sched_options.workers = config.workers;
  sched_options.batch_size = config.batch_size;
  sched_options.runner.unsubscribe_secret = store.GetOrCreateSecret("unsubscribe").value();
  sched_options.keep_lateness_samples = true;
  Scheduler scheduler(store, clock, transports, sched_options);
  ApiServer api(ApiContext{store, clock, [&] { scheduler.Wake(); },
                           [&](const Id& m) { return OutboxDir(config.data_dir, m); },
                           ApiOptions{}});
  if (auto st = api.Bind("127.0.0.1", 0); !st) {
    spdlog::error("{}", st.error().message);
    return 1;
  }
  std::thread server([&] { api.Run(); });
  httplib::Client http("127.0.0.1", api.port());
  http.set_read_timeout(600, 0);
  http.set_write_timeout(600, 0);
  httplib::Headers auth{{"Authorization", "Bearer " + token}};

  auto post = [&](const std::string& path, const nlohmann::json& body) {
    auto res = http.Post(path, auth, body.dump(), "application/json");
    if (!res || res->status >= 300) {
      spdlog::error("POST {} failed: {}", path, res ? res->body : "no answer");
      return nlohmann::json();
    }
    return nlohmann::json::parse(res->body);
  };
  nlohmann::json transport = {{"type", "outbox"}};
  if (!options.smtp.empty()) {
    auto target = ParseListen(options.smtp);
    if (!target) {
      spdlog::error("--smtp: {}", target.error().message);
      return 2;
    }
    transport = {{"type", "smtp"}, {"host", target->host}, {"port", target->port}, {"tls", "none"}};
  }
  auto mailbox = post("/api/mailboxes", {{"name", "Bench"},
                                         {"fromName", "Bench Sender"},
                                         {"fromEmail", "sender@bench.example"},
                                         {"transport", transport}});
  auto sequence = post(
      "/api/mailboxes/" + mailbox.value("id", "") + "/sequences",
      {{"name", "Three emails"},
       {"steps",
        {{{"type", "send_email"},
          {"subject", "Hello {{firstName}}"},
          {"html", "<p>Hi {{firstName}} at {{company}}</p>"}},
         {{"type", "delay"}, {"delayMs", 1}},
         {{"type", "send_email"}, {"subject", ""}, {"html", "<p>Following up, {{firstName}}</p>"}},
         {{"type", "delay"}, {"delayMs", 1}},
         {{"type", "send_email"}, {"subject", ""}, {"html", "<p>Last note, {{firstName}}</p>"}}}}});
  if (!sequence.contains("id")) return 1;
  std::string seq_id = sequence["id"];

  std::string csv = options.csv.empty() ? GenerateCsv(options.contacts) : [&] {
    std::ifstream in(options.csv);
    std::stringstream buf;
    buf << in.rdbuf();
    return buf.str();
  }();

  scheduler.Start();
  auto start = SteadyClock::now();
  const double cpu_start = CpuSeconds();
  auto res = http.Post("/api/sequences/" + seq_id + "/enrollments/import", auth, csv, "text/csv");
  auto imported = SteadyClock::now();
  if (!res || res->status != 200) {
    spdlog::error("import failed: {}", res ? res->body : "no answer");
    return 1;
  }
  auto answer = nlohmann::json::parse(res->body);
  std::int64_t enrolled = answer.value("enrolled", 0);

  // Counting the sequence's enrollments costs the database a scan, so it is asked only once
  // the scheduler's own counter says every email went out (or once a second, in case some
  // never do): polling it every few milliseconds would itself show in the figures.
  const std::uint64_t expected_emails = 3 * static_cast<std::uint64_t>(enrolled);
  for (auto last_count = SteadyClock::now();;
       std::this_thread::sleep_for(std::chrono::milliseconds(5))) {
    const bool all_sent = scheduler.stats().sent >= expected_emails;
    if (!all_sent && SteadyClock::now() - last_count < std::chrono::seconds(1)) continue;
    last_count = SteadyClock::now();
    if (store.CountEnrollments(seq_id).completed >= enrolled) break;
  }
  auto finished = SteadyClock::now();
  const double cpu_used = CpuSeconds() - cpu_start;
  scheduler.Stop();
  api.Stop();
  server.join();

  SchedulerStats stats = scheduler.stats();
  std::vector<Duration> lateness = scheduler.TakeLatenessSamples();
  Duration p50 = Percentile(lateness, 0.50);
  Duration p99 = Percentile(lateness, 0.99);
  double send_rate = static_cast<double>(stats.sent) / Seconds(finished - start);
  std::printf("mailmark bench: %s, %lld contacts, 3 emails each (1 ms delays)\n",
              options.smtp.empty() ? "outbox" : ("SMTP to " + options.smtp).c_str(),
              static_cast<long long>(enrolled));
  std::printf("  machine:                %u cores\n", std::thread::hardware_concurrency());
  std::printf("  import (CSV over HTTP): %.2f s, %.0f contacts enrolled/s\n",
              Seconds(imported - start), static_cast<double>(enrolled) / Seconds(imported - start));
  std::printf("  run to completion:      %.2f s, %llu emails\n", Seconds(finished - start),
              static_cast<unsigned long long>(stats.sent));
  std::printf("  emails/s:               %.0f\n", send_rate);
  std::printf("  lateness:               p50 %lld ms, p99 %lld ms\n",
              static_cast<long long>(p50.count()), static_cast<long long>(p99.count()));
  // Import included: the same process parsed the CSV and wrote the enrollments.
  std::printf("  CPU:                    %.0f us per email (whole process, user + system)\n",
              cpu_used * 1e6 / static_cast<double>(std::max<std::uint64_t>(stats.sent, 1)));
  std::printf("  peak RSS:               %ld MiB\n", PeakRssMiB());
  if (options.smtp.empty()) {
    // The outbox's own ceiling on this disk: the same number of same-size durable writes.
    std::size_t sample_bytes = 0;
    for (const auto& e :
         fs::directory_iterator(OutboxDir(config.data_dir, mailbox["id"]) / "new")) {
      sample_bytes = e.file_size();
      break;
    }
    double baseline =
        DurableWriteBaseline(scratch / "baseline", stats.sent, sample_bytes, config.batch_size);
    std::printf(
        "  baseline (same disk):   %.0f durable %zu-byte file writes/s (tmp+fsync+rename)\n",
        baseline, sample_bytes);
    std::printf("  ratio:                  %.2f of the baseline\n", send_rate / baseline);
  }
  std::error_code ec;
  fs::remove_all(scratch, ec);
  return stats.sent == static_cast<std::uint64_t>(enrolled) * 3 ? 0 : 1;
}

}  // namespace mailmark
