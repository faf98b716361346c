#include "harness/smtp_sink.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace mailmark::testing {
namespace {

constexpr const char* kSmtpSink = "/usr/sbin/smtp-sink";

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

template <typename Condition>
bool WaitFor(Condition condition, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return condition();
}

// "X-Mail-Args: FROM:<a@b>" → "FROM:<a@b>" when the line starts with `name`.
std::optional<std::string> HeaderValue(const std::string& line, const std::string& name) {
  if (line.rfind(name + ": ", 0) != 0) return std::nullopt;
  return line.substr(name.size() + 2);
}

SinkMessage ParseDump(const std::string& text) {
  SinkMessage m;
  std::size_t pos = 0;
  bool in_received = false;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    bool folded = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    if (in_received && !folded) break;  // the Received header closes smtp-sink's own headers
    pos = end + 1;
    if (auto v = HeaderValue(line, "X-Mail-Args")) m.mail_from = *v;
    if (auto v = HeaderValue(line, "X-Rcpt-Args")) m.rcpt_args.push_back(*v);
    if (line.rfind("Received:", 0) == 0) in_received = true;
  }
  m.data = pos < text.size() ? text.substr(pos) : "";
  // smtp-sink ends each dump with an empty line of its own.
  if (m.data.size() >= 1 && m.data.back() == '\n') m.data.pop_back();
  return m;
}

}  // namespace

int UnusedLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  if (port == 0) throw std::runtime_error("no free loopback port");
  return port;
}

bool IsListeningOnLoopback(int port) {
  // Lines look like "  0: 0100007F:1F90 00000000:0000 0A ...": local address, remote, state
  // (0A = LISTEN). Accept 127.0.0.1 and 0.0.0.0.
  char wanted_loop[32];
  char wanted_any[32];
  std::snprintf(wanted_loop, sizeof wanted_loop, "0100007F:%04X", port);
  std::snprintf(wanted_any, sizeof wanted_any, "00000000:%04X", port);
  std::ifstream in("/proc/net/tcp");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    if ((local == wanted_loop || local == wanted_any) && state == "0A") return true;
  }
  return false;
}

void ChildProcess::Start(const std::vector<std::string>& argv,
                         const std::filesystem::path& log_file) {
  Stop();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  pid_ = pid;
}

bool ChildProcess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) pid_ = -1;
  return pid_ > 0;
}

void ChildProcess::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  if (!WaitFor([&] { return !Running(); }, std::chrono::seconds(5))) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
}

std::optional<std::string> SmtpSink::Missing() {
  if (::access(kSmtpSink, X_OK) != 0) {
    return std::string(kSmtpSink) + " not found: install the `postfix` package";
  }
  return std::nullopt;
}

SmtpSink::SmtpSink(SmtpSinkOptions options) : dir_(std::make_unique<TempDir>("mm-smtp-sink")) {
  // As root smtp-sink runs as `nobody`, which must reach the dump folder.
  std::filesystem::permissions(dir_->path(), std::filesystem::perms(0755));
  dump_dir_ = dir_->path() / "dump";
  std::filesystem::create_directory(dump_dir_);
  std::filesystem::permissions(dump_dir_, std::filesystem::perms(0777));
  // A port picked now may be taken before smtp-sink binds it: try a few.
  for (int attempt = 0;; ++attempt) {
    port_ = UnusedLoopbackPort();
    try {
      Launch(options);
      return;
    } catch (const std::runtime_error&) {
      if (attempt == 2) throw;
    }
  }
}

SmtpSink::~SmtpSink() { Stop(); }

void SmtpSink::Stop() { process_.Stop(); }

void SmtpSink::Restart(SmtpSinkOptions options) {
  Stop();
  for (const auto& entry : std::filesystem::directory_iterator(dump_dir_)) {
    std::filesystem::remove_all(entry.path());
  }
  Launch(options);
}

void SmtpSink::Launch(const SmtpSinkOptions& options) {
  std::vector<std::string> argv{kSmtpSink, "-c", "-m", "1000"};
  if (::geteuid() == 0) argv.insert(argv.end(), {"-u", "nobody"});
  if (!options.soft_reject.empty()) argv.insert(argv.end(), {"-r", Join(options.soft_reject)});
  if (!options.hard_reject.empty()) argv.insert(argv.end(), {"-f", Join(options.hard_reject)});
  if (!options.hang_up.empty()) argv.insert(argv.end(), {"-q", Join(options.hang_up)});
  if (!options.delay.empty()) argv.insert(argv.end(), {"-W", options.delay});
  if (options.dump) argv.insert(argv.end(), {"-d", (dump_dir_ / "msg.").string()});
  if (!options.advertise_auth) argv.push_back("-a");
  argv.push_back("127.0.0.1:" + std::to_string(port_));
  argv.push_back("1024");
  auto log = dir_->path() / ("smtp-sink." + std::to_string(++generation_) + ".log");
  process_.Start(argv, log);
  bool up = WaitFor([&] { return !process_.Running() || IsListeningOnLoopback(port_); },
                    std::chrono::seconds(10));
  if (!process_.Running() || !up) {
    process_.Stop();
    throw std::runtime_error("smtp-sink did not start on port " + std::to_string(port_) + ": " +
                             ReadAll(log));
  }
}

SmtpSink::Counters SmtpSink::counters() const {
  // The -c output is a series of "sess=N quit=N mesg=N\r" records; the last complete one
  // counts. Counters restart with each start, so the logs of all starts are added up.
  Counters total;
  for (int g = 1; g <= generation_; ++g) {
    std::string text = ReadAll(dir_->path() / ("smtp-sink." + std::to_string(g) + ".log"));
    std::size_t end = text.rfind('\r');
    if (end == std::string::npos) continue;
    std::size_t begin = text.rfind("sess=", end);
    if (begin == std::string::npos) continue;
    Counters c;
    if (std::sscanf(text.c_str() + begin, "sess=%ld quit=%ld mesg=%ld", &c.sessions, &c.quits,
                    &c.messages) == 3) {
      total.sessions += c.sessions;
      total.quits += c.quits;
      total.messages += c.messages;
    }
  }
  return total;
}

std::vector<SinkMessage> SmtpSink::DumpedMessages() const {
  std::vector<SinkMessage> out;
  for (const auto& entry : std::filesystem::directory_iterator(dump_dir_)) {
    if (entry.is_regular_file()) out.push_back(ParseDump(ReadAll(entry.path())));
  }
  return out;
}

std::size_t SmtpSink::DumpedCount() const {
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dump_dir_)) {
    n += entry.is_regular_file() ? 1 : 0;
  }
  return n;
}

}  // namespace mailmark::testing
