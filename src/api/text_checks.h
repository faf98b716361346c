// Small text predicates for request checks.
#pragma once

#include <string>
#include <string_view>

#include "core/utf8.h"  // IsValidUtf8, used with these checks

namespace mailmark {

// The media type of a Content-Type value, lower-cased, without parameters:
// "Text/CSV; charset=utf-8" → "text/csv".
std::string MediaType(std::string_view content_type);

}  // namespace mailmark
