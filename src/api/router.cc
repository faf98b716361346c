#include "api/router.h"

#include <algorithm>
#include <charconv>
#include <exception>

#include <spdlog/spdlog.h>

#include "api/auth.h"
#include "api/errors.h"
#include "api/json_depth.h"
#include "api/static_files.h"
#include "api/text_checks.h"

namespace mailmark {
namespace {

constexpr const char* kJsonType = "application/json; charset=utf-8";

bool IsJsonContentType(const HttpRequest& req) {
  return MediaType(req.get_header_value("Content-Type")) == "application/json";
}

Error TooLarge(std::size_t limit) {
  return MakeError(ErrorKind::kTooLarge, "payload_too_large",
                   "The request body is larger than " + std::to_string(limit) + " bytes.",
                   {{"limitBytes", limit}});
}

// A JSON route's body: bounded by its nesting, then parsed.
Result<nlohmann::json> ParseJsonBody(const std::string& text, std::size_t max_depth) {
  if (text.empty()) return BadRequest("invalid_json", "This route needs a JSON body.");
  if (JsonNestsDeeperThan(text, max_depth)) {
    return BadRequest("json_too_deep",
                      "The request body nests arrays and objects more than " +
                          std::to_string(max_depth) + " deep.",
                      {{"maxDepth", max_depth}});
  }
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return BadRequest("invalid_json", "The request body is not valid JSON (UTF-8).");
  }
  return parsed;
}

HttpResponse FromResult(const Result<Reply>& reply) {
  return reply ? ReplyResponse(*reply) : ErrorResponse(reply.error());
}

HttpResponse InternalError(const HttpRequest& req, const std::string& what) {
  spdlog::error("api: {} {} failed: {}", req.method, req.path, what);
  return ErrorResponse(MakeError(ErrorKind::kInternal, "internal_error",
                                 "The server could not handle this request."));
}

std::string WhatOf(const std::exception_ptr& ep) {
  try {
    std::rethrow_exception(ep);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
  }
  return "unknown exception";
}

}  // namespace

Reply Reply::Json(nlohmann::json body, int status) {
  Reply r;
  r.status = status;
  r.json = std::move(body);
  return r;
}

Reply UnsupportedMediaType(std::string_view expected) {
  Error e = BadRequest("unsupported_media_type",
                       "Send the body as Content-Type: " + std::string(expected) + ".",
                       {{"expected", expected}});
  return Reply::Json(ErrorBody(e), 415);
}

Reply Reply::NoContent() {
  Reply r;
  r.status = 204;
  return r;
}

