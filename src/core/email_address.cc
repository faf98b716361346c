#include "core/email_address.h"

#include <algorithm>
#include <cctype>

namespace mailmark {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

bool IsAtext(unsigned char c) {
  // Bytes >= 0x80 allow internationalised (UTF-8, RFC 6531) local parts.
  if (std::isalnum(c) || c >= 0x80) return true;
  static constexpr std::string_view kSpecials = "!#$%&'*+-/=?^_`{|}~";
  return kSpecials.find(static_cast<char>(c)) != std::string_view::npos;
}

bool ValidLocalPart(std::string_view local) {
  if (local.empty() || local.size() > 64) return false;
  if (local.front() == '.' || local.back() == '.') return false;
  char prev = 0;
  for (char c : local) {
    if (c == '.') {
      if (prev == '.') return false;
    } else if (!IsAtext(static_cast<unsigned char>(c))) {
      return false;
    }
    prev = c;
  }
  return true;
}

bool ValidDomain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  size_t labels = 0;
  size_t start = 0;
  while (start <= domain.size()) {
    size_t dot = domain.find('.', start);
    if (dot == std::string_view::npos) dot = domain.size();
    std::string_view label = domain.substr(start, dot - start);
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      unsigned char u = static_cast<unsigned char>(c);
      // Bytes >= 0x80 allow internationalised (UTF-8) domain names.
      if (!(std::isalnum(u) || c == '-' || u >= 0x80)) return false;
    }
    ++labels;
    start = dot + 1;
  }
  return labels >= 2;
}

}  // namespace

std::string NormalizeEmail(std::string_view raw) {
  while (!raw.empty() && IsSpace(raw.front())) raw.remove_prefix(1);
  while (!raw.empty() && IsSpace(raw.back())) raw.remove_suffix(1);
  std::string out(raw);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return c < 0x80 ? static_cast<char>(std::tolower(c)) : static_cast<char>(c);
  });
  return out;
}

bool IsValidEmail(std::string_view addr) {
  if (addr.size() > 254) return false;
  size_t at = addr.rfind('@');
  if (at == std::string_view::npos) return false;
  return ValidLocalPart(addr.substr(0, at)) && ValidDomain(addr.substr(at + 1));
}

}  // namespace mailmark
