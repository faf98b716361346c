// Random identifiers and secrets.
#pragma once

#include <string>
#include <string_view>

namespace mailmark {

// An opaque, unguessable id with a readable prefix, e.g. "seq_3f9a…" (prefix + 20 hex chars).
std::string NewId(std::string_view prefix);
// n random bytes as lower-case hex.
std::string RandomHex(std::size_t bytes);

// 12 hex digits of the current time in milliseconds, then `random_bytes` random bytes in hex.
// Rows written in a burst (a scheduler batch's messages, a CSV import's enrollments) then land
// on a few neighbouring index pages instead of one page each, which is most of what a commit
// of random ids costs. Still unguessable within a millisecond (48 bits and more); where an id
// is an authority (unsubscribe links), a signature guards it anyway.
std::string TimeOrderedHex(std::size_t random_bytes);
// prefix + '_' + TimeOrderedHex(6): 24 hex digits, for rows created by the thousand.
std::string NewTimeOrderedId(std::string_view prefix);

}  // namespace mailmark
