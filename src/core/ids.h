// Random identifiers and secrets.
#pragma once

#include <string>
#include <string_view>

namespace mailmark {

// An opaque, unguessable id with a readable prefix, e.g. "seq_3f9a…" (prefix + 20 hex chars).
std::string NewId(std::string_view prefix);
// n random bytes as lower-case hex.
std::string RandomHex(std::size_t bytes);

}  // namespace mailmark
