#include "harness/mailmark_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace mailmark::testing {

#ifndef MAILMARK_BINARY
#error "MAILMARK_BINARY must name the mailmark executable"
#endif

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

bool Eventually(const std::function<bool()>& condition, double seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

MailmarkProcess::MailmarkProcess(std::filesystem::path data_dir,
                                 std::map<std::string, std::string> env)
    : data_dir_(std::move(data_dir)), env_(std::move(env)) {
  log_file_ = data_dir_.parent_path() / (data_dir_.filename().string() + ".log");
}

MailmarkProcess::~MailmarkProcess() {
  if (pid_ > 0) Kill();
}

namespace {

// stdout goes to out_file; stderr too, unless err_file names another file.
pid_t Spawn(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
            const std::filesystem::path& out_file, bool append,
            const std::filesystem::path& err_file = {}) {
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  int flags = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC);
  int fd = ::open(out_file.c_str(), flags, 0644);
  ::dup2(fd, 1);
  ::dup2(err_file.empty() ? fd : ::open(err_file.c_str(), flags, 0644), 2);
  int null = ::open("/dev/null", O_RDONLY);
  ::dup2(null, 0);
  for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(argv[0], argv.data());
  ::_exit(127);
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace

void MailmarkProcess::Launch() {
  port_ = FreePort();
  std::vector<std::string> args{MAILMARK_BINARY, "serve",
                                "--listen",      "127.0.0.1:" + std::to_string(port_),
                                "--data-dir",    data_dir_.string()};
  pid_ = Spawn(args, env_, log_file_, /*append=*/true);
  exit_code_ = -1;
}

void MailmarkProcess::Start() {
  Launch();
  bool up = Eventually([&] {
    Reap(WNOHANG);
    if (pid_ <= 0) return true;
    return Get("/api/health", "").status == 200;
  });
  if (pid_ <= 0) throw std::runtime_error("mailmark serve exited at start:\n" + Output());
  if (!up) throw std::runtime_error("mailmark serve did not answer in time:\n" + Output());
  // The first start writes the admin's password and token to a file, never to its output.
  std::smatch m;
  std::string credentials = ReadFile(data_dir_ / "admin-password.txt");
  static const std::regex kToken("API token: (mm_[A-Za-z0-9_-]+)");
  if (admin_token_.empty() && std::regex_search(credentials, m, kToken)) admin_token_ = m[1];
}

void MailmarkProcess::Reap(int options) {
  if (pid_ <= 0) return;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, options);
  if (r == pid_) {
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    pid_ = -1;
  }
}

void MailmarkProcess::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  Reap(0);
}

void MailmarkProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  Reap(0);
}

std::string MailmarkProcess::Output() const { return ReadFile(log_file_); }

std::string MailmarkProcess::RunCommand(const std::vector<std::string>& args,
                                        int* exit_code) const {
  std::vector<std::string> argv{MAILMARK_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--data-dir");
  argv.push_back(data_dir_.string());
  std::filesystem::path out = log_file_.string() + ".cmd";
  pid_t pid = Spawn(argv, env_, out, false, log_file_.string() + ".cmd.err");
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (exit_code) *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return ReadFile(out);
}

HttpAnswer MailmarkProcess::Send(const std::string& method, const std::string& path,
                                 const std::string& token, const std::string& body,
                                 const std::string& content_type) const {
  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(120, 0);
  client.set_write_timeout(120, 0);
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  httplib::Result res(nullptr, httplib::Error::Unknown);
  if (method == "GET")
    res = client.Get(path, headers);
  else if (method == "POST")
    res = client.Post(path, headers, body, content_type);
  else if (method == "PATCH")
    res = client.Patch(path, headers, body, content_type);
  else if (method == "DELETE")
    res = client.Delete(path, headers);
  HttpAnswer answer;
  if (!res) return answer;
  answer.status = res->status;
  answer.body = res->body;
  answer.content_type = res->get_header_value("Content-Type");
  answer.json = nlohmann::json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  if (answer.json.is_discarded()) answer.json = nullptr;
  return answer;
}

HttpAnswer MailmarkProcess::Get(const std::string& path, const std::string& token) const {
  return Send("GET", path, token, "", "");
}
HttpAnswer MailmarkProcess::Post(const std::string& path, const std::string& token,
                                 const nlohmann::json& body) const {
  return Send("POST", path, token, body.dump(), "application/json");
}
HttpAnswer MailmarkProcess::PostRaw(const std::string& path, const std::string& token,
                                    const std::string& body,
                                    const std::string& content_type) const {
  return Send("POST", path, token, body, content_type);
}
HttpAnswer MailmarkProcess::Patch(const std::string& path, const std::string& token,
                                  const nlohmann::json& body) const {
  return Send("PATCH", path, token, body.dump(), "application/json");
}
HttpAnswer MailmarkProcess::Delete(const std::string& path, const std::string& token) const {
  return Send("DELETE", path, token, "", "");
}

}  // namespace mailmark::testing
