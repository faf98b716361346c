#include "app/config.h"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

#include <toml++/toml.h>

#include "api/client_address.h"

namespace mailmark {
namespace {

Error ConfigError(std::string message) {
  return MakeError(ErrorKind::kInvalid, "invalid_config", std::move(message));
}

std::optional<std::size_t> ParseCount(std::string_view s) {
  std::size_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v == 0 || v > 1'000'000) return std::nullopt;
  return v;
}

// One setting by name, from whichever source, as text.
Status Apply(Config& c, const std::string& key, const std::string& value) {
  if (key == "listen") {
    c.listen = value;
  } else if (key == "data_dir") {
    c.data_dir = value;
  } else if (key == "db") {
    c.db = value;
  } else if (key == "secret_key_file") {
    c.secret_key_file = value;
  } else if (key == "public_url") {
    c.public_url = value;
  } else if (key == "ui_dir") {
    c.ui_dir = value;
  } else if (key == "trusted_proxies") {
    auto proxies = TrustedProxies::Parse(value);
    if (!proxies) return ConfigError(proxies.error().message);
    c.trusted_proxies = value;
  } else if (key == "log_level") {
    c.log_level = value;
  } else if (key == "workers" || key == "batch_size" || key == "api_threads") {
    auto n = ParseCount(value);
    if (!n)
      return ConfigError(key + " must be a whole number from 1 to 1000000, not \"" + value + "\"");
    (key == "workers" ? c.workers : key == "batch_size" ? c.batch_size : c.api_threads) = *n;
  } else if (key == "smtp_connections") {
    auto n = ParseCount(value);
    if (!n || *n > 100) return ConfigError("smtp_connections must be a whole number from 1 to 100");
    c.smtp_connections = *n;
  } else if (key == "smtp_retry_delays") {
    auto delays = ParseRetryDelays(value);
    if (!delays) return ConfigError("smtp_retry_delays: " + delays.error().message);
    c.retry_delays = *delays;
  } else if (key == "smtp_retry_give_up") {
    auto d = ParseDuration(value);
    if (!d || d->count() == 0)
      return ConfigError("smtp_retry_give_up must be a duration like 24h, not \"" + value + "\"");
    c.retry_give_up = *d;
  } else if (key == "imap_poll_interval") {
    auto d = ParseDuration(value);
    if (!d || d->count() == 0)
      return ConfigError("imap_poll_interval must be a duration like 30s, not \"" + value + "\"");
    c.imap_poll_interval = *d;
  } else if (key == "ooo_default_pause") {
    auto d = ParseDuration(value);  // "0" is allowed: it turns the pause off
    if (!d || d->count() < 0)
      return ConfigError("ooo_default_pause must be a duration like 7d or 0, not \"" + value +
                         "\"");
    c.ooo_default_pause = *d;
  } else {
    return ConfigError("unknown setting \"" + key + "\"");
  }
  return Ok{};
}

constexpr const char* kKeys[] = {"listen",
                                 "data_dir",
                                 "db",
                                 "secret_key_file",
                                 "public_url",
                                 "log_level",
                                 "workers",
                                 "batch_size",
                                 "api_threads",
                                 "smtp_connections",
                                 "smtp_retry_delays",
                                 "smtp_retry_give_up",
                                 "imap_poll_interval",
                                 "ooo_default_pause",
                                 "ui_dir",
                                 "trusted_proxies"};

}  // namespace

