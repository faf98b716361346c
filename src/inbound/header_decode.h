// RFC 2047 decoding of header text, done here rather than by GMime 3.2.13: its decoder joins
// adjacent base64 encoded-words of one charset before decoding them, so when the first ends
// in '=' padding the second is lost (upstream bug #133, "Re: Üb" for "Re: Überblick").
#pragma once

#include <string>
#include <string_view>

namespace mailmark::inbound {

// Folded header value -> one line: CR and LF removed (the blank that follows stays), then
// surrounding blanks trimmed.
std::string UnfoldHeader(std::string_view raw);

// Decoded UTF-8 text of an unstructured header value (Subject, a display name):
//  - each "=?charset[*lang]?B|Q?text?=" word is decoded on its own, so padding inside one
//    word never swallows the next;
//  - blanks between two encoded-words vanish; adjacent words of one charset are joined as
//    bytes before conversion, so a character split across two words survives;
//  - charsets are converted with GMime's charset aliases; unknown ones or bad bytes become
//    U+FFFD; a malformed word stays as written;
//  - raw 8-bit text is kept when it is UTF-8, else read as windows-1252;
//  - control characters (tabs, a stray CR/LF inside a word) become spaces.
// Total and linear: never fails.
std::string DecodeHeaderText(std::string_view raw);

}  // namespace mailmark::inbound
