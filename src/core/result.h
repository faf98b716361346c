// Expected failures travel as values: Result<T> holds a T or an Error with a stable code.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

namespace mailmark {

// What kind of failure, which the HTTP layer maps to a status code.
enum class ErrorKind {
  kBadRequest,    // 400: malformed input
  kUnauthorized,  // 401
  kForbidden,     // 403
  kNotFound,      // 404: missing, or not the caller's
  kConflict,      // 409: conflicts with the current state
  kTooLarge,      // 413
  kInvalid,       // 422: well-formed but breaks a rule
  kInternal,      // 500
};

struct Error {
  ErrorKind kind = ErrorKind::kInvalid;
  std::string code;  // stable snake_case identifier
  std::string message;
  nlohmann::json details = nullptr;
};

inline Error MakeError(ErrorKind kind, std::string code, std::string message,
                       nlohmann::json details = nullptr) {
  return Error{kind, std::move(code), std::move(message), std::move(details)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// For operations that return nothing but may fail.
struct Ok {};
using Status = Result<Ok>;

}  // namespace mailmark