Result<Config> LoadConfigFrom(const std::optional<std::string>& toml_text,
                              std::function<std::optional<std::string>(const char*)> env,
                              const ConfigOverrides& overrides) {
  Config c;
  if (toml_text) {
    toml::table parsed;
    try {
      parsed = toml::parse(*toml_text);
    } catch (const toml::parse_error& e) {
      std::ostringstream msg;
      msg << "config file: " << e.description() << " at line " << e.source().begin.line;
      return ConfigError(msg.str());
    }
    for (auto&& [k, node] : parsed) {
      std::string key(k.str());
      std::string value;
      if (auto s = node.value<std::string>())
        value = *s;
      else if (auto i = node.value<std::int64_t>())
        value = std::to_string(*i);
      else if (const toml::array* list = node.as_array(); list && key == "trusted_proxies") {
        for (const toml::node& item : *list) {
          auto entry = item.value<std::string>();
          if (!entry) return ConfigError("config file: trusted_proxies must list strings");
          value += (value.empty() ? "" : ",") + *entry;
        }
      } else
        return ConfigError("config file: \"" + key + "\" must be a string or a number");
      if (auto st = Apply(c, key, value); !st) return st.error();
    }
  }
  for (const char* key : kKeys) {
    std::string var = "MAILMARK_";
    for (const char* p = key; *p; ++p) var += static_cast<char>(std::toupper(*p));
    if (auto v = env(var.c_str()); v && !v->empty())
      if (auto st = Apply(c, key, *v); !st)
        return MakeError(ErrorKind::kInvalid, "invalid_config", var + ": " + st.error().message);
  }
  if (overrides.listen) c.listen = *overrides.listen;
  if (overrides.data_dir) c.data_dir = *overrides.data_dir;
  if (overrides.db) c.db = *overrides.db;
  if (overrides.ui_dir) c.ui_dir = *overrides.ui_dir;
  if (auto l = ParseListen(c.listen); !l) return l.error();
  if (c.public_url.empty()) c.public_url = "http://" + c.listen;
  while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
  return c;
}

Result<Config> LoadConfig(const ConfigOverrides& overrides) {
  auto env = [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
  std::optional<std::string> file = overrides.config_file;
  if (!file) file = env("MAILMARK_CONFIG");
  std::optional<std::string> text;
  if (file && !file->empty()) {
    std::ifstream in(*file);
    if (!in) return ConfigError("cannot read config file " + *file);
    std::stringstream buf;
    buf << in.rdbuf();
    text = buf.str();
  }
  return LoadConfigFrom(text, env, overrides);
}

Result<ListenAddress> ParseListen(std::string_view text) {
  auto colon = text.rfind(':');
  auto bad = [&] {
    return MakeError(
        ErrorKind::kInvalid, "invalid_listen",
        "listen must be HOST:PORT (e.g. 127.0.0.1:8080), not \"" + std::string(text) + "\"");
  };
  if (colon == std::string_view::npos || colon == 0) return bad();
  int port = 0;
  std::string_view p = text.substr(colon + 1);
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  if (ec != std::errc{} || end != p.data() + p.size() || port < 0 || port > 65535) return bad();
  std::string host(text.substr(0, colon));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return ListenAddress{host, port};
}

std::filesystem::path UiDir(const Config& config) {
  if (!config.ui_dir.empty()) return config.ui_dir;
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "ui";
  return exe.parent_path() / "ui";
}

Result<std::filesystem::path> SqlitePath(const Config& config) {
  if (config.db.empty()) return config.data_dir / "mailmark.db";
  if (config.db.rfind("sqlite:", 0) == 0 && config.db.size() > 7)
    return std::filesystem::path(config.db.substr(7));
  if (config.db.rfind("postgresql://", 0) == 0 || config.db.rfind("postgres://", 0) == 0)
    return MakeError(ErrorKind::kInvalid, "unsupported_db",
                     "PostgreSQL is not supported by this build yet; use sqlite:PATH");
  return MakeError(ErrorKind::kInvalid, "invalid_db",
                   "--db must be sqlite:PATH or postgresql://…, not \"" + config.db + "\"");
}

std::filesystem::path SecretKeyPath(const Config& config) {
  if (!config.secret_key_file.empty()) return config.secret_key_file;
  return config.data_dir / "secret.key";
}

}  // namespace mailmark
