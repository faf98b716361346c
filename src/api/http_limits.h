// What the HTTP server allows one client, so that slow or hostile clients cannot take it from
// everyone else (docs/api.md "Limits of the HTTP server" gives the values and the reasons).
#pragma once

#include <chrono>
#include <cstddef>

namespace mailmark {

struct HttpLimits {
  // The request line and headers together, and how many header fields.
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_header_fields = 100;
  // From the moment the server waits for a request (a new connection, or the previous answer
  // sent on a kept-alive one) until its headers are complete.
  std::chrono::milliseconds header_timeout{10'000};
  // A body must keep moving: at least body_progress_bytes (or its end) within each
  // body_idle_timeout. There is no limit on the total time, so a slow upload that keeps
  // going is never cut off.
  std::chrono::milliseconds body_idle_timeout{30'000};
  std::size_t body_progress_bytes = 4 * 1024;
  // Sending one answer.
  std::chrono::milliseconds write_timeout{30'000};
  // Connections open at once from one client address (an IPv6 /64), and in all.
  std::size_t max_connections_per_address = 64;
  std::size_t max_connections = 4096;
  // A body nobody reads (unknown routes, refused requests, routes that ignore theirs) is
  // read and dropped up to this much, so that the connection can serve its next request;
  // past it the answer closes the connection.
  std::size_t max_drain_bytes = 64 * 1024;
  // After an answer that closes the connection with a body still arriving, the rest is read
  // and dropped for at most this long and this much, so that the client reads the answer
  // instead of a connection reset. Enough for a client that sent a JSON body over its limit
  // before reading the 413; reading and dropping costs no worker.
  std::chrono::milliseconds linger_timeout{2'000};
  std::size_t max_linger_bytes = 16 << 20;
  // Arrays and objects nested in a JSON body.
  std::size_t max_json_depth = 64;
  // I/O threads owning every connection (handlers run on ApiOptions::threads workers).
  int io_threads = 1;
};

}  // namespace mailmark
