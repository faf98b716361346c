#include "api/auth.h"

#include "api/credentials.h"
#include "api/errors.h"

namespace mailmark {
namespace {

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

Result<Caller> Lookup(Store& store, std::string_view secret, bool via_cookie, Timestamp now) {
  // Bound the work an attacker can make us do per request.
  if (secret.empty() || secret.size() > 512) return Unauthorized("The credential is not valid.");
  std::optional<User> user = store.FindUserByCredential(HashToken(secret), now);
  if (!user) return Unauthorized("The credential is not valid or has expired.");
  return Caller{std::move(*user), via_cookie};
}

}  // namespace

std::optional<std::string> SessionCookie(const HttpRequest& request) {
  std::size_t count = request.get_header_value_count("Cookie");
  for (std::size_t n = 0; n < count; ++n) {
    const std::string raw = request.get_header_value("Cookie", n);
    std::string_view header = raw;
    while (!header.empty()) {
      std::size_t semi = header.find(';');
      std::string_view pair = TrimSpaces(header.substr(0, semi));
      header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
      std::size_t eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (TrimSpaces(pair.substr(0, eq)) == kSessionCookie) {
        return std::string(TrimSpaces(pair.substr(eq + 1)));
      }
    }
  }
  return std::nullopt;
}

Result<Caller> Authenticate(const HttpRequest& request, Store& store, Timestamp now) {
  if (request.has_header("Authorization")) {
    const std::string raw = request.get_header_value("Authorization");
    std::string_view value = TrimSpaces(raw);
    constexpr std::string_view kScheme = "bearer ";
    if (value.size() <= kScheme.size() ||
        !EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme))
      return Unauthorized("Use \"Authorization: Bearer <token>\".");
    return Lookup(store, TrimSpaces(value.substr(kScheme.size())), false, now);
  }
  if (std::optional<std::string> cookie = SessionCookie(request)) {
    return Lookup(store, *cookie, true, now);
  }
  return Unauthorized(
      "This route needs an API token (Authorization: Bearer <token>) or a "
      "session.");
}

}  // namespace mailmark
