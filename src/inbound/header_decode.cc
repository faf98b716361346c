#include "inbound/header_decode.h"

#include <optional>
#include <vector>

#include <gmime/gmime.h>

#include "inbound/text_util.h"
#include "mail/gmime_runtime.h"
#include "mail/gobject_ptr.h"
#include "mail/rfc2047.h"

namespace mailmark::inbound {
namespace {

constexpr std::size_t kMaxWordLength = 1024;

struct EncodedWord {
  std::string charset;  // lower-cased, without an RFC 2231 language
  std::string bytes;    // decoded, still in `charset`
  std::size_t length = 0;
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Padding ends one word's data; characters outside the alphabet are skipped.
std::string DecodeBase64(std::string_view text) {
  std::string out;
  unsigned int buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    int value = Base64Value(c);
    if (value < 0) continue;
    buffer = (buffer << 6) | static_cast<unsigned int>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

std::string DecodeQ(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '_') {
      out += ' ';
    } else if (c == '=' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

// The encoded-word starting at text[0] ("=?"), or nullopt when it is malformed.
std::optional<EncodedWord> ParseWord(std::string_view text) {
  if (!StartsWith(text, "=?")) return std::nullopt;
  // Real words are at most 75 characters; the bound keeps hostile headers linear.
  text = text.substr(0, kMaxWordLength);
  std::size_t charset_end = text.find('?', 2);
  if (charset_end == std::string_view::npos || charset_end == 2 || charset_end + 2 >= text.size()) {
    return std::nullopt;
  }
  char encoding = text[charset_end + 1];
  if (text[charset_end + 2] != '?') return std::nullopt;
  std::size_t data_begin = charset_end + 3;
  std::size_t data_end = text.find("?=", data_begin);
  if (data_end == std::string_view::npos) return std::nullopt;
  std::string_view data = text.substr(data_begin, data_end - data_begin);
  if (data.find_first_of(" \t\r\n") != std::string_view::npos) return std::nullopt;
  std::string_view charset = text.substr(2, charset_end - 2);
  if (charset.find_first_of(" \t\r\n") != std::string_view::npos) return std::nullopt;
  charset = charset.substr(0, charset.find('*'));
  EncodedWord word;
  word.charset = AsciiLower(charset);
  word.length = data_end + 2;
  if (encoding == 'B' || encoding == 'b') {
    word.bytes = DecodeBase64(data);
  } else if (encoding == 'Q' || encoding == 'q') {
    word.bytes = DecodeQ(data);
  } else {
    return std::nullopt;
  }
  return word;
}

bool IsUtf8Charset(std::string_view charset) {
  return charset == "utf-8" || charset == "utf8" || charset == "us-ascii" || charset == "ascii";
}

std::string ToUtf8(std::string_view bytes, std::string_view charset) {
  if (IsUtf8Charset(charset)) return ValidUtf8(bytes);
  EnsureGMimeInitialized();
  std::string name(charset);
  const char* canonical = g_mime_charset_iconv_name(name.c_str());
  gsize written = 0;
  GCharPtr converted(g_convert_with_fallback(bytes.data(), static_cast<gssize>(bytes.size()),
                                             "UTF-8", canonical ? canonical : name.c_str(),
                                             "\xEF\xBF\xBD", nullptr, &written, nullptr));
  if (!converted) return ValidUtf8(bytes);
  return ValidUtf8(std::string_view(converted.get(), written));
}

// Raw header bytes: UTF-8 as is, anything else read as windows-1252.
std::string LiteralToUtf8(std::string_view bytes) {
  std::string valid = ValidUtf8(bytes);
  if (valid == bytes) return valid;
  return ToUtf8(bytes, "windows-1252");
}

void ReplaceControls(std::string& text) {
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
}

}  // namespace

std::string UnfoldHeader(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    if (c != '\r' && c != '\n') out += c;
  }
  return std::string(TrimView(out));
}

std::string DecodeHeaderText(std::string_view raw) {
  std::string text = UnfoldHeader(raw);
  std::string out;
  std::string pending_bytes;  // adjacent encoded-words of one charset, not yet converted
  std::string pending_charset;
  auto flush_pending = [&] {
    if (!pending_bytes.empty()) out += ToUtf8(pending_bytes, pending_charset);
    pending_bytes.clear();
    pending_charset.clear();
  };
  bool after_word = false;
  std::string_view rest = text;
  while (!rest.empty()) {
    std::size_t start = rest.find("=?");
    std::optional<EncodedWord> word;
    while (start != std::string_view::npos && !(word = ParseWord(rest.substr(start)))) {
      start = rest.find("=?", start + 2);
    }
    std::string_view before = rest.substr(0, start);
    bool only_blanks = TrimView(before).empty();
    if (!(after_word && only_blanks && word)) {
      // Text between words (or before the first, or after the last) counts.
      flush_pending();
      out += LiteralToUtf8(before);
    }
    if (!word) break;
    if (!pending_bytes.empty() && word->charset != pending_charset) flush_pending();
    pending_charset = word->charset;
    pending_bytes += word->bytes;
    after_word = true;
    rest.remove_prefix(start + word->length);
  }
  flush_pending();
  ReplaceControls(out);
  return out;
}

}  // namespace mailmark::inbound
