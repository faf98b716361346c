// How an Error becomes an HTTP answer: status code plus {"error":{"code","message","details"}}.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace mailmark {

int HttpStatus(ErrorKind kind);
nlohmann::json ErrorBody(const Error& error);

// Short constructors for the errors the HTTP layer itself raises.
Error BadRequest(std::string code, std::string message, nlohmann::json details = nullptr);
Error Invalid(std::string code, std::string message, nlohmann::json details = nullptr);
Error NotFound(std::string code, std::string message);
Error Unauthorized(std::string message);

// The body a JSON answer is written with: invalid UTF-8 that slipped into stored text (CSV
// fields are bytes) is replaced, never thrown on.
std::string DumpJson(const nlohmann::json& j);

}  // namespace mailmark
