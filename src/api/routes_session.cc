// /api/session: the web UI's login with a username and password, kept in a cookie
// (mm_session: HttpOnly; SameSite=Strict; Path=/). The cookie holds a random token; the
// store keeps only its hash, as a "session" credential that expires.
#include <chrono>

#include "api/auth.h"
#include "api/credentials.h"
#include "api/errors.h"
#include "api/json_mapping.h"
#include "api/json_reader.h"
#include "api/routes.h"

namespace mailmark {
namespace {

constexpr auto kSessionLifetime = std::chrono::days(30);

Error BadLogin() {
  return MakeError(ErrorKind::kUnauthorized, "invalid_credentials", "Wrong username or password.");
}

// Verifying against a real hash when the user does not exist keeps the answer's timing from
// telling which usernames exist.
const std::string& DummyHash() {
  static const std::string hash = [] {
    Result<std::string> h = HashPassword("mailmark-timing-equaliser");
    return h ? *h : std::string();
  }();
  return hash;
}

std::string Cookie(const ApiContext& ctx, const std::string& value, std::int64_t max_age) {
  std::string cookie = std::string(kSessionCookie) + "=" + value +
                       "; HttpOnly; SameSite=Strict; Path=/; Max-Age=" + std::to_string(max_age);
  if (ctx.options.public_url.rfind("https://", 0) == 0) cookie += "; Secure";
  return cookie;
}

Result<Reply> Login(ApiContext& ctx, Call& call) {
  JsonObjectReader r(call.body, "");
  std::string name = r.String("username", Need::kRequired).value_or("");
  std::string password = r.String("password", Need::kRequired).value_or("");
  if (Status st = r.Finish(); !st) return st.error();
  std::optional<User> user = ctx.store.FindUserByName(name);
  if (!user || user->password_hash.empty()) {
    (void)VerifyPassword(DummyHash(), password);
    return BadLogin();
  }
  if (!VerifyPassword(user->password_hash, password)) return BadLogin();
  Timestamp now = ctx.clock.Now();
  std::string token = NewToken();
  if (Status st = ctx.store.AddCredential(user->id, HashToken(token), "session",
                                          now + kSessionLifetime, now);
      !st) {
    return st.error();
  }
  Reply reply = Reply::Json(UserJson(*user));
  reply.headers.emplace_back(
      "Set-Cookie",
      Cookie(ctx, token,
             std::chrono::duration_cast<std::chrono::seconds>(kSessionLifetime).count()));
  return reply;
}

Result<Reply> Current(ApiContext&, Call& call) { return Reply::Json(UserJson(*call.user)); }

Result<Reply> Logout(ApiContext& ctx, Call& call) {
  if (std::optional<std::string> cookie = SessionCookie(call.request);
      cookie && !cookie->empty() && cookie->size() <= 512) {
    if (Status st = ctx.store.DeleteCredential(HashToken(*cookie)); !st) return st.error();
  }
  Reply reply = Reply::NoContent();
  reply.headers.emplace_back("Set-Cookie", Cookie(ctx, "", 0));
  return reply;
}

}  // namespace

std::vector<Route> SessionRoutes(ApiContext& ctx) {
  auto bind = [&ctx](Result<Reply> (*fn)(ApiContext&, Call&)) {
    return [&ctx, fn](Call& call) { return fn(ctx, call); };
  };
  return {
      {"POST", "/api/session", Access::kPublic, BodyKind::kJson, bind(Login)},
      {"GET", "/api/session", Access::kUser, BodyKind::kNone, bind(Current)},
      {"DELETE", "/api/session", Access::kPublic, BodyKind::kNone, bind(Logout)},
  };
}

}  // namespace mailmark
