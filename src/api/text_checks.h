// Small text predicates for request checks.
#pragma once

#include <string>
#include <string_view>

namespace mailmark {

// Well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool IsValidUtf8(std::string_view s);

// The media type of a Content-Type value, lower-cased, without parameters:
// "Text/CSV; charset=utf-8" → "text/csv".
std::string MediaType(std::string_view content_type);

}  // namespace mailmark
