#include "mail/quoted_printable.h"

#include <algorithm>
#include <array>

namespace mailmark {
namespace {

constexpr std::size_t kMaxLine = 76;  // RFC 2045 section 6.7, rule 5
constexpr char kHex[] = "0123456789ABCDEF";

// How a byte is written: kAlways literal; kBlank literal unless it ends a line; kOther takes
// the careful path ('F' included, for the "From " rule).
enum Kind : unsigned char { kOther, kAlways, kBlank };
constexpr auto kKinds = [] {
  std::array<Kind, 256> kinds{};
  for (int c = '!'; c <= '~'; ++c) kinds[c] = kAlways;
  kinds['='] = kinds['F'] = kOther;
  kinds[' '] = kinds['\t'] = kBlank;
  return kinds;
}();

}  // namespace

void AppendQuotedPrintable(std::string_view text, std::string& out) {
  // Written through a pointer into room reserved for the worst case (every byte escaped, a
  // soft break after every 73 characters), then trimmed: per-byte appends cost several times
  // more, and this runs over every body of every message.
  std::size_t start = out.size();
  out.resize(start + 3 * text.size() + 3 * (3 * text.size() / (kMaxLine - 3) + 1));
  char* const begin = out.data() + start;
  char* p = begin;
  char* line_start = p;
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n; ++i) {
    // Fast path: bytes that go out as they are while the line has room even for a soft break
    // after them. Output is the same as the careful path's below, which handles the rest.
    if (std::size_t line = static_cast<std::size_t>(p - line_start); line < kMaxLine - 1) {
      std::size_t stop = std::min(n, i + (kMaxLine - 1 - line));
      while (i < stop) {
        Kind kind = kKinds[static_cast<unsigned char>(text[i])];
        if (kind == kOther || (kind == kBlank && (i + 1 == n || text[i + 1] == '\n'))) break;
        *p++ = text[i++];
      }
      if (i == n) break;
    }
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      *p++ = '\r';
      *p++ = '\n';
      line_start = p;
      continue;
    }
    bool ends_line = i + 1 == n || text[i + 1] == '\n';
    // Blanks before a line break are stripped by gateways and decoders (rule 3), so they are
    // escaped there.
    bool literal = (c > ' ' && c < 0x7F && c != '=') || ((c == ' ' || c == '\t') && !ends_line);
    // mbox writers turn a line's "From " into ">From ", so its 'F' is escaped too.
    auto starts_from = [&] { return c == 'F' && text.substr(i, 5) == "From "; };
    if (literal && p == line_start && starts_from()) literal = false;
    std::size_t width = literal ? 1 : 3;
    // A line's last character may take the column a soft break would otherwise need.
    std::size_t room = ends_line ? kMaxLine : kMaxLine - 1;
    if (static_cast<std::size_t>(p - line_start) + width > room) {
      *p++ = '=';
      *p++ = '\r';
      *p++ = '\n';
      line_start = p;
      if (literal && starts_from()) literal = false;
    }
    if (literal) {
      *p++ = static_cast<char>(c);
    } else {
      *p++ = '=';
      *p++ = kHex[c >> 4];
      *p++ = kHex[c & 15];
    }
  }
  out.resize(start + static_cast<std::size_t>(p - begin));
}

}  // namespace mailmark
