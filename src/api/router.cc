#include "api/router.h"

#include <algorithm>
#include <charconv>
#include <memory>
#include <regex>

#include <spdlog/spdlog.h>

#include "api/auth.h"
#include "api/errors.h"
#include "api/static_files.h"
#include "api/text_checks.h"

namespace mailmark {
namespace {

constexpr const char* kJsonType = "application/json; charset=utf-8";

bool IsJsonContentType(const httplib::Request& req) {
  return MediaType(req.get_header_value("Content-Type")) == "application/json";
}

struct CompiledRoute {
  Route route;
  std::regex regex;
};

// Reads a JSON route's body: bounded by the limit, parsed, never buffered past it.
Result<nlohmann::json> ReadJsonBody(BodyStream& stream) {
  std::string text;
  Status read = stream.Read([&](std::string_view chunk) {
    text.append(chunk);
    return true;
  });
  if (!read) return read.error();
  if (text.empty()) return BadRequest("invalid_json", "This route needs a JSON body.");
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return BadRequest("invalid_json", "The request body is not valid JSON (UTF-8).");
  }
  return parsed;
}

Result<Reply> Handle(const Route& route, ApiContext& ctx, const httplib::Request& req,
                     BodyStream& stream) {
  Call call(req);
  for (std::size_t i = 1; i < req.matches.size(); ++i) call.params.push_back(req.matches[i]);
  if (route.access == Access::kUser) {
    Result<Caller> caller = Authenticate(req, ctx.store, ctx.clock.Now());
    if (!caller) return caller.error();
    // A browser sends the cookie; insist on a JSON content type, which a cross-site form
    // cannot produce without a CORS preflight (SameSite=Strict is the first line).
    if (caller->via_cookie && route.body == BodyKind::kJson && !IsJsonContentType(req)) {
      return UnsupportedMediaType("application/json");
    }
    call.user = std::move(caller->user);
  }
  if (route.body == BodyKind::kJson) {
    Result<nlohmann::json> body = ReadJsonBody(stream);
    if (!body) return body.error();
    call.body = std::move(*body);
  } else if (route.body == BodyKind::kStream) {
    call.stream = &stream;
  }
  return route.handler(call);
}

void Dispatch(const Route& route, ApiContext& ctx, const httplib::Request& req,
              httplib::Response& res, const httplib::ContentReader* reader) {
  std::size_t limit =
      route.body == BodyKind::kStream ? ctx.options.max_csv_bytes : ctx.options.max_json_bytes;
  BodyStream stream(req, reader, limit);
  Result<Reply> reply = Handle(route, ctx, req, stream);
  stream.Drain();
  if (!reply) {
    WriteError(res, reply.error());
    if (reply.error().kind == ErrorKind::kUnauthorized) {
      res.set_header("WWW-Authenticate", "Bearer realm=\"mailmark\"");
    }
  } else {
    WriteReply(res, *reply);
  }
}

void NotRouted(const std::vector<CompiledRoute>& routes, const httplib::Request& req,
               httplib::Response& res) {
  std::vector<std::string> allowed;
  for (const CompiledRoute& r : routes) {
    if (std::regex_match(req.path, r.regex) &&
        std::find(allowed.begin(), allowed.end(), r.route.method) == allowed.end()) {
      allowed.push_back(r.route.method);
    }
  }
  if (allowed.empty()) {
    WriteError(res, NotFound("route_not_found", "No route " + req.method + " " + req.path + "."));
    return;
  }
  std::string allow;
  for (const std::string& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
  WriteError(
      res, MakeError(ErrorKind::kBadRequest, "method_not_allowed",
                     req.method + " is not allowed on " + req.path + ".", {{"allowed", allowed}}));
  res.status = 405;
  res.set_header("Allow", allow);
}

Error ErrorForStatus(int status) {
  switch (status) {
    case 413:
      return MakeError(ErrorKind::kTooLarge, "payload_too_large", "The request is too large.");
    case 414:
      return BadRequest("uri_too_long", "The request URI is too long.");
    case 404:
      return NotFound("route_not_found", "No such route.");
    default:
      return BadRequest("bad_request", "The request is not valid HTTP.");
  }
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

BodyStream::BodyStream(const httplib::Request& request, const httplib::ContentReader* reader,
                       std::size_t limit)
    : request_(request), reader_(reader), limit_(limit) {}

std::optional<std::size_t> BodyStream::declared_length() const {
  if (!request_.has_header("Content-Length")) return std::nullopt;
  std::string text = request_.get_header_value("Content-Length");
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

Status BodyStream::Read(const std::function<bool(std::string_view)>& sink) {
  if (consumed_ || reader_ == nullptr) {
    consumed_ = true;
    return Ok{};
  }
  consumed_ = true;
  Error too_large =
      MakeError(ErrorKind::kTooLarge, "payload_too_large",
                "The request body is larger than " + std::to_string(limit_) + " bytes.",
                {{"limitBytes", limit_}});
  std::optional<std::size_t> declared = declared_length();
  bool over = declared && *declared > limit_;  // known before a byte is read: skip it all
  bool stopped = false;
  std::size_t total = 0;
  bool ok = (*reader_)([&](const char* data, std::size_t n) {
    if (over || stopped) return true;  // drain, so the connection stays usable
    total += n;
    if (total > limit_) {
      over = true;
      return true;
    }
    if (!sink(std::string_view(data, n))) stopped = true;
    return true;
  });
  if (over) return too_large;
  if (!ok) return BadRequest("body_read_failed", "The request body could not be read.");
  return Ok{};
}

void BodyStream::Drain() {
  if (consumed_ || reader_ == nullptr) return;
  consumed_ = true;
  (*reader_)([](const char*, std::size_t) { return true; });
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

void WriteReply(httplib::Response& res, const Reply& reply) {
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  res.set_header("Cache-Control", "no-store");
  if (reply.status == 204) return;
  if (reply.raw) {
    res.set_content(*reply.raw, reply.content_type.c_str());
  } else {
    res.set_content(DumpJson(reply.json), kJsonType);
  }
}

void WriteError(httplib::Response& res, const Error& error) {
  res.status = HttpStatus(error.kind);
  res.set_header("Cache-Control", "no-store");
  res.set_content(DumpJson(ErrorBody(error)), kJsonType);
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

void InstallRoutes(httplib::Server& server, std::vector<Route> routes, ApiContext& context) {
  auto compiled = std::make_shared<std::vector<CompiledRoute>>();
  for (Route& r : routes) {
    std::string regex = PathRegex(r.path);
    compiled->push_back({std::move(r), std::regex(regex)});
  }
  ApiContext* ctx = &context;
  for (const CompiledRoute& c : *compiled) {
    // The handlers share ownership of the table their route lives in.
    const Route* route = &c.route;
    std::string regex = PathRegex(route->path);
    if (route->method == "GET") {
      server.Get(regex,
                 [compiled, route, ctx](const httplib::Request& req, httplib::Response& res) {
                   Dispatch(*route, *ctx, req, res, nullptr);
                 });
      continue;
    }
    auto with_body = [compiled, route, ctx](const httplib::Request& req, httplib::Response& res,
                                            const httplib::ContentReader& reader) {
      Dispatch(*route, *ctx, req, res, &reader);
    };
    if (route->method == "POST") server.Post(regex, with_body);
    if (route->method == "PATCH") server.Patch(regex, with_body);
    if (route->method == "DELETE") server.Delete(regex, with_body);
  }

  // Catch-alls, registered last so real routes match first. Bodies sent to no route are
  // drained up to the JSON limit rather than buffered.
  std::size_t drain_limit = context.options.max_json_bytes;
  auto plain = [compiled](const httplib::Request& req, httplib::Response& res) {
    NotRouted(*compiled, req, res);
  };
  // GET (and so HEAD: httplib answers it with the GET handler, without the body) of any
  // path outside the API and the unsubscribe pages is the web UI's.
  auto get_or_ui = [compiled, ui_dir = context.options.ui_dir](const httplib::Request& req,
                                                               httplib::Response& res) {
    if (!ui_dir || !IsUiPath(req.path)) {
      NotRouted(*compiled, req, res);
      return;
    }
    StaticAnswer a = ServeUi(*ui_dir, req.path);
    res.status = a.status;
    for (const auto& [name, value] : a.headers) res.set_header(name, value);
    res.set_content(a.body, a.content_type);
  };
  auto with_body = [compiled, drain_limit](const httplib::Request& req, httplib::Response& res,
                                           const httplib::ContentReader& reader) {
    BodyStream stream(req, &reader, drain_limit);
    (void)stream.Read([](std::string_view) { return true; });
    NotRouted(*compiled, req, res);
  };
  server.Get(".*", get_or_ui);
  server.Options(".*", plain);
  server.Post(".*", with_body);
  server.Put(".*", with_body);
  server.Patch(".*", with_body);
  server.Delete(".*", with_body);

  server.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        int status = res.status;
        WriteError(res, ErrorForStatus(status));
        res.status = status;
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        spdlog::error("api: {} {} failed: {}", req.method, req.path, what);
        WriteError(res, MakeError(ErrorKind::kInternal, "internal_error",
                                  "The server could not handle this request."));
      });
}

}  // namespace mailmark
