// Who is calling: an API token (Authorization: Bearer) or the web UI's session cookie.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/http_message.h"
#include "core/model.h"
#include "core/result.h"
#include "store/store.h"

namespace mailmark {

inline constexpr std::string_view kSessionCookie = "mm_session";

struct Caller {
  User user;
  bool via_cookie = false;  // cookie callers get the cross-site request checks
};

// A bearer token wins over the cookie; a present but wrong credential is 401 unauthorized
// (never falls back to the other one), as is no credential at all.
Result<Caller> Authenticate(const HttpRequest& request, Store& store, Timestamp now);

// The mm_session cookie's value, if the request carries one.
std::optional<std::string> SessionCookie(const HttpRequest& request);

}  // namespace mailmark
