// Quoted-printable (RFC 2045 section 6.7) for text bodies, written straight into the message
// string: the message builder produces thousands of messages a second and cannot afford a
// MIME object tree per message.
#pragma once

#include <string>
#include <string_view>

namespace mailmark {

// Appends `text` quoted-printable encoded. Each LF in `text` is a line break and becomes a CRLF
// hard break. Printable ASCII stays as is; '=', every other byte (CR included), a blank ending a
// line and the 'F' of a "From " starting one become =XX. No encoded line exceeds 76 characters,
// "=" soft breaks included. Nothing follows the last line, so a MIME part's content ends where
// `text` does (the CRLF before the next boundary belongs to the boundary).
void AppendQuotedPrintable(std::string_view text, std::string& out);

}  // namespace mailmark
