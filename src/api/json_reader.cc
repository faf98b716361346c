#include "api/json_reader.h"

#include <limits>

#include "api/errors.h"

namespace mailmark {

JsonObjectReader::JsonObjectReader(const nlohmann::json& value, std::string path)
    : value_(value), path_(std::move(path)) {
  if (!value_.is_object()) {
    if (path_.empty()) {
      Fail(BadRequest("invalid_body", "The request body must be a JSON object."));
    } else {
      Fail(BadRequest("invalid_field", path_ + " must be an object.",
                      {{"field", path_}, {"expected", "object"}}));
    }
  }
}

std::string JsonObjectReader::PathOf(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

bool JsonObjectReader::Has(std::string_view key) const {
  return value_.is_object() && value_.find(key) != value_.end();
}

bool JsonObjectReader::IsNull(std::string_view key) const {
  if (!value_.is_object()) return false;
  auto it = value_.find(key);
  return it != value_.end() && it->is_null();
}

void JsonObjectReader::Fail(Error error) {
  if (!error_) error_ = std::move(error);
}

void JsonObjectReader::WrongType(std::string_view key, std::string_view expected) {
  std::string field = PathOf(key);
  Fail(BadRequest("invalid_field", field + " must be " + std::string(expected) + ".",
                  {{"field", field}, {"expected", expected}}));
}

const nlohmann::json* JsonObjectReader::Lookup(std::string_view key, Need need) {
  known_.emplace(key);
  if (failed() || !value_.is_object()) return nullptr;
  auto it = value_.find(key);
  if (it == value_.end() || it->is_null()) {
    if (need == Need::kRequired) {
      std::string field = PathOf(key);
      Fail(Invalid("missing_field", field + " is required.", {{"field", field}}));
    }
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> JsonObjectReader::String(std::string_view key, Need need) {
  const nlohmann::json* v = Lookup(key, need);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    WrongType(key, "a string");
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<std::int64_t> JsonObjectReader::Integer(std::string_view key, Need need) {
  const nlohmann::json* v = Lookup(key, need);
  if (!v) return std::nullopt;
  if (v->is_number_integer() && !v->is_number_unsigned()) return v->get<std::int64_t>();
  if (v->is_number_unsigned() &&
      v->get<std::uint64_t>() <=
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(v->get<std::uint64_t>());
  }
  WrongType(key, "an integer");
  return std::nullopt;
}

std::optional<bool> JsonObjectReader::Bool(std::string_view key, Need need) {
  const nlohmann::json* v = Lookup(key, need);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    WrongType(key, "true or false");
    return std::nullopt;
  }
  return v->get<bool>();
}

const nlohmann::json* JsonObjectReader::Object(std::string_view key, Need need) {
  const nlohmann::json* v = Lookup(key, need);
  if (v && !v->is_object()) {
    WrongType(key, "an object");
    return nullptr;
  }
  return v;
}

const nlohmann::json* JsonObjectReader::Array(std::string_view key, Need need) {
  const nlohmann::json* v = Lookup(key, need);
  if (v && !v->is_array()) {
    WrongType(key, "an array");
    return nullptr;
  }
  return v;
}

const nlohmann::json* JsonObjectReader::Any(std::string_view key, Need need) {
  return Lookup(key, need);
}

void JsonObjectReader::Ignore(std::initializer_list<std::string_view> keys) {
  for (std::string_view k : keys) known_.emplace(k);
}

Status JsonObjectReader::Finish() {
  if (error_) return *error_;
  for (const auto& [key, value] : value_.items()) {
    if (!known_.contains(key)) {
      std::string field = PathOf(key);
      return BadRequest("unknown_field", "Unknown field " + field + ".", {{"field", field}});
    }
  }
  return Ok{};
}

}  // namespace mailmark
