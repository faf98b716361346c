// UTF-8 validity, checked without copying: most text is valid, and ValidUtf8 (rfc2047.h)
// rebuilds the whole string even when it changes nothing.
#pragma once

#include <string_view>

namespace mailmark {

// True when `text` is well-formed UTF-8 (RFC 3629: no overlongs, surrogates or code points
// beyond U+10FFFF), that is when ValidUtf8(text) == text.
bool IsValidUtf8(std::string_view text);

}  // namespace mailmark
