#include "render/utf8.h"

namespace mailmark {

namespace {

bool InRange(unsigned char c, unsigned char lo, unsigned char hi) { return c >= lo && c <= hi; }

}  // namespace

std::optional<Utf8Char> DecodeUtf8(std::string_view s, std::size_t pos) {
  const auto lead = static_cast<unsigned char>(s[pos]);
  if (lead < 0x80) return Utf8Char{lead, 1};

  // Table 3-7 of the Unicode standard: the second byte's range depends on the lead byte,
  // which is what rules out overlong forms, surrogates and code points above U+10FFFF.
  std::size_t length = 0;
  unsigned char second_lo = 0x80;
  unsigned char second_hi = 0xBF;
  char32_t cp = 0;
  if (InRange(lead, 0xC2, 0xDF)) {
    length = 2;
    cp = lead & 0x1F;
  } else if (InRange(lead, 0xE0, 0xEF)) {
    length = 3;
    cp = lead & 0x0F;
    if (lead == 0xE0) second_lo = 0xA0;
    if (lead == 0xED) second_hi = 0x9F;
  } else if (InRange(lead, 0xF0, 0xF4)) {
    length = 4;
    cp = lead & 0x07;
    if (lead == 0xF0) second_lo = 0x90;
    if (lead == 0xF4) second_hi = 0x8F;
  } else {
    return std::nullopt;
  }
  if (s.size() - pos < length) return std::nullopt;

  for (std::size_t i = 1; i < length; ++i) {
    const auto c = static_cast<unsigned char>(s[pos + i]);
    const bool ok = i == 1 ? InRange(c, second_lo, second_hi) : InRange(c, 0x80, 0xBF);
    if (!ok) return std::nullopt;
    cp = (cp << 6) | (c & 0x3F);
  }
  return Utf8Char{cp, length};
}

}  // namespace mailmark
