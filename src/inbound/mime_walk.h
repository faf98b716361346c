// GMime plumbing shared by the inbound parsers: parse, walk the parts, read a part's content.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <gmime/gmime.h>

#include "mail/gobject_ptr.h"

namespace mailmark::inbound {

// Longest header field (folded lines included) accepted anywhere in a message, and the
// largest top-level header block: GMime 3.2.13 decodes long encoded-word headers in
// quadratic time (a 2 MB Subject of encoded-words takes 40 s), so bigger ones are refused.
inline constexpr std::size_t kMaxHeaderField = 128 * 1024;
inline constexpr std::size_t kMaxHeaderBlock = 1024 * 1024;

// Whether `raw` has a header field or a header block over those limits. Linear.
bool HasOverlongHeaders(std::string_view raw);

// The message GMime makes of `raw`, or null (also when HasOverlongHeaders).
GObjectPtr<GMimeMessage> ParseMime(std::string_view raw);

// "type/subtype" in lower case; "text/plain" when the part has no Content-Type.
std::string MimeType(GMimeObject* part);

// Visits `root` and its multipart descendants depth first, in order, up to kMaxMimeDepth.
// Enclosed messages (message/rfc822) are visited but not entered: their parts belong to
// another message. `visit` returns false to stop the walk.
void WalkParts(GMimeObject* root, const std::function<bool(GMimeObject* part)>& visit);

// The decoded content of a leaf part (transfer encoding undone, charset untouched), or the
// enclosed message as text for a message part. At most `limit` bytes.
std::string PartBytes(GMimeObject* part, std::size_t limit);

// The unfolded raw value of the first `name` header of `object`, or "".
std::string RawHeader(GMimeObject* object, const char* name);

// Converts CRLF (and lone CR) to LF.
std::string NormalizeNewlines(std::string_view text);

}  // namespace mailmark::inbound
