// The route table and how it is wired into cpp-httplib: path patterns, per-route access,
// bounded body reading, JSON answers with the API's headers, and 404/405 for the rest.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

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

// A request body read on demand: at most once, counted against a byte limit.
class BodyStream {
 public:
  BodyStream(const httplib::Request& request, const httplib::ContentReader* reader,
             std::size_t limit);
  // Passes chunks to `sink` until the body ends or `sink` returns false. 413
  // payload_too_large once more than `limit` bytes arrive (the rest is drained).
  Status Read(const std::function<bool(std::string_view)>& sink);
  // Reads and drops whatever was not read, so the connection stays in step.
  void Drain();
  // Content-Length when the client sent one.
  std::optional<std::size_t> declared_length() const;
  std::size_t limit() const { return limit_; }

 private:
  const httplib::Request& request_;
  const httplib::ContentReader* reader_;
  std::size_t limit_;
  bool consumed_ = false;
};

struct Call {
  explicit Call(const httplib::Request& r) : request(r) {}
  const httplib::Request& request;
  std::optional<User> user;      // set on every route that needs auth
  nlohmann::json body;           // the parsed JSON body on routes that take one
  BodyStream* stream = nullptr;  // the raw body on streaming routes

  // The i-th {parameter} of the route's path.
  const std::string& Param(std::size_t i) const { return params[i]; }
  std::optional<std::string> Query(const std::string& name) const;
  std::vector<std::string> params;
};

enum class Access { kUser, kPublic };
enum class BodyKind { kNone, kJson, kStream };

struct Route {
  std::string method;  // GET POST PATCH DELETE
  std::string path;    // "/api/sequences/{id}/pause"; a {name*} parameter may hold slashes
  Access access = Access::kUser;
  BodyKind body = BodyKind::kNone;
  std::function<Result<Reply>(Call&)> handler;
};

// Turns the route table into httplib handlers, with catch-alls that answer 404
// route_not_found or 405 method_not_allowed, an error handler for httplib's own failures
// (JSON bodies for its 400/413/414) and an exception handler (500 JSON, logged).
void InstallRoutes(httplib::Server& server, std::vector<Route> routes, ApiContext& context);

// "/api/mailboxes/{id}" → "/api/mailboxes/([^/]+)".
std::string PathRegex(std::string_view pattern);

// Writes an answer with the API's headers (JSON content type, Cache-Control: no-store).
void WriteReply(httplib::Response& res, const Reply& reply);
void WriteError(httplib::Response& res, const Error& error);

// limit=… (default 50, 1..max) and similar: 422 invalid_<name> when malformed.
Result<std::size_t> QueryCount(const Call& call, const std::string& name, std::size_t fallback,
                               std::size_t min, std::size_t max);

}  // namespace mailmark
