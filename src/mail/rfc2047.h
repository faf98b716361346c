// RFC 2047 encoded-words for header text (Subject, display names), written here rather than
// left to GMime: GMime 3.2.13 emits base64 words its own decoder mis-joins (upstream bug #133:
// adjacent base64 words, the first ending in '=', lose the second) and words longer than the
// 75 characters RFC 2047 allows. Measured: 60 % of random mixed-script subjects came back
// truncated. Q-encoded words have no padding, so that decoder bug cannot trigger.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mailmark {

// True when `text` cannot be put in a header as is: bytes outside printable ASCII, a "=?"
// a reader would try to decode, or a word too long to fold.
bool NeedsEncodedWords(std::string_view text);

// `text` with invalid UTF-8 sequences replaced by U+FFFD.
std::string ValidUtf8(std::string_view text);

// Q-encoded UTF-8 words ("=?UTF-8?Q?...?=") that decode, joined, to ValidUtf8(text). No word
// splits a character or exceeds 75 characters; the first exceeds neither `first_limit`
// (room left on the header's first line). Empty text gives no words.
std::vector<std::string> EncodeWords(std::string_view text, std::size_t first_limit = 75);

}  // namespace mailmark
