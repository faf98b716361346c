// The listener: a few I/O threads (one io_context) accept and own every connection
// (http_connection.cc); handlers run on a bounded worker pool. See docs/architecture.md.
#include "api/server.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "api/http_connection.h"
#include "api/router.h"
#include "api/routes.h"
#include "api/worker_pool.h"

namespace mailmark {

namespace net = boost::asio;
using tcp = net::ip::tcp;

struct ApiServer::Impl {
  explicit Impl(ApiContext c)
      : context(std::move(c)),
        router(AllRoutes(context), context),
        pool(static_cast<std::size_t>(std::max(1, context.options.threads))),
        shared(std::make_shared<ConnectionShared>(router, pool, context.options.http,
                                                  context.options.trusted_proxies)) {}

  void Accept() {
    acceptor.async_accept(net::make_strand(ioc),
                          [this](boost::system::error_code ec, tcp::socket socket) {
                            if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
                            if (ec) {
                              // Out of file descriptors, most likely: wait a moment rather than
                              // spin.
                              spdlog::warn("api: accept failed: {}", ec.message());
                              retry.expires_after(std::chrono::milliseconds(100));
                              retry.async_wait([this](boost::system::error_code e) {
                                if (!e) Accept();
                              });
                              return;
                            }
                            Admit(std::move(socket));
                            Accept();
                          });
  }

  // A new connection counts under its peer's address, unless the peer is a trusted proxy.
  void Admit(tcp::socket socket) {
    const HttpLimits& limits = context.options.http;
    if (shared->open.load() >= limits.max_connections) return;  // closed by its destructor
    boost::system::error_code ec;
    tcp::endpoint peer = socket.remote_endpoint(ec);
    if (ec) return;
    std::string address = peer.address().to_string();
    std::optional<IpAddress> ip = ParseIpAddress(address);
    std::optional<ConnectionCounter::Slot> slot;
    if (!ip || !context.options.trusted_proxies.Contains(*ip)) {
      slot = shared->per_address.TryAcquire(AddressKey(address));
      if (!slot) return;
    }
    ServeConnection(std::move(socket), std::move(slot), shared);
  }

  void RunLoop() {
    while (true) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("api: I/O thread: {}", e.what());
      }
    }
  }

  ApiContext context;  // routes hold a reference: it lives as long as the server
  Router router;
  WorkerPool pool;
  std::shared_ptr<ConnectionShared> shared;
  // Declared last, destroyed first: the connections it still holds go before what they use.
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  net::steady_timer retry{ioc};
  int port = -1;
  std::atomic<bool> stop_requested{false};
};

ApiServer::ApiServer(ApiContext context) : impl_(std::make_unique<Impl>(std::move(context))) {}

ApiServer::~ApiServer() {
  Stop();
  // Workers post back to the io_context: they finish before it goes.
  impl_->pool.Stop();
}

Status ApiServer::Bind(const std::string& host, int port) {
  boost::system::error_code ec;
  tcp::resolver resolver(impl_->ioc);
  auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  auto failure = [&] {
    if (port == 0) {
      return MakeError(ErrorKind::kInternal, "bind_failed",
                       "Could not listen on " + host + " (any port).");
    }
    return MakeError(ErrorKind::kInternal, "address_in_use",
                     "Could not listen on " + host + ":" + std::to_string(port) +
                         " (in use, or not an address of this machine).");
  };
  if (ec) return failure();
  tcp::acceptor& acceptor = impl_->acceptor;
  for (const auto& entry : endpoints) {
    boost::system::error_code e;
    acceptor.open(entry.endpoint().protocol(), e);
    if (!e) acceptor.set_option(net::socket_base::reuse_address(true), e);
    if (!e) acceptor.bind(entry.endpoint(), e);
    if (!e) acceptor.listen(net::socket_base::max_listen_connections, e);
    if (!e) break;
    acceptor.close(e);
  }
  if (!acceptor.is_open()) return failure();
  impl_->port = acceptor.local_endpoint(ec).port();
  if (ec) return failure();
  spdlog::info("api: listening on {}:{}", host, impl_->port);
  return Ok{};
}

int ApiServer::port() const { return impl_->port; }

void ApiServer::Run() {
  // io_context::stop() before run() makes run() return at once, so a Stop() racing this
  // start is never lost.
  if (impl_->stop_requested) return;
  if (impl_->acceptor.is_open()) impl_->Accept();
  std::vector<std::thread> more;
  for (int i = 1; i < impl_->context.options.http.io_threads; ++i) {
    more.emplace_back([this] { impl_->RunLoop(); });
  }
  impl_->RunLoop();
  for (std::thread& t : more) t.join();
}

void ApiServer::Stop() {
  impl_->stop_requested = true;
  impl_->ioc.stop();
}

}  // namespace mailmark
