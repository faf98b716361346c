#include "mail/rfc2047.h"

#include <algorithm>

#include "core/utf8.h"

namespace mailmark {
namespace {

constexpr std::string_view kPrefix = "=?UTF-8?Q?";
constexpr std::string_view kSuffix = "?=";
constexpr std::size_t kMaxWord = 75;
// Longest run without blanks that header folding can still place on one line.
constexpr std::size_t kMaxPlainRun = 70;
// Smallest first word that still holds one encoded 4-byte character.
constexpr std::size_t kMinWord = 12 + 12;

// The characters RFC 2047 section 5 allows unencoded in a Q word anywhere, phrases included.
bool IsQSafe(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '!' ||
         c == '*' || c == '+' || c == '-' || c == '/';
}

void AppendQ(std::string_view bytes, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (IsQSafe(c)) {
      out.push_back(ch);
    } else if (c == ' ') {
      out.push_back('_');
    } else {
      out.push_back('=');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
}

}  // namespace

bool NeedsEncodedWords(std::string_view text) {
  if (text.find("=?") != std::string_view::npos) return true;
  std::size_t run = 0;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7F) return true;
    run = c == ' ' ? 0 : run + 1;
    if (run > kMaxPlainRun) return true;
  }
  return false;
}

std::string ValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = Utf8SequenceLength(text, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

std::vector<std::string> EncodeWords(std::string_view text, std::size_t first_limit) {
  std::string valid = ValidUtf8(text);
  std::vector<std::string> words;
  std::size_t limit = std::clamp(first_limit, kMinWord, kMaxWord);
  std::string word(kPrefix);
  std::string encoded_char;
  for (std::size_t i = 0; i < valid.size();) {
    std::size_t length = Utf8SequenceLength(valid, i);
    encoded_char.clear();
    AppendQ(std::string_view(valid).substr(i, length), encoded_char);
    if (word.size() + encoded_char.size() + kSuffix.size() > limit &&
        word.size() > kPrefix.size()) {
      words.push_back(word + std::string(kSuffix));
      word = kPrefix;
      limit = kMaxWord;
    }
    word += encoded_char;
    i += length;
  }
  if (word.size() > kPrefix.size()) words.push_back(word + std::string(kSuffix));
  return words;
}

}  // namespace mailmark
