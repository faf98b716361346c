#include "app/config.h"

#include <map>

#include <gtest/gtest.h>

namespace mailmark {
namespace {

auto Env(std::map<std::string, std::string> vars) {
  return [vars](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

TEST(Config, DefaultsWithoutAnySource) {
  auto c = LoadConfigFrom(std::nullopt, Env({}), {});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->listen, "127.0.0.1:8080");
  EXPECT_EQ(c->data_dir, "./data");
  EXPECT_EQ(c->public_url, "http://127.0.0.1:8080");
  EXPECT_EQ(*SqlitePath(*c), std::filesystem::path("./data/mailmark.db"));
}

TEST(Config, FlagsBeatEnvironmentWhichBeatsTheFile) {
  std::string toml = "listen = \"0.0.0.0:9000\"\ndata_dir = \"/file\"\nworkers = 3\n";
  auto c = LoadConfigFrom(
      toml, Env({{"MAILMARK_DATA_DIR", "/env"}, {"MAILMARK_SMTP_RETRY_DELAYS", "200ms,500ms,1s"}}),
      ConfigOverrides{std::string("127.0.0.1:1"), std::nullopt, std::nullopt, std::nullopt,
                      std::nullopt});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->listen, "127.0.0.1:1");
  EXPECT_EQ(c->data_dir, "/env");
  EXPECT_EQ(c->workers, 3u);
  EXPECT_EQ(c->retry_delays, (std::vector<Duration>{Duration{200}, Duration{500}, Duration{1000}}));
  EXPECT_EQ(c->retry_give_up, std::chrono::hours(24));
}

TEST(Config, RefusesUnknownKeysAndBadValues) {
  EXPECT_EQ(LoadConfigFrom("listn = \"x\"", Env({}), {}).error().code, "invalid_config");
  EXPECT_EQ(LoadConfigFrom("workers = 0", Env({}), {}).error().code, "invalid_config");
  EXPECT_EQ(LoadConfigFrom("workers = [1]", Env({}), {}).error().code, "invalid_config");
  EXPECT_EQ(LoadConfigFrom("this is not toml", Env({}), {}).error().code, "invalid_config");
  EXPECT_EQ(LoadConfigFrom(std::nullopt, Env({{"MAILMARK_WORKERS", "many"}}), {}).error().code,
            "invalid_config");
  EXPECT_EQ(LoadConfigFrom(std::nullopt, Env({{"MAILMARK_LISTEN", "nope"}}), {}).error().code,
            "invalid_listen");
}

TEST(Config, ImapPollInterval) {
  auto defaults = LoadConfigFrom(std::nullopt, Env({}), {});
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->imap_poll_interval, std::chrono::seconds(30));
  auto env = LoadConfigFrom("imap_poll_interval = \"5m\"",
                            Env({{"MAILMARK_IMAP_POLL_INTERVAL", "1s"}}), {});
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_EQ(env->imap_poll_interval, std::chrono::seconds(1));
  auto file = LoadConfigFrom("imap_poll_interval = \"5m\"", Env({}), {});
  ASSERT_TRUE(file);
  EXPECT_EQ(file->imap_poll_interval, std::chrono::minutes(5));
  for (const char* bad : {"0s", "soon", "-1s"})
    EXPECT_EQ(
        LoadConfigFrom(std::nullopt, Env({{"MAILMARK_IMAP_POLL_INTERVAL", bad}}), {}).error().code,
        "invalid_config")
        << bad;
}

TEST(Config, OooDefaultPauseIsOffByDefaultAndMayBeZero) {
  auto defaults = LoadConfigFrom(std::nullopt, Env({}), {});
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->ooo_default_pause, Duration{0});
  auto env =
      LoadConfigFrom("ooo_default_pause = \"3d\"", Env({{"MAILMARK_OOO_DEFAULT_PAUSE", "7d"}}), {});
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_EQ(env->ooo_default_pause, std::chrono::hours(7 * 24));
  auto file = LoadConfigFrom("ooo_default_pause = \"3d\"", Env({}), {});
  ASSERT_TRUE(file);
  EXPECT_EQ(file->ooo_default_pause, std::chrono::hours(3 * 24));
  for (const char* off : {"0", "0s"}) {
    auto zero = LoadConfigFrom(std::nullopt, Env({{"MAILMARK_OOO_DEFAULT_PAUSE", off}}), {});
    ASSERT_TRUE(zero) << off;
    EXPECT_EQ(zero->ooo_default_pause, Duration{0});
  }
  for (const char* bad : {"soon", "-1s", "7 days"})
    EXPECT_EQ(
        LoadConfigFrom(std::nullopt, Env({{"MAILMARK_OOO_DEFAULT_PAUSE", bad}}), {}).error().code,
        "invalid_config")
        << bad;
}

