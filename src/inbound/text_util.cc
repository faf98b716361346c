#include "inbound/text_util.h"

#include <algorithm>
#include <cctype>

namespace mailmark::inbound {
namespace {

bool IsAddressChar(unsigned char c) {
  return std::isalnum(c) || c == '.' || c == '_' || c == '-' || c == '+' || c == '=' || c == '\'' ||
         c == '%' || c == '!' || c == '#' || c == '$' || c == '&' || c == '*' || c == '/' ||
         c == '?' || c == '^' || c == '`' || c == '{' || c == '|' || c == '}' || c == '~';
}

bool IsDomainChar(unsigned char c) { return std::isalnum(c) || c == '.' || c == '-'; }

}  // namespace

std::string_view TrimView(std::string_view text) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string FoldCase(std::string_view text) {
  std::string out = AsciiLower(text);
  for (std::size_t i = 0; i + 1 < out.size(); ++i) {
    auto lead = static_cast<unsigned char>(out[i]);
    auto next = static_cast<unsigned char>(out[i + 1]);
    // U+00C0..U+00DE except U+00D7 (multiplication sign) map to U+00E0..U+00FE.
    if (lead == 0xC3 && next >= 0x80 && next <= 0x9E && next != 0x97) {
      out[i + 1] = static_cast<char>(next + 0x20);
      ++i;
    }
  }
  return out;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::size_t FindFolded(std::string_view folded_haystack, std::string_view needle) {
  return folded_haystack.find(FoldCase(needle));
}

bool ContainsFolded(std::string_view folded_haystack, std::string_view needle) {
  return FindFolded(folded_haystack, needle) != std::string_view::npos;
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

std::string FirstAddress(std::string_view text, std::size_t pos) {
  for (std::size_t at = text.find('@', pos); at != std::string_view::npos;
       at = text.find('@', at + 1)) {
    std::size_t begin = at;
    while (begin > pos && IsAddressChar(static_cast<unsigned char>(text[begin - 1]))) --begin;
    std::size_t end = at + 1;
    while (end < text.size() && IsDomainChar(static_cast<unsigned char>(text[end]))) ++end;
    std::string_view local = text.substr(begin, at - begin);
    std::string_view domain = text.substr(at + 1, end - at - 1);
    while (!local.empty() && (local.front() == '.' || local.front() == '\'')) {
      local.remove_prefix(1);
    }
    while (!domain.empty() && (domain.back() == '.' || domain.back() == '-')) {
      domain.remove_suffix(1);
    }
    if (local.empty() || domain.find('.') == std::string_view::npos || domain.front() == '.') {
      continue;
    }
    std::string address(local);
    address += '@';
    address += domain;
    return AsciiLower(address);
  }
  return {};
}

std::vector<std::string> AllAddresses(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
    std::size_t begin = at;
    while (begin > 0 && IsAddressChar(static_cast<unsigned char>(text[begin - 1]))) --begin;
    std::string address = FirstAddress(text, begin);
    if (!address.empty() && (out.empty() || out.back() != address)) out.push_back(address);
  }
  return out;
}

std::string AngleId(std::string_view id) {
  id = TrimView(id);
  if (!id.empty() && id.front() == '<') id.remove_prefix(1);
  if (!id.empty() && id.back() == '>') id.remove_suffix(1);
  id = TrimView(id);
  if (id.empty()) return {};
  return "<" + std::string(id) + ">";
}

}  // namespace mailmark::inbound
