// UTF-8 well-formedness (RFC 3629: no overlongs, surrogates or code points beyond U+10FFFF),
// checked without copying: most text is valid, and ValidUtf8 (rfc2047.h) rebuilds the whole
// string even when it changes nothing.
#pragma once

#include <cstddef>
#include <string_view>

namespace mailmark {

// Bytes of the well-formed UTF-8 sequence starting at text[i] (1 for ASCII), or 0 when
// none starts there. `i` must be < text.size().
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i);

// True when `text` is well-formed UTF-8, that is when ValidUtf8(text) == text.
bool IsValidUtf8(std::string_view text);

}  // namespace mailmark