TEST(Config, ParsesListenAddresses) {
  EXPECT_EQ(ParseListen("127.0.0.1:8080")->port, 8080);
  EXPECT_EQ(ParseListen("[::1]:80")->host, "::1");
  EXPECT_FALSE(ParseListen("8080"));
  EXPECT_FALSE(ParseListen(":80"));
  EXPECT_FALSE(ParseListen("h:70000"));
  EXPECT_FALSE(ParseListen("h:80x"));
}

TEST(Config, UiDirFromFileEnvironmentOrFlag) {
  auto defaults = LoadConfigFrom(std::nullopt, Env({}), {});
  ASSERT_TRUE(defaults);
  EXPECT_TRUE(defaults->ui_dir.empty());
  // Unset: the folder "ui" beside the running program (here, the test binary).
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe");
  EXPECT_EQ(UiDir(*defaults), exe.parent_path() / "ui");

  auto file = LoadConfigFrom("ui_dir = \"/srv/ui\"", Env({}), {});
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_EQ(UiDir(*file), "/srv/ui");
  auto env = LoadConfigFrom("ui_dir = \"/srv/ui\"", Env({{"MAILMARK_UI_DIR", "/env/ui"}}), {});
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_EQ(env->ui_dir, "/env/ui");
  ConfigOverrides flag;
  flag.ui_dir = "/flag/ui";
  auto flagged =
      LoadConfigFrom("ui_dir = \"/srv/ui\"", Env({{"MAILMARK_UI_DIR", "/env/ui"}}), flag);
  ASSERT_TRUE(flagged) << flagged.error().message;
  EXPECT_EQ(UiDir(*flagged), "/flag/ui");
}

TEST(Config, DatabaseUrls) {
  Config c;
  c.db = "sqlite:/tmp/x.db";
  EXPECT_EQ(*SqlitePath(c), std::filesystem::path("/tmp/x.db"));
  c.db = "postgresql://localhost/mm";
  EXPECT_EQ(SqlitePath(c).error().code, "unsupported_db");
  c.db = "mysql://x";
  EXPECT_EQ(SqlitePath(c).error().code, "invalid_db");
}

}  // namespace
}  // namespace mailmark

namespace mailmark {
namespace {

TEST(Config, TrustedProxiesFromFileOrEnvironment) {
  auto none = LoadConfigFrom(std::nullopt, Env({}), {});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->trusted_proxies, "");
  auto text = LoadConfigFrom("trusted_proxies = \"127.0.0.1, 10.0.0.0/8\"", Env({}), {});
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(text->trusted_proxies, "127.0.0.1, 10.0.0.0/8");
  auto list = LoadConfigFrom("trusted_proxies = [\"::1\", \"fd00::/8\"]", Env({}), {});
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_EQ(list->trusted_proxies, "::1,fd00::/8");
  auto env = LoadConfigFrom("trusted_proxies = \"::1\"",
                            Env({{"MAILMARK_TRUSTED_PROXIES", "192.168.0.0/16"}}), {});
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_EQ(env->trusted_proxies, "192.168.0.0/16");
  auto bad = LoadConfigFrom(std::nullopt, Env({{"MAILMARK_TRUSTED_PROXIES", "proxy"}}), {});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "invalid_config");
  EXPECT_NE(bad.error().message.find("MAILMARK_TRUSTED_PROXIES"), std::string::npos);
  EXPECT_FALSE(LoadConfigFrom("trusted_proxies = [1]", Env({}), {}));
  EXPECT_FALSE(LoadConfigFrom("trusted_proxies = \"10.0.0.0/40\"", Env({}), {}));
}

}  // namespace
}  // namespace mailmark
