#include "api/http_connection.h"

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "api/errors.h"
#include "api/router.h"
#include "api/worker_pool.h"

namespace mailmark {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr std::size_t kChunkBytes = 64 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, std::optional<ConnectionCounter::Slot> slot,
             std::shared_ptr<ConnectionShared> shared)
      : stream_(std::move(socket)),
        slot_(std::move(slot)),
        proxied_(!slot_),
        shared_(std::move(shared)),
        limits_(shared_->limits) {
    ++shared_->open;
    beast::error_code ec;
    tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ = peer.address().to_string();
    stream_.socket().set_option(tcp::no_delay(true), ec);
  }
  ~Connection() { --shared_->open; }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

 private:
  // What the body of the request in progress is read for.
  enum class BodyMode { kDrain, kJson, kStream };

  // ---- the request's headers ----

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
    parser_->body_limit(boost::none);  // bodies are counted against their route's own limit
    exchange_.reset();
    keep_alive_ = false;
    head_ = false;
    stream_.expires_after(limits_.header_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec == http::error::header_limit) {
      return Respond(
          ProtocolErrorResponse(431, "headers_too_large",
                                "The request line and headers are over " +
                                    std::to_string(limits_.max_header_bytes) + " bytes."),
          /*close=*/true);
    }
    if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
        ec == beast::error::timeout || ec == net::error::connection_reset ||
        ec == net::error::eof || ec == net::error::operation_aborted) {
      return Close();  // a client gone or idle: nobody to answer
    }
    if (ec) {
      return Respond(
          ProtocolErrorResponse(400, "bad_request", "The request is not valid HTTP/1.1."),
          /*close=*/true);
    }
    const auto& message = parser_->get();
    HttpRequest request;
    request.method = std::string(message.method_string());
    ParseTarget(std::string_view(message.target().data(), message.target().size()), &request.path,
                &request.params);
    for (const auto& field : message) {
      if (request.headers.size() >= limits_.max_header_fields) {
        return Respond(ProtocolErrorResponse(431, "too_many_headers",
                                             "The request has more than " +
                                                 std::to_string(limits_.max_header_fields) +
                                                 " header fields."),
                       /*close=*/true);
      }
      request.headers.Add(std::string(field.name_string()), std::string(field.value()));
    }
    std::vector<std::string> forwarded;
    for (std::size_t i = 0; i < request.headers.Count("X-Forwarded-For"); ++i) {
      forwarded.push_back(request.headers.Get("X-Forwarded-For", i));
    }
    request.remote_addr = ResolveClientAddress(peer_, forwarded, shared_->trusted);
    if (proxied_) {
      // Behind a proxy each request may be another client's: count this connection under
      // the one it carries now.
      std::string key = AddressKey(request.remote_addr);
      if (!slot_ || slot_->key() != key) {
        std::optional<ConnectionCounter::Slot> slot = shared_->per_address.TryAcquire(key);
        slot_.reset();
        if (!slot) {
          return Respond(ProtocolErrorResponse(
                             429, "too_many_connections",
                             "Too many connections from " + request.remote_addr + " at once."),
                         /*close=*/true);
        }
        slot_ = std::move(slot);
      }
    }
    keep_alive_ = message.keep_alive();
    head_ = message.method() == http::verb::head;
    expect_continue_ = EqualsIgnoreAsciiCase(request.headers.Get("Expect"), "100-continue");
    exchange_ = std::make_unique<Exchange>(std::move(request));
    OnWorker([this] { shared_->router.Begin(*exchange_); }, [this] { OnBegun(); });
  }

  void OnBegun() {
    switch (exchange_->next) {
      case Exchange::Next::kAnswer:
        pending_ = std::move(exchange_->answer);
        if (parser_->is_done()) return Respond(std::move(pending_), false);
        // Unread: unless the client waits for a 100 Continue (it then sends nothing), take
        // a little of it so that the connection can go on.
        if (expect_continue_) return Respond(std::move(pending_), true);
        return StartBody(BodyMode::kDrain);
      case Exchange::Next::kReadJson:
        json_.clear();
        return StartBody(BodyMode::kJson);
      case Exchange::Next::kStream:
        return StartBody(BodyMode::kStream);
    }
  }

  // ---- the body ----

  void StartBody(BodyMode mode) {
    mode_ = mode;
    body_bytes_ = 0;
    progress_bytes_ = 0;
    rearm_ = true;
    if (parser_->is_done()) return OnBodyComplete();
    if (expect_continue_ && mode != BodyMode::kDrain) {
      stream_.expires_after(limits_.write_timeout);
      net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                       [self = shared_from_this()](beast::error_code ec, std::size_t) {
                         if (ec) return self->Close();
                         self->ReadBody();
                       });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    // Progress, not total time: the deadline moves on whenever enough has arrived.
    if (rearm_) {
      stream_.expires_after(limits_.body_idle_timeout);
      progress_bytes_ = 0;
      rearm_ = false;
    }
    auto& body = parser_->get().body();
    body.data = chunk_.data();
    body.size = chunk_.size();
    http::async_read_some(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnBody(ec); });
  }

  void OnBody(beast::error_code ec) {
    if (ec == http::error::need_buffer) ec = {};
    if (ec) return OnBodyFailed(ec);
    std::size_t n = chunk_.size() - parser_->get().body().size;
    body_bytes_ += n;
    progress_bytes_ += n;
    if (progress_bytes_ >= limits_.body_progress_bytes) rearm_ = true;
    std::string_view chunk(chunk_.data(), n);
    switch (mode_) {
      case BodyMode::kDrain:
        if (body_bytes_ > limits_.max_drain_bytes) return Respond(std::move(pending_), true);
        break;
      case BodyMode::kJson:
        if (body_bytes_ > exchange_->body_limit) {
          return Respond(ErrorResponse(TooLargeError()), true);
        }
        json_.append(chunk);
        break;
      case BodyMode::kStream:
        if (body_bytes_ > exchange_->body_limit) {
          return OnWorker(
              [this] { pending_ = shared_->router.AbortStream(*exchange_, TooLargeError()); },
              [this] { Respond(std::move(pending_), true); });
        }
        if (!chunk.empty()) {
          // The chunk stays in chunk_ untouched: nothing is read until the worker is done.
          return OnWorker([this, chunk] { early_ = shared_->router.FeedStream(*exchange_, chunk); },
                          [this] {
                            if (early_) return Respond(std::move(*early_), !parser_->is_done());
                            if (parser_->is_done()) return OnBodyComplete();
                            ReadBody();
                          });
        }
        break;
    }
    if (parser_->is_done()) return OnBodyComplete();
    ReadBody();
  }

  void OnBodyComplete() {
    switch (mode_) {
      case BodyMode::kDrain:
        return Respond(std::move(pending_), false);
      case BodyMode::kJson:
        return OnWorker(
            [this] { pending_ = shared_->router.RunJson(*exchange_, std::move(json_)); },
            [this] { Respond(std::move(pending_), false); });
      case BodyMode::kStream:
        return OnWorker([this] { pending_ = shared_->router.FinishStream(*exchange_); },
                        [this] { Respond(std::move(pending_), false); });
    }
  }

  void OnBodyFailed(beast::error_code ec) {
    bool client_gone = ec == beast::error::timeout || ec == http::error::partial_message ||
                       ec == net::error::eof || ec == net::error::connection_reset ||
                       ec == net::error::operation_aborted;
    Error why = client_gone ? BadRequest("body_read_failed",
                                         "The request body stopped arriving before its end.")
                            : BadRequest("bad_request", "The request body is not valid HTTP/1.1.");
    if (mode_ == BodyMode::kStream) {
      return OnWorker([this, why] { pending_ = shared_->router.AbortStream(*exchange_, why); },
                      [this, client_gone] {
                        if (client_gone) return Close();
                        Respond(std::move(pending_), true);
                      });
    }
    if (client_gone) return Close();
    Respond(ErrorResponse(why), true);
  }

  Error TooLargeError() const {
    std::size_t limit = exchange_->body_limit;
    return MakeError(ErrorKind::kTooLarge, "payload_too_large",
                     "The request body is larger than " + std::to_string(limit) + " bytes.",
                     {{"limitBytes", limit}});
  }

  // ---- answering ----

  void Respond(HttpResponse answer, bool close) {
    bool keep = !close && keep_alive_ && parser_ && parser_->is_done();
    response_ = {};
    response_.version(11);
    response_.result(static_cast<unsigned>(answer.status));
    for (const auto& [name, value] : answer.headers) response_.set(name, value);
    response_.keep_alive(keep);
    if (head_) {
      response_.content_length(answer.body.size());
    } else {
      response_.body() = std::move(answer.body);
      response_.prepare_payload();
    }
    stream_.expires_after(limits_.write_timeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this(), keep](beast::error_code ec, std::size_t) {
                        if (ec) return self->Close();
                        if (keep) return self->ReadHeader();
                        self->CloseAfterAnswer();
                      });
  }

  // The answer is out. A body still arriving is read and dropped for a moment, since
  // closing with unread data resets the connection, and the client would lose the answer.
  void CloseAfterAnswer() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec || !parser_ || parser_->is_done()) return Close();
    stream_.expires_after(limits_.linger_timeout);
    linger_bytes_ = 0;
    Linger();
  }

  void Linger() {
    stream_.async_read_some(net::buffer(chunk_.data(), chunk_.size()),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->linger_bytes_ += n;
                              if (ec || self->linger_bytes_ > self->limits_.max_linger_bytes) {
                                return self->Close();
                              }
                              self->Linger();
                            });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
    // A sink left open (the client went away mid-upload) is closed on a worker, where it
    // may touch the store.
    if (exchange_ && exchange_->sink) {
      auto exchange = std::shared_ptr<Exchange>(std::move(exchange_));
      shared_->pool.Post([exchange] { exchange->sink.reset(); });
    }
  }

  // Runs `step` on a worker, then `then` back on this connection's strand. The connection
  // starts no I/O meanwhile, so the two never run at once with anything else of it.
  void OnWorker(std::function<void()> step, std::function<void()> then) {
    shared_->pool.Post(
        [self = shared_from_this(), step = std::move(step), then = std::move(then)]() mutable {
          step();
          auto executor = self->stream_.get_executor();
          net::post(executor, [self = std::move(self), then = std::move(then)] { then(); });
        });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<ConnectionCounter::Slot> slot_;
  const bool proxied_;
  std::shared_ptr<ConnectionShared> shared_;
  const HttpLimits& limits_;
  std::string peer_;

  std::optional<http::request_parser<http::buffer_body>> parser_;
  std::unique_ptr<Exchange> exchange_;
  bool keep_alive_ = false;
  bool head_ = false;
  bool expect_continue_ = false;
  BodyMode mode_ = BodyMode::kDrain;
  std::size_t body_bytes_ = 0;
  std::size_t progress_bytes_ = 0;
  bool rearm_ = true;
  std::string json_;
  std::array<char, kChunkBytes> chunk_{};
  HttpResponse pending_;
  std::optional<HttpResponse> early_;
  std::size_t linger_bytes_ = 0;
  http::response<http::string_body> response_;
};

}  // namespace

void ServeConnection(tcp::socket socket, std::optional<ConnectionCounter::Slot> slot,
                     std::shared_ptr<ConnectionShared> shared) {
  std::make_shared<Connection>(std::move(socket), std::move(slot), std::move(shared))->Start();
}

}  // namespace mailmark
