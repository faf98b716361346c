// The route table and how a request goes through it: path patterns, per-route access, the
// body each route takes, JSON answers with the API's headers, and 404/405 for the rest.
// Transport-free: the connection (http_connection.cc) reads the socket and calls the steps
// below on a worker thread, one at a time per request.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/http_message.h"
#include "api/server.h"
#include "core/model.h"
#include "core/result.h"

namespace mailmark {

// What a handler answers with; errors travel as Result's Error instead.
struct Reply {
  int status = 200;
  nlohmann::json json;             // the body, unless `raw` is set or status is 204
  std::optional<std::string> raw;  // a non-JSON body (e.g. message/rfc822)
  std::string content_type;        // for `raw`
  std::vector<std::pair<std::string, std::string>> headers;

  static Reply Json(nlohmann::json body, int status = 200);
  static Reply NoContent();
  static Reply Raw(std::string body, std::string content_type);
};

// 415 unsupported_media_type (an error body on the success path: ErrorKind has no 415).
Reply UnsupportedMediaType(std::string_view expected);

struct Call {
  explicit Call(const HttpRequest& r) : request(r) {}
  const HttpRequest& request;
  std::optional<User> user;  // set on every route that needs auth
  nlohmann::json body;       // the parsed JSON body on routes that take one

  // The i-th {parameter} of the route's path.
  const std::string& Param(std::size_t i) const { return params[i]; }
  std::optional<std::string> Query(const std::string& name) const;
  std::vector<std::string> params;
};

// A streamed body's consumer, opened by its route once the caller is known. The server
// pushes the body to it chunk by chunk as it arrives, each call on a worker, so no thread
// waits on the network between chunks.
class BodySink {
 public:
  virtual ~BodySink() = default;
  // The next piece of the body. An error ends the upload: it is the answer.
  virtual Status Feed(std::string_view chunk) = 0;
  // The body is complete: the answer.
  virtual Result<Reply> Finish() = 0;
  // The body broke off (over the size limit, or the client stopped sending): the error to
  // answer with, with whatever the sink adds about what it did meanwhile.
  virtual Error Abort(Error why) = 0;
};

// What a stream route's opener gives: a sink to feed, or an answer without reading the body.
using BodyOpening = std::variant<std::unique_ptr<BodySink>, Reply>;

enum class Access { kUser, kPublic };
// kIgnored: the route takes a body it never reads (it is drained, within a bound).
enum class BodyKind { kNone, kJson, kStream, kIgnored };

// A route's code: a handler answering a Call (every kind but kStream), or, for kStream, an
// opener giving the sink its body goes to. Implicit from either lambda, so that route tables
// list both alike.
class RouteHandler {
 public:
  RouteHandler() = default;
  template <typename F>
  requires std::is_invocable_v<F&, Call&> RouteHandler(
      F f) {  // NOLINT(google-explicit-constructor)
    if constexpr (std::is_same_v<std::invoke_result_t<F&, Call&>, Result<BodyOpening>>) {
      open_ = std::move(f);
    } else {
      reply_ = std::move(f);
    }
  }
  Result<Reply> operator()(Call& call) const { return reply_(call); }
  Result<BodyOpening> Open(Call& call) const { return open_(call); }

 private:
  std::function<Result<Reply>(Call&)> reply_;
  std::function<Result<BodyOpening>(Call&)> open_;
};

struct Route {
  std::string method;  // GET POST PATCH DELETE
  std::string path;    // "/api/sequences/{id}/pause"; a {name*} parameter may hold slashes
  Access access = Access::kUser;
  BodyKind body = BodyKind::kNone;
  RouteHandler handler;
};

// One request's way through the router: Begin decides what the body is needed for, and the
// connection then reads it and calls the matching continuation.
struct Exchange {
  enum class Next {
    kAnswer,    // write `answer`; a body still unread is drained (within a bound)
    kReadJson,  // read the whole body (at most body_limit bytes), then RunJson
    kStream,    // feed the body to FeedStream chunk by chunk, then FinishStream
  };
  explicit Exchange(HttpRequest r) : request(std::move(r)), call(request) {}
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  HttpRequest request;
  Next next = Next::kAnswer;
  HttpResponse answer;
  std::size_t body_limit = 0;

  // The router's own state.
  Call call;
  const Route* route = nullptr;
  std::unique_ptr<BodySink> sink;
};

class Router {
 public:
  Router(std::vector<Route> routes, ApiContext& context);

  // After the request's headers: routing, authentication, content type and declared size.
  void Begin(Exchange& exchange) const;
  // A kReadJson body, complete.
  HttpResponse RunJson(Exchange& exchange, std::string body) const;
  // A kStream body: each chunk; an answer ends the upload early.
  std::optional<HttpResponse> FeedStream(Exchange& exchange, std::string_view chunk) const;
  HttpResponse FinishStream(Exchange& exchange) const;
  // The body broke off: the answer (if the client still reads one). Closes the sink.
  HttpResponse AbortStream(Exchange& exchange, Error why) const;

 private:
  struct CompiledRoute {
    Route route;
    std::regex regex;
  };
  HttpResponse NotRouted(const HttpRequest& request) const;
  HttpResponse Guarded(const HttpRequest& request, const std::function<HttpResponse()>& step) const;

  std::vector<CompiledRoute> routes_;
  ApiContext& context_;
};

// "/api/mailboxes/{id}" → "/api/mailboxes/([^/]+)".
std::string PathRegex(std::string_view pattern);

// An answer with the API's headers (JSON content type, Cache-Control: no-store; a 401 says
// how to authenticate).
HttpResponse ReplyResponse(const Reply& reply);
HttpResponse ErrorResponse(const Error& error);
// The errors the connection itself answers with (431, 429, 400): no route is involved.
HttpResponse ProtocolErrorResponse(int status, std::string code, std::string message);

// limit=… (default 50, 1..max) and similar: 422 invalid_<name> when malformed.
Result<std::size_t> QueryCount(const Call& call, const std::string& name, std::size_t fallback,
                               std::size_t min, std::size_t max);

}  // namespace mailmark
