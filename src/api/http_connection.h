// One client's HTTP/1.1 connection, owned by the server's I/O threads (Boost.Beast): requests
// are read with deadlines and size limits, bodies pulled only as fast as their route takes
// them, and every handler step runs on the worker pool so that no thread waits on a client.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>

#include <boost/asio/ip/tcp.hpp>

#include "api/client_address.h"
#include "api/connection_limits.h"
#include "api/http_limits.h"

namespace mailmark {

class Router;
class WorkerPool;

// What all connections of one server share; they hold it, so it outlives the last of them.
struct ConnectionShared {
  ConnectionShared(const Router& r, WorkerPool& p, HttpLimits l, TrustedProxies t)
      : router(r),
        pool(p),
        limits(l),
        trusted(std::move(t)),
        per_address(l.max_connections_per_address) {}
  const Router& router;
  WorkerPool& pool;
  const HttpLimits limits;
  const TrustedProxies trusted;
  ConnectionCounter per_address;
  std::atomic<std::size_t> open{0};  // connections alive now
};

// Serves `socket` until it closes. `slot` counts it under its peer's address; a trusted
// proxy's connection has none, and is counted per request under the forwarded address.
void ServeConnection(boost::asio::ip::tcp::socket socket,
                     std::optional<ConnectionCounter::Slot> slot,
                     std::shared_ptr<ConnectionShared> shared);

}  // namespace mailmark
