// Strict reading of one JSON object from a request, with errors that name the field by its
// path ("transport.port", "steps[2].delayMs"):
//   wrong type          400 invalid_field   {"field": path, "expected": "string"}
//   missing required    422 missing_field   {"field": path}
//   unknown field       400 unknown_field   {"field": path}
// The first error wins; later reads return empty values, so a parser reads everything it
// needs and checks Finish() once.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace mailmark {

enum class Need { kOptional, kRequired };

class JsonObjectReader {
 public:
  // `path` names the object in errors ("" for the request body itself).
  JsonObjectReader(const nlohmann::json& value, std::string path);

  // Present with any value, null included.
  bool Has(std::string_view key) const;
  bool IsNull(std::string_view key) const;

  // Null counts as absent for optional fields.
  std::optional<std::string> String(std::string_view key, Need need = Need::kOptional);
  std::optional<std::int64_t> Integer(std::string_view key, Need need = Need::kOptional);
  std::optional<bool> Bool(std::string_view key, Need need = Need::kOptional);
  const nlohmann::json* Object(std::string_view key, Need need = Need::kOptional);
  const nlohmann::json* Array(std::string_view key, Need need = Need::kOptional);
  // Any value (for fields with their own rules); marks the key as known.
  const nlohmann::json* Any(std::string_view key, Need need = Need::kOptional);

  // Fields a client may echo back from an answer (id, createdAt…): accepted and dropped.
  void Ignore(std::initializer_list<std::string_view> keys);

  // Records a rule violation found by the caller, unless an earlier error is already held.
  void Fail(Error error);
  bool failed() const { return error_.has_value(); }
  std::string PathOf(std::string_view key) const;

  // The first error, or unknown_field for a key nobody read or ignored.
  Status Finish();

 private:
  const nlohmann::json* Lookup(std::string_view key, Need need);
  void WrongType(std::string_view key, std::string_view expected);

  const nlohmann::json& value_;
  std::string path_;
  std::set<std::string, std::less<>> known_;
  std::optional<Error> error_;
};

}  // namespace mailmark
