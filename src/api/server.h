// The HTTP API (shared/spec/API.md) over a Store: routes, JSON mapping, auth, errors.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/client_address.h"
#include "api/http_limits.h"
#include "core/result.h"
#include "engine/clock.h"
#include "store/store.h"

namespace mailmark {

struct ApiOptions {
  std::size_t max_json_bytes = 8 << 20;    // larger JSON bodies answer 413
  std::size_t max_csv_bytes = 2ull << 30;  // CSV imports are streamed; this caps one upload
  std::size_t import_batch_size = 1000;    // contacts per enrollment transaction
  std::string public_url = "http://127.0.0.1:8080";
  // The unsubscribe links' HMAC key (Store::GetOrCreateSecret("unsubscribe")). Empty: the
  // API asks the store itself on first use.
  std::string unsubscribe_secret;
  int threads = 8;  // workers running handlers (store calls are synchronous)
  HttpLimits http;
  // Peers whose X-Forwarded-For names the client (reverse proxies); empty: none.
  TrustedProxies trusted_proxies;
  // The web UI's build folder, served for GET/HEAD outside /api/ and /u/ (static_files.h).
  // Unset: only the API answers, and other paths are 404 route_not_found.
  std::optional<std::filesystem::path> ui_dir;
};

struct ApiContext {
  Store& store;
  Clock& clock;
  // Called after anything that may make work due sooner (enroll, resume, step edits).
  std::function<void()> wake_scheduler;
  // The maildir an outbox mailbox writes to.
  std::function<std::filesystem::path(const Id& mailbox_id)> outbox_dir;
  ApiOptions options;
};

class ApiServer {
 public:
  explicit ApiServer(ApiContext context);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds the listening socket (port 0 picks a free one); 'address_in_use' style errors.
  Status Bind(const std::string& host, int port);
  int port() const;
  // Serves until Stop() (from any thread, e.g. a signal watcher).
  void Run();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mailmark
