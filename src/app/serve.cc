// `mailmark serve`: the API and the scheduler in one process, stopped gracefully by SIGTERM.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <thread>

#include <spdlog/spdlog.h>

#include "api/server.h"
#include "app/commands.h"
#include "app/config.h"
#include "app/first_user.h"
#include "app/open_store.h"
#include "engine/inbound_service.h"
#include "engine/scheduler.h"
#include "engine/transport_provider.h"

namespace mailmark {
namespace {

// With SQLite there is exactly one node per data folder (ServeLock), so its leases can be
// taken back at start: a crash then never delays the due steps by a lease period.
constexpr const char* kLocalNode = "local";

}  // namespace

int RunServe(const Config& config) {
  // Signals go to the watcher thread only: block them before any other thread starts
  // (the store starts its writer thread when it opens).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto database = SqlitePath(config);
  if (!database) {
    spdlog::error("{}", database.error().message);
    return 2;
  }
  auto lock = ServeLock::Acquire(*database);
  if (!lock) {
    spdlog::error("{}", lock.error().message);
    return 1;
  }
  auto listen = ParseListen(config.listen);
  if (!listen) {
    spdlog::error("{}", listen.error().message);
    return 2;
  }
  auto opened = OpenConfiguredStore(config);
  if (!opened) {
    spdlog::error("cannot open the database: {}", opened.error().message);
    return 1;
  }
  Store& store = **opened;
  SystemClock clock;
  auto first_user = CreateFirstUser(store, clock, config.data_dir);
  if (!first_user) {
    spdlog::error("cannot create the first user: {}", first_user.error().message);
    return 1;
  }
  if (*first_user) {
    // Only where to find them: this output usually ends up in a log that others can read.
    std::printf(
        "\nFirst start: created the user \"admin\". Its password and an API token are in a file\n"
        "only this user can read; store them elsewhere, then delete the file:\n"
        "  password:  see %s\n\n",
        (*first_user)->c_str());
    std::fflush(stdout);
  }
  store.ReleaseLeases(kLocalNode);
  auto unsubscribe_secret = store.GetOrCreateSecret("unsubscribe");
  if (!unsubscribe_secret) {
    spdlog::error("cannot read the server secret: {}", unsubscribe_secret.error().message);
    return 1;
  }

  MailboxTransports transports(config.data_dir, SmtpPoolOptions{config.smtp_connections});
  SchedulerOptions options;
  options.runner.node = kLocalNode;
  options.runner.retry.delays = config.retry_delays;
  options.runner.retry.give_up_after = config.retry_give_up;
  options.runner.public_url = config.public_url;
  options.runner.unsubscribe_secret = *unsubscribe_secret;
  options.workers = config.workers;
  options.batch_size = config.batch_size;
  Scheduler scheduler(store, clock, transports, options);

  // Replies and bounces, for every mailbox with IMAP settings. Independent of sending: a
  // broken inbox shows on its mailbox and holds nothing up.
  InboundServiceOptions inbound_options;
  inbound_options.poller.poll_interval = config.imap_poll_interval;
  inbound_options.processor.ooo_default_pause = config.ooo_default_pause;
  InboundService inbound(store, clock, inbound_options);

  ApiOptions api_options;
  api_options.public_url = config.public_url;
  api_options.unsubscribe_secret = *unsubscribe_secret;
  api_options.threads = static_cast<int>(config.api_threads);
  // Validated when the configuration was read.
  if (auto proxies = TrustedProxies::Parse(config.trusted_proxies)) {
    api_options.trusted_proxies = *proxies;
  }
  api_options.ui_dir = UiDir(config);
  if (std::error_code ec; std::filesystem::is_regular_file(*api_options.ui_dir / "index.html", ec))
    spdlog::info("web UI served from {}", api_options.ui_dir->string());
  else
    spdlog::warn("web UI not built ({} has no index.html): / says so until it is",
                 api_options.ui_dir->string());
  ApiServer api(ApiContext{
      store, clock,
      // Any change may make something due sooner or touch a mailbox's IMAP settings; both
      // calls only set a flag.
      [&scheduler, &inbound] {
        scheduler.Wake();
        inbound.Refresh();
      },
      [&config](const Id& mailbox) { return OutboxDir(config.data_dir, mailbox); }, api_options});
  if (auto st = api.Bind(listen->host, listen->port); !st) {
    spdlog::error("cannot listen on {}: {}", config.listen, st.error().message);
    return 1;
  }
  scheduler.Start();
  inbound.Start();

  std::thread watcher([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("signal {}: stopping (finishing what is in flight)", sig);
    api.Stop();
  });
  spdlog::info("mailmark serving on http://{}:{} (data in {})", listen->host, api.port(),
               config.data_dir.string());
  api.Run();

  inbound.Stop();    // each poller finishes the message in hand
  scheduler.Stop();  // finishes in-flight batches, releases leases
  if (watcher.joinable()) {
    // Run() also returns without a signal when the listener fails; wake the watcher then.
    pthread_kill(watcher.native_handle(), SIGTERM);
    watcher.join();
  }
  spdlog::info("stopped");
  return 0;
}

}  // namespace mailmark
