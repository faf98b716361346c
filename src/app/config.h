// Configuration: defaults < TOML file < MAILMARK_* environment < command-line flags.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/result.h"
#include "core/time.h"
#include "engine/retry_policy.h"

namespace mailmark {

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::filesystem::path data_dir = "./data";
  std::string db;  // "sqlite:PATH" or "postgresql://…"; empty: <data_dir>/mailmark.db
  // The key that seals passwords and secrets in the database; empty: <data_dir>/secret.key.
  std::filesystem::path secret_key_file;
  std::string public_url;  // empty: http://<listen>
  std::size_t workers = 4;
  std::size_t batch_size = 500;
  // Temporary delivery failures: the waits between attempts, and when to give up.
  std::vector<Duration> retry_delays = RetryPolicy{}.delays;
  Duration retry_give_up = RetryPolicy{}.give_up_after;
  std::size_t smtp_connections = 4;  // per mailbox
  // How often a mailbox's IMAP inbox is checked when its server has no IDLE.
  Duration imap_poll_interval = std::chrono::seconds(30);
  // How long an automatic reply without a readable return date pauses its enrollment.
  // Zero: such a reply only gets a history line.
  Duration ooo_default_pause{0};
  std::size_t api_threads = 8;
  // Reverse proxies whose X-Forwarded-For names the client (addresses and networks, comma-
  // or space-separated, e.g. "127.0.0.1, 10.0.0.0/8"); empty: none, the peer is the client.
  std::string trusted_proxies;
  std::string log_level = "info";
  // The web UI's build folder; empty: "ui" beside the mailmark executable (DefaultUiDir).
  std::filesystem::path ui_dir;
};

// Settings a command line gave explicitly (they win over everything else).
struct ConfigOverrides {
  std::optional<std::string> listen;
  std::optional<std::string> data_dir;
  std::optional<std::string> db;
  std::optional<std::string> config_file;
  std::optional<std::string> ui_dir;
};

// Reads the TOML file (if any: --config, else MAILMARK_CONFIG), then the environment, then
// the overrides. Unknown keys and bad values are errors, not silently ignored.
Result<Config> LoadConfig(const ConfigOverrides& overrides);
// The same from explicit pieces, for tests: `env` looks a variable up.
Result<Config> LoadConfigFrom(const std::optional<std::string>& toml_text,
                              std::function<std::optional<std::string>(const char*)> env,
                              const ConfigOverrides& overrides);

// "host:port" → parts; 422 invalid_listen otherwise.
struct ListenAddress {
  std::string host;
  int port = 0;
};
Result<ListenAddress> ParseListen(std::string_view text);

// Where the web UI is served from: `ui_dir` when set, else the folder "ui" beside the
// running executable (build/ui for build/mailmark). Whether it holds a build is checked at
// each request.
std::filesystem::path UiDir(const Config& config);

// The SQLite file the configuration names, or 422 unsupported_db for other URLs.
Result<std::filesystem::path> SqlitePath(const Config& config);

// The secret key file: `secret_key_file`, else "secret.key" in the data folder.
std::filesystem::path SecretKeyPath(const Config& config);

}  // namespace mailmark
