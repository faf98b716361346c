#include "render/text_escape.h"

#include <optional>

#include "render/utf8.h"

namespace mailmark {

void AppendHtmlEscaped(std::string& out, std::string_view text) {
  out.reserve(out.size() + text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
        break;
    }
  }
}

namespace {

enum class SubjectCharClass { kKeep, kLineBreak, kDrop };

SubjectCharClass Classify(char32_t cp) {
  if (cp == U'\r' || cp == U'\n' || cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
    return SubjectCharClass::kLineBreak;
  }
  if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return SubjectCharClass::kDrop;
  return SubjectCharClass::kKeep;
}

}  // namespace

std::string SanitizeSubject(std::string_view subject) {
  std::string out;
  out.reserve(subject.size());
  bool pending_space = false;    // a line break was seen since the last kept character
  bool dropped = false;          // a control was dropped since the last kept character
  bool ends_ill_formed = false;  // `out` ends with a kept ill-formed byte
  std::size_t pos = 0;
  while (pos < subject.size()) {
    const std::optional<Utf8Char> ch = DecodeUtf8(subject, pos);
    // An ill-formed byte is neither a control nor a line break: keep it, one byte at a time.
    const std::size_t length = ch ? ch->length : 1;
    const SubjectCharClass cls = ch ? Classify(ch->code_point) : SubjectCharClass::kKeep;
    if (cls == SubjectCharClass::kLineBreak) {
      pending_space = true;
    } else if (cls == SubjectCharClass::kDrop) {
      dropped = true;
    } else {
      // A break next to a space only needs that space.
      if (pending_space && !out.empty() && out.back() != ' ' && subject[pos] != ' ') {
        out += ' ';
        ends_ill_formed = false;
      }
      // Without the control between them, an ill-formed byte and the continuation bytes after
      // it would read as one character, maybe one dropped here ("\xC2\x01\x85" would leave
      // U+0085, a line break): the ill-formed byte becomes U+FFFD instead.
      if (dropped && ends_ill_formed && (static_cast<unsigned char>(subject[pos]) & 0xC0) == 0x80) {
        out.replace(out.size() - 1, 1, "\xEF\xBF\xBD");
      }
      pending_space = false;
      dropped = false;
      out.append(subject.substr(pos, length));
      ends_ill_formed = !ch;
    }
    pos += length;
  }
  const std::size_t first = out.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  const std::size_t last = out.find_last_not_of(' ');
  return out.substr(first, last - first + 1);
}

}  // namespace mailmark
