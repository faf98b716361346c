// How deeply a JSON text nests, found by a scan before it is parsed: a body of four million
// "[" would otherwise build hundreds of megabytes of nested arrays (limits in http_limits.h).
#pragma once

#include <cstddef>
#include <string_view>

namespace mailmark {

// Whether arrays and objects in `text` nest deeper than `max_depth` ("[[1]]" nests 2 deep).
// Brackets inside strings do not count. Only the nesting is judged: malformed text is left
// to the parser.
bool JsonNestsDeeperThan(std::string_view text, std::size_t max_depth);

}  // namespace mailmark
