// How a merge value is made safe for where it lands: html bodies and subject lines.
#pragma once

#include <string>
#include <string_view>

namespace mailmark {

// Appends `text` to `out` with & < > " ' replaced by entities, so a value is shown as text
// both in element content and inside a quoted attribute. Other bytes, including ill-formed
// UTF-8, are copied unchanged.
void AppendHtmlEscaped(std::string& out, std::string_view text);

// Makes `subject` a single header-safe line:
// - a run of line breaks (CR, LF, U+0085 NEL, U+2028, U+2029, in any mix, with any dropped
//   controls among them) becomes one space, or none when a space is already next to it;
// - every other control character is dropped: C0 (including TAB), DEL, C1 (U+0080..U+009F);
// - leading and trailing ASCII spaces are trimmed.
// Everything else, including ill-formed UTF-8 bytes, is kept as is, except an ill-formed byte
// that would join the continuation bytes after a dropped control into a character: it becomes
// U+FFFD. So the result needs no second pass: SanitizeSubject(SanitizeSubject(s)) ==
// SanitizeSubject(s).
std::string SanitizeSubject(std::string_view subject);

}  // namespace mailmark
