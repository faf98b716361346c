// mailmark: a self-hostable email sequences engine. See README.md.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "app/commands.h"

namespace {

// The options every command that touches the database takes.
void AddStoreOptions(CLI::App* cmd, mailmark::ConfigOverrides& o) {
  cmd->add_option(
      "--data-dir", o.data_dir,
      "Folder for the SQLite database and the outboxes (env MAILMARK_DATA_DIR, default ./data)");
  cmd->add_option("--db", o.db,
                  "Database URL: sqlite:PATH (env MAILMARK_DB; default <data-dir>/mailmark.db)");
  cmd->add_option("--config", o.config_file, "TOML configuration file (env MAILMARK_CONFIG)");
}

}  // namespace

int main(int argc, char** argv) {
  // Logs go to stderr: stdout carries what scripts read (tokens, first-run credentials).
  spdlog::set_default_logger(spdlog::stderr_color_mt("mailmark"));

  CLI::App app{"mailmark: email sequences that send themselves"};
  app.require_subcommand(1);
  mailmark::ConfigOverrides overrides;

  auto* serve = app.add_subcommand("serve", "Serve the API and run the scheduler");
  serve->add_option("--listen", overrides.listen,
                    "HOST:PORT to listen on (env MAILMARK_LISTEN, default 127.0.0.1:8080)");
  serve->add_option("--ui-dir", overrides.ui_dir,
                    "Folder of the built web UI (env MAILMARK_UI_DIR, default: ui beside the "
                    "mailmark executable)");
  AddStoreOptions(serve, overrides);

  auto* migrate = app.add_subcommand("migrate", "Create or upgrade the database schema");
  AddStoreOptions(migrate, overrides);

  auto* user = app.add_subcommand("user", "Manage users");
  user->require_subcommand(1);
  auto* user_create = user->add_subcommand("create", "Create a user");
  std::string user_name;
  std::optional<std::string> password;
  user_create->add_option("--name", user_name, "User name")->required();
  user_create->add_option("--password", password, "Password for the web UI (optional)");
  AddStoreOptions(user_create, overrides);

  auto* token = app.add_subcommand("token", "Manage API tokens");
  token->require_subcommand(1);
  auto* token_create = token->add_subcommand("create", "Create an API token and print it");
  std::string token_user;
  token_create->add_option("--user", token_user, "User the token belongs to")->required();
  AddStoreOptions(token_create, overrides);

  auto* bench = app.add_subcommand("bench", "Benchmark: CSV import and sending into the outbox");
  mailmark::BenchOptions bench_options;
  bench->add_option("--contacts", bench_options.contacts, "Contacts to enroll (default 100000)");
  bench->add_option("--csv", bench_options.csv, "Import this CSV instead of a generated one");
  bench->add_option("--smtp", bench_options.smtp,
                    "Deliver over SMTP to HOST:PORT (plain, e.g. Postfix's smtp-sink) instead of "
                    "the outbox");
  AddStoreOptions(bench, overrides);

  CLI11_PARSE(app, argc, argv);

  auto config = mailmark::LoadConfig(overrides);
  if (!config) {
    spdlog::error("{}", config.error().message);
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(config->log_level));

  if (*serve) return mailmark::RunServe(*config);
  if (*migrate) return mailmark::RunMigrate(*config);
  if (*user_create) return mailmark::RunUserCreate(*config, user_name, password);
  if (*token_create) return mailmark::RunTokenCreate(*config, token_user);
  if (*bench) return mailmark::RunBench(*config, bench_options);
  return 2;
}
