#include "api/errors.h"

namespace mailmark {

int HttpStatus(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kBadRequest:
      return 400;
    case ErrorKind::kUnauthorized:
      return 401;
    case ErrorKind::kForbidden:
      return 403;
    case ErrorKind::kNotFound:
      return 404;
    case ErrorKind::kConflict:
      return 409;
    case ErrorKind::kTooLarge:
      return 413;
    case ErrorKind::kInvalid:
      return 422;
    case ErrorKind::kInternal:
      return 500;
  }
  return 500;
}

nlohmann::json ErrorBody(const Error& error) {
  nlohmann::json inner = {{"code", error.code}, {"message", error.message}};
  inner["details"] = error.details.is_null() ? nlohmann::json::object() : error.details;
  return {{"error", std::move(inner)}};
}

Error BadRequest(std::string code, std::string message, nlohmann::json details) {
  return MakeError(ErrorKind::kBadRequest, std::move(code), std::move(message), std::move(details));
}

Error Invalid(std::string code, std::string message, nlohmann::json details) {
  return MakeError(ErrorKind::kInvalid, std::move(code), std::move(message), std::move(details));
}

Error NotFound(std::string code, std::string message) {
  return MakeError(ErrorKind::kNotFound, std::move(code), std::move(message));
}

Error Unauthorized(std::string message) {
  return MakeError(ErrorKind::kUnauthorized, "unauthorized", std::move(message));
}

std::string DumpJson(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace mailmark
