#include "mail/base64.h"

namespace mailmark {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::size_t kGroupsPerLine = 19;  // 76 characters, the most RFC 2045 allows

}  // namespace

void AppendBase64Lines(std::string_view bytes, std::string& out) {
  auto at = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  std::size_t start = out.size();
  out.resize(start + Base64LinesSize(bytes.size()));
  char* p = out.data() + start;  // the size is exact, so no append needs a capacity check
  std::size_t groups = 0;
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    if (groups == kGroupsPerLine) {
      *p++ = '\r';
      *p++ = '\n';
      groups = 0;
    }
    unsigned v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
    *p++ = kAlphabet[(v >> 18) & 63];
    *p++ = kAlphabet[(v >> 12) & 63];
    *p++ = kAlphabet[(v >> 6) & 63];
    *p++ = kAlphabet[v & 63];
    ++groups;
  }
  std::size_t rest = bytes.size() - i;
  if (rest == 0) return;
  if (groups == kGroupsPerLine) {
    *p++ = '\r';
    *p++ = '\n';
  }
  unsigned v = at(i) << 16;
  if (rest == 2) v |= at(i + 1) << 8;
  *p++ = kAlphabet[(v >> 18) & 63];
  *p++ = kAlphabet[(v >> 12) & 63];
  *p++ = rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
  *p = '=';
}

std::size_t Base64LinesSize(std::size_t size) {
  std::size_t groups = (size + 2) / 3;
  std::size_t lines = (groups + kGroupsPerLine - 1) / kGroupsPerLine;
  return groups * 4 + (lines > 0 ? (lines - 1) * 2 : 0);
}

}  // namespace mailmark
