// Strict UTF-8 decoding of one character, so callers can recognise specific code points
// without ever rewriting bytes that are not well-formed UTF-8.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace mailmark {

struct Utf8Char {
  char32_t code_point = 0;
  std::size_t length = 0;  // bytes, 1..4
};

// Decodes the character starting at s[pos]. Returns nullopt for an ill-formed sequence
// (stray continuation byte, truncated sequence, overlong form, surrogate, > U+10FFFF).
// Requires pos < s.size().
std::optional<Utf8Char> DecodeUtf8(std::string_view s, std::size_t pos);

}  // namespace mailmark
