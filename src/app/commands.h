// The subcommands of the `mailmark` binary. Each returns the process exit code.
#pragma once

#include <optional>
#include <string>

#include "app/config.h"

namespace mailmark {

int RunServe(const Config& config);
int RunMigrate(const Config& config);
int RunUserCreate(const Config& config, const std::string& name,
                  std::optional<std::string> password);
int RunTokenCreate(const Config& config, const std::string& user);

struct BenchOptions {
  std::size_t contacts = 100'000;
  std::string csv;   // an existing CSV to import; empty: generate one
  std::string smtp;  // HOST:PORT of an SMTP server to deliver to; empty: the outbox
};
int RunBench(const Config& config, const BenchOptions& options);

}  // namespace mailmark
