// Round trip of the RFC 2047 encoder (subjects and display names of every message sent) through
// the inbound decoder: the words, folded as a header folds them, decode to the text (invalid
// UTF-8 as U+FFFD, controls as spaces, which is how the decoder shows them); no word splits a
// character or passes 75 characters; plain text needs no words only when it is printable ASCII.
//
// Input: one byte for the room left on the first header line, then the text.
#include <string>

#include "core/utf8.h"
#include "fuzz_support.h"
#include "inbound/header_decode.h"
#include "mail/rfc2047.h"

using namespace mailmark;

namespace {

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The payload of one "=?UTF-8?Q?...?=" word, decoded strictly.
std::string DecodeWord(std::string_view word) {
  constexpr std::string_view kPrefix = "=?UTF-8?Q?";
  FUZZ_CHECK(word.starts_with(kPrefix) && word.ends_with("?=") && word.size() > kPrefix.size() + 2);
  std::string_view q = word.substr(kPrefix.size(), word.size() - kPrefix.size() - 2);
  std::string out;
  for (std::size_t i = 0; i < q.size(); ++i) {
    if (q[i] == '_') {
      out += ' ';
    } else if (q[i] == '=') {
      FUZZ_CHECK(i + 2 < q.size());
      int hi = Hex(q[i + 1]);
      int lo = Hex(q[i + 2]);
      FUZZ_CHECK(hi >= 0 && lo >= 0);
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      // RFC 2047 5(3): what a word in a phrase may hold unencoded.
      char c = q[i];
      FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '!' || c == '*' || c == '+' || c == '-' || c == '/');
      out += c;
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  std::size_t first_limit = input.Byte();
  std::string_view text = input.Rest();

  std::string valid = ValidUtf8(text);
  FUZZ_CHECK(IsValidUtf8(valid));
  if (IsValidUtf8(text)) FUZZ_CHECK(valid == text);

  std::vector<std::string> words = EncodeWords(text, first_limit);
  FUZZ_CHECK(words.empty() == text.empty());
  std::string joined;
  std::string folded;
  for (std::size_t i = 0; i < words.size(); ++i) {
    FUZZ_CHECK(words[i].size() <= 75);
    // The first fits the room given, or the smallest word that holds any character (24).
    if (i == 0) FUZZ_CHECK(words[i].size() <= std::max<std::size_t>(first_limit, 24));
    std::string payload = DecodeWord(words[i]);
    FUZZ_CHECK(IsValidUtf8(payload));
    joined += payload;
    if (i > 0) folded += "\r\n ";
    folded += words[i];
  }
  FUZZ_CHECK(joined == valid);

  std::string shown = valid;
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  FUZZ_CHECK(inbound::DecodeHeaderText(folded) == shown);

  if (!NeedsEncodedWords(text)) {
    for (char c : text) FUZZ_CHECK(c >= 0x20 && c < 0x7F);
    FUZZ_CHECK(text.find("=?") == std::string_view::npos);
  }
  return 0;
}