Reply Reply::Raw(std::string body, std::string content_type) {
  Reply r;
  r.raw = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

std::optional<std::string> Call::Query(const std::string& name) const {
  if (!request.has_param(name)) return std::nullopt;
  return request.get_param_value(name);
}

std::string PathRegex(std::string_view pattern) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size();) {
    if (pattern[i] == '{') {
      std::size_t close = pattern.find('}', i);
      bool greedy = close != std::string_view::npos && close > i && pattern[close - 1] == '*';
      out += greedy ? "(.+)" : "([^/]+)";
      i = close + 1;
      continue;
    }
    char c = pattern[i++];
    if (std::string_view(".^$|()[]*+?\\").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

HttpResponse ReplyResponse(const Reply& reply) {
  HttpResponse res;
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  res.set_header("Cache-Control", "no-store");
  if (reply.status == 204) return res;
  if (reply.raw) {
    res.set_header("Content-Type", reply.content_type);
    res.body = *reply.raw;
  } else {
    res.set_header("Content-Type", kJsonType);
    res.body = DumpJson(reply.json);
  }
  return res;
}

HttpResponse ErrorResponse(const Error& error) {
  HttpResponse res;
  res.status = HttpStatus(error.kind);
  res.set_header("Cache-Control", "no-store");
  res.set_header("Content-Type", kJsonType);
  if (error.kind == ErrorKind::kUnauthorized) {
    res.set_header("WWW-Authenticate", "Bearer realm=\"mailmark\"");
  }
  res.body = DumpJson(ErrorBody(error));
  return res;
}

HttpResponse ProtocolErrorResponse(int status, std::string code, std::string message) {
  HttpResponse res = ErrorResponse(BadRequest(std::move(code), std::move(message)));
  res.status = status;
  return res;
}

Result<std::size_t> QueryCount(const Call& call, const std::string& name, std::size_t fallback,
                               std::size_t min, std::size_t max) {
  std::optional<std::string> text = call.Query(name);
  if (!text) return fallback;
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (text->empty() || ec != std::errc() || end != text->data() + text->size() || n < min ||
      n > max) {
    return Invalid("invalid_" + name,
                   name + " must be a whole number from " + std::to_string(min) + " to " +
                       std::to_string(max) + ".",
                   {{"field", name}});
  }
  return n;
}

Router::Router(std::vector<Route> routes, ApiContext& context) : context_(context) {
  for (Route& r : routes) {
    std::regex regex(PathRegex(r.path));
    routes_.push_back({std::move(r), std::move(regex)});
  }
}

HttpResponse Router::Guarded(const HttpRequest& request,
                             const std::function<HttpResponse()>& step) const {
  try {
    return step();
  } catch (...) {
    return InternalError(request, WhatOf(std::current_exception()));
  }
}

HttpResponse Router::NotRouted(const HttpRequest& req) const {
  std::vector<std::string> allowed;
  for (const CompiledRoute& r : routes_) {
    if (std::regex_match(req.path, r.regex) &&
        std::find(allowed.begin(), allowed.end(), r.route.method) == allowed.end()) {
      allowed.push_back(r.route.method);
    }
  }
  if (allowed.empty()) {
    return ErrorResponse(
        NotFound("route_not_found", "No route " + req.method + " " + req.path + "."));
  }
  std::string allow;
  for (const std::string& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
  HttpResponse res = ErrorResponse(MakeError(ErrorKind::kBadRequest, "method_not_allowed",
                                             req.method + " is not allowed on " + req.path + ".",
                                             {{"allowed", allowed}}));
  res.status = 405;
  res.set_header("Allow", allow);
  return res;
}

void Router::Begin(Exchange& ex) const {
  const HttpRequest& req = ex.request;
  ex.next = Exchange::Next::kAnswer;
  ex.answer = Guarded(req, [&]() -> HttpResponse {
    // HEAD is GET without the body (the connection leaves it out).
    std::string method = req.method == "HEAD" ? "GET" : req.method;
    std::smatch m;
    for (const CompiledRoute& c : routes_) {
      if (c.route.method == method && std::regex_match(req.path, m, c.regex)) {
        ex.route = &c.route;
        break;
      }
    }
    if (ex.route == nullptr) {
      // GET of any path outside the API and the unsubscribe pages is the web UI's.
      const std::optional<std::filesystem::path>& ui_dir = context_.options.ui_dir;
      if (method != "GET" || !ui_dir || !IsUiPath(req.path)) return NotRouted(req);
      StaticAnswer a = ServeUi(*ui_dir, req.path);
      HttpResponse res;
      res.status = a.status;
      for (const auto& [name, value] : a.headers) res.set_header(name, value);
      res.set_header("Content-Type", a.content_type);
      res.body = std::move(a.body);
      return res;
    }
    const Route& route = *ex.route;
    for (std::size_t i = 1; i < m.size(); ++i) ex.call.params.push_back(m[i]);
    if (route.access == Access::kUser) {
      Result<Caller> caller = Authenticate(req, context_.store, context_.clock.Now());
      if (!caller) return ErrorResponse(caller.error());
      // A browser sends the cookie; insist on a JSON content type, which a cross-site form
      // cannot produce without a CORS preflight (SameSite=Strict is the first line).
      if (caller->via_cookie && route.body == BodyKind::kJson && !IsJsonContentType(req)) {
        return ReplyResponse(UnsupportedMediaType("application/json"));
      }
      ex.call.user = std::move(caller->user);
    }
    std::optional<std::size_t> declared = req.content_length();
    switch (route.body) {
      case BodyKind::kJson:
        ex.body_limit = context_.options.max_json_bytes;
        // Known before a byte is read: refuse it all.
        if (declared && *declared > ex.body_limit) return ErrorResponse(TooLarge(ex.body_limit));
        ex.next = Exchange::Next::kReadJson;
        return {};
      case BodyKind::kStream: {
        ex.body_limit = context_.options.max_csv_bytes;
        Result<BodyOpening> opened = route.handler.Open(ex.call);
        if (!opened) return ErrorResponse(opened.error());
        if (Reply* reply = std::get_if<Reply>(&*opened)) return ReplyResponse(*reply);
        ex.sink = std::move(std::get<std::unique_ptr<BodySink>>(*opened));
        if (declared && *declared > ex.body_limit) {
          return AbortStream(ex, TooLarge(ex.body_limit));
        }
        ex.next = Exchange::Next::kStream;
        return {};
      }
      case BodyKind::kNone:
      case BodyKind::kIgnored:
        break;
    }
    return FromResult(route.handler(ex.call));
  });
  // An exception after a step was chosen still answers.
  if (ex.answer.status == 500) {
    ex.next = Exchange::Next::kAnswer;
    ex.sink.reset();
  }
}

HttpResponse Router::RunJson(Exchange& ex, std::string body) const {
  return Guarded(ex.request, [&] {
    Result<nlohmann::json> parsed = ParseJsonBody(body, context_.options.http.max_json_depth);
    if (!parsed) return ErrorResponse(parsed.error());
    ex.call.body = std::move(*parsed);
    return FromResult(ex.route->handler(ex.call));
  });
}

std::optional<HttpResponse> Router::FeedStream(Exchange& ex, std::string_view chunk) const {
  std::optional<HttpResponse> answer;
  HttpResponse guarded = Guarded(ex.request, [&] {
    Status fed = ex.sink->Feed(chunk);
    if (!fed) {
      ex.sink.reset();
      answer = ErrorResponse(fed.error());
    }
    return HttpResponse{};
  });
  if (guarded.status == 500) {
    ex.sink.reset();
    return guarded;
  }
  return answer;
}

HttpResponse Router::FinishStream(Exchange& ex) const {
  HttpResponse res = Guarded(ex.request, [&] { return FromResult(ex.sink->Finish()); });
  ex.sink.reset();
  return res;
}

HttpResponse Router::AbortStream(Exchange& ex, Error why) const {
  HttpResponse res = Guarded(ex.request, [&] {
    return ErrorResponse(ex.sink ? ex.sink->Abort(std::move(why)) : std::move(why));
  });
  ex.sink.reset();
  return res;
}

}  // namespace mailmark
