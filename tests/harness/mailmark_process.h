// Runs the real `mailmark serve` binary for a test: a free port, a temp data folder, the
// first-run admin token read from its output, and stop by PID (SIGTERM, or SIGKILL to crash).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace mailmark::testing {

// A port nobody listens on right now (bind to 0, read it back, close).
int FreePort();

struct HttpAnswer {
  int status = 0;  // 0: no answer
  std::string body;
  nlohmann::json json;  // parsed body when it is JSON, else null
  std::string content_type;
};

class MailmarkProcess {
 public:
  MailmarkProcess(std::filesystem::path data_dir, std::map<std::string, std::string> env = {});
  ~MailmarkProcess();

  // Starts the server and waits (up to 60 s) until GET /api/health answers. The first start
  // on an empty data folder captures the admin token it writes to admin-password.txt.
  void Start();
  // Spawns the server without waiting for it (to crash it while it is still starting up);
  // Start() may follow to launch it again and wait.
  void Launch();
  void Stop();  // SIGTERM, wait for exit; returns when the process is gone
  void Kill();  // SIGKILL: a crash
  int ExitCode() const { return exit_code_; }
  bool Running() const { return pid_ > 0; }

  int port() const { return port_; }
  const std::string& admin_token() const { return admin_token_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  std::string Output() const;  // what it printed so far (stdout and stderr)

  // Runs `mailmark ARGS --data-dir DIR` to completion; returns its stdout.
  std::string RunCommand(const std::vector<std::string>& args, int* exit_code = nullptr) const;

  HttpAnswer Get(const std::string& path, const std::string& token) const;
  HttpAnswer Post(const std::string& path, const std::string& token,
                  const nlohmann::json& body) const;
  HttpAnswer PostRaw(const std::string& path, const std::string& token, const std::string& body,
                     const std::string& content_type) const;
  HttpAnswer Patch(const std::string& path, const std::string& token,
                   const nlohmann::json& body) const;
  HttpAnswer Delete(const std::string& path, const std::string& token) const;

 private:
  HttpAnswer Send(const std::string& method, const std::string& path, const std::string& token,
                  const std::string& body, const std::string& content_type) const;
  void Reap(int options);

  std::filesystem::path data_dir_;
  std::map<std::string, std::string> env_;
  std::filesystem::path log_file_;
  int port_ = 0;
  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::string admin_token_;
};

// Polls `condition` every 10 ms for up to `seconds` (generous: a slow machine must not fail a
// test that would pass given time); returns whether it became true.
bool Eventually(const std::function<bool()>& condition, double seconds = 60);

}  // namespace mailmark::testing
