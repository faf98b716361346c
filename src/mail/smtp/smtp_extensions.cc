#include "mail/smtp/smtp_extensions.h"

#include <cctype>
#include <charconv>
#include <string>

namespace mailmark {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Splits off the next word (separated by spaces, or '=' in the old "AUTH=LOGIN" form).
std::string_view NextWord(std::string_view& rest) {
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '=')) rest.remove_prefix(1);
  std::size_t end = rest.find_first_of(" =");
  std::string_view word = rest.substr(0, end);
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  return word;
}

void ReadLine(std::string_view line, SmtpExtensions& ext) {
  std::string keyword = Upper(NextWord(line));
  if (keyword == "PIPELINING") {
    ext.pipelining = true;
  } else if (keyword == "STARTTLS") {
    ext.starttls = true;
  } else if (keyword == "SMTPUTF8") {
    ext.smtputf8 = true;
  } else if (keyword == "8BITMIME") {
    ext.eight_bit_mime = true;
  } else if (keyword == "SIZE") {
    ext.size_offered = true;
    std::string_view n = NextWord(line);
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), value);
    if (ec == std::errc() && end == n.data() + n.size()) ext.size = value;
  } else if (keyword == "AUTH") {
    for (std::string_view m = NextWord(line); !m.empty(); m = NextWord(line)) {
      std::string mechanism = Upper(m);
      if (mechanism == "PLAIN") ext.auth_plain = true;
      if (mechanism == "LOGIN") ext.auth_login = true;
    }
  }
}

}  // namespace

SmtpExtensions ParseEhloReply(std::string_view reply_text) {
  SmtpExtensions ext;
  bool first = true;
  while (!reply_text.empty()) {
    std::size_t end = reply_text.find('\n');
    std::string_view line = reply_text.substr(0, end);
    reply_text.remove_prefix(end == std::string_view::npos ? reply_text.size() : end + 1);
    if (first) {
      first = false;
      continue;
    }
    if (line.size() > 4) ReadLine(line.substr(4), ext);
  }
  return ext;
}

}  // namespace mailmark
