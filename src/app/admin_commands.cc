// `mailmark migrate`, `user create`, `token create`: administration from the shell.
#include <cstdio>

#include <spdlog/spdlog.h>

#include "api/credentials.h"
#include "app/commands.h"
#include "app/open_store.h"
#include "engine/clock.h"

namespace mailmark {

int RunMigrate(const Config& config) {
  auto store = OpenConfiguredStore(config);  // opening applies every pending migration
  if (!store) {
    spdlog::error("{}", store.error().message);
    return 1;
  }
  std::printf("database is up to date\n");
  return 0;
}

int RunUserCreate(const Config& config, const std::string& name,
                  std::optional<std::string> password) {
  if (name.empty()) {
    spdlog::error("--name must not be empty");
    return 2;
  }
  auto store = OpenConfiguredStore(config);
  if (!store) {
    spdlog::error("{}", store.error().message);
    return 1;
  }
  std::string hash;
  if (password) {
    auto h = HashPassword(*password);
    if (!h) {
      spdlog::error("{}", h.error().message);
      return 1;
    }
    hash = *h;
  }
  SystemClock clock;
  auto user = (*store)->CreateUser(name, hash, clock.Now());
  if (!user) {
    spdlog::error("{}", user.error().message);
    return 1;
  }
  std::printf("created user %s (%s)\n", user->name.c_str(), user->id.c_str());
  return 0;
}

int RunTokenCreate(const Config& config, const std::string& user_name) {
  auto store = OpenConfiguredStore(config);
  if (!store) {
    spdlog::error("{}", store.error().message);
    return 1;
  }
  auto user = (*store)->FindUserByName(user_name);
  if (!user) {
    spdlog::error("no user named \"{}\"", user_name);
    return 1;
  }
  SystemClock clock;
  std::string token = NewToken();
  if (auto st =
          (*store)->AddCredential(user->id, HashToken(token), "api", std::nullopt, clock.Now());
      !st) {
    spdlog::error("{}", st.error().message);
    return 1;
  }
  std::printf("%s\n", token.c_str());  // alone on stdout, for scripts
  return 0;
}

}  // namespace mailmark
