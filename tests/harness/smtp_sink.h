// Postfix's `smtp-sink` as a test server: a fast SMTP sink on 127.0.0.1 with built-in fault
// injection (4xx, 5xx or a hang-up on chosen commands). Each instance gets its own port and
// temp folder and is stopped by PID. Also home to the small process helpers the other sink
// harnesses share.
#pragma once

#include <sys/types.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/temp_dir.h"

// Skips the test when `missing` (an std::optional<std::string> reason) is set, except in CI
// (the CI environment variable is set), where a missing tool fails the test instead.
#ifndef MM_SKIP_OR_FAIL_IF_MISSING
#define MM_SKIP_OR_FAIL_IF_MISSING(missing)                    \
  do {                                                         \
    if (auto mm_missing_reason = (missing)) {                  \
      if (std::getenv("CI") != nullptr) {                      \
        GTEST_FAIL() << "CI needs it: " << *mm_missing_reason; \
      } else {                                                 \
        GTEST_SKIP() << *mm_missing_reason;                    \
      }                                                        \
    }                                                          \
  } while (0)
#endif

namespace mailmark::testing {

// A loopback TCP port that nothing listens on right now.
int UnusedLoopbackPort();
// Whether some process listens on 127.0.0.1:port (read from /proc/net/tcp, so asking does not
// open a connection the server would count).
bool IsListeningOnLoopback(int port);

// A child process started with posix_spawn, its output in a log file, stopped by PID.
class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess() { Stop(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // argv[0] is the program's full path. Throws std::runtime_error when it cannot start.
  void Start(const std::vector<std::string>& argv, const std::filesystem::path& log_file);
  // SIGTERM, up to 5 s grace, then SIGKILL; waits for the exit. No-op when not running.
  void Stop();
  // Whether it still runs (reaps it when it has exited).
  bool Running();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

struct SmtpSinkOptions {
  std::vector<std::string> soft_reject = {};  // -r: 4xx to these commands ("RCPT", "MAIL", ".")
  std::vector<std::string> hard_reject = {};  // -f: 5xx
  std::vector<std::string> hang_up = {};      // -q: disconnect without replying
  std::string delay = {};      // -W: "command:seconds", e.g. "RCPT:30" answers RCPT that late
  bool dump = false;           // -d: keep every transaction as a file
  bool advertise_auth = true;  // false: -a
};

// One transaction as smtp-sink dumped it (its line ends turned into LF: not byte-exact).
struct SinkMessage {
  std::string mail_from;               // the MAIL command's arguments, e.g. "FROM:<a@b>"
  std::vector<std::string> rcpt_args;  // each RCPT command's arguments, e.g. "TO:<c@d>"
  std::string data;                    // the message as received, after smtp-sink's headers
};

class SmtpSink {
 public:
  // Why smtp-sink cannot run here, or nullopt.
  static std::optional<std::string> Missing();

  // Starts on a fresh port; throws std::runtime_error when it does not come up.
  explicit SmtpSink(SmtpSinkOptions options = {});
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  // Stops and starts again on the same port with new options. Dumps of the earlier run are
  // discarded: a hang-up can leave a half-written one behind.
  void Restart(SmtpSinkOptions options);
  void Stop();  // nothing listens on port() afterwards

  int port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_->path(); }

  // smtp-sink's running counters (its -c output): sessions ended, QUITs, messages received.
  struct Counters {
    long sessions = 0;
    long quits = 0;
    long messages = 0;
  };
  Counters counters() const;

  // Dumped transactions (only with options.dump), in no particular order.
  std::vector<SinkMessage> DumpedMessages() const;
  std::size_t DumpedCount() const;

 private:
  void Launch(const SmtpSinkOptions& options);

  std::unique_ptr<TempDir> dir_;
  std::filesystem::path dump_dir_;
  int port_ = 0;
  int generation_ = 0;  // each start logs to its own file
  ChildProcess process_;
};

}  // namespace mailmark::testing
