// Base64 (RFC 2045 section 6.8) for MIME bodies, written straight into the message string.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mailmark {

// Appends `bytes` base64 encoded in lines of 76 characters joined by CRLF. Nothing follows
// the last line: the CRLF before the next MIME boundary belongs to the boundary.
void AppendBase64Lines(std::string_view bytes, std::string& out);

// Bytes AppendBase64Lines writes for `size` input bytes.
std::size_t Base64LinesSize(std::size_t size);

}  // namespace mailmark
