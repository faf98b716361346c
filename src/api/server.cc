#include "api/server.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "api/routes.h"

namespace mailmark {

struct ApiServer::Impl {
  explicit Impl(ApiContext c) : context(std::move(c)) {}
  ApiContext context;  // routes hold a reference: it lives as long as the server
  httplib::Server server;
  int port = -1;
  // Stop() may race with Run() starting: each announces itself before looking at the other
  // (seq_cst), so either Run sees the stop request or Stop sees Run and waits for httplib to
  // be listening before it closes the socket.
  std::atomic<bool> in_run{false};
  std::atomic<bool> stop_requested{false};
};

ApiServer::ApiServer(ApiContext context) : impl_(std::make_unique<Impl>(std::move(context))) {
  httplib::Server& s = impl_->server;
  const ApiOptions& o = impl_->context.options;
  int threads = std::max(1, o.threads);
  // httplib owns the queue it gets from this factory (its API takes a raw pointer).
  s.new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<std::size_t>(threads));
  };
  // httplib's own cap is the largest body any route takes (a CSV upload); JSON routes apply
  // max_json_bytes themselves while streaming (router.cc), so nothing big is buffered.
  s.set_payload_max_length(std::max(o.max_json_bytes, o.max_csv_bytes));
  s.set_read_timeout(30, 0);
  s.set_write_timeout(30, 0);
  InstallRoutes(s, AllRoutes(impl_->context), impl_->context);
}

ApiServer::~ApiServer() { Stop(); }

Status ApiServer::Bind(const std::string& host, int port) {
  httplib::Server& s = impl_->server;
  if (port == 0) {
    int bound = s.bind_to_any_port(host);
    if (bound < 0) {
      return MakeError(ErrorKind::kInternal, "bind_failed",
                       "Could not listen on " + host + " (any port).");
    }
    impl_->port = bound;
  } else {
    if (!s.bind_to_port(host, port)) {
      return MakeError(ErrorKind::kInternal, "address_in_use",
                       "Could not listen on " + host + ":" + std::to_string(port) +
                           " (in use, or not an address of this machine).");
    }
    impl_->port = port;
  }
  spdlog::info("api: listening on {}:{}", host, impl_->port);
  return Ok{};
}

int ApiServer::port() const { return impl_->port; }

void ApiServer::Run() {
  impl_->in_run = true;
  if (!impl_->stop_requested) impl_->server.listen_after_bind();
  impl_->in_run = false;
}

void ApiServer::Stop() {
  impl_->stop_requested = true;
  while (impl_->in_run && !impl_->server.is_running()) std::this_thread::yield();
  impl_->server.stop();
}

}  // namespace mailmark
