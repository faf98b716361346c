#include "api/http_message.h"

#include <charconv>

namespace mailmark {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char AsciiLowerChar(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiLowerChar(a[i]) != AsciiLowerChar(b[i])) return false;
  }
  return true;
}

void HttpHeaders::Add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

bool HttpHeaders::Has(std::string_view name) const { return Count(name) > 0; }

std::string HttpHeaders::Get(std::string_view name, std::size_t n) const {
  for (const auto& [k, v] : fields_) {
    if (EqualsIgnoreAsciiCase(k, name) && n-- == 0) return v;
  }
  return "";
}

std::size_t HttpHeaders::Count(std::string_view name) const {
  std::size_t count = 0;
  for (const auto& field : fields_) count += EqualsIgnoreAsciiCase(field.first, name) ? 1 : 0;
  return count;
}

bool HttpRequest::has_param(std::string_view name) const {
  for (const auto& p : params) {
    if (p.first == name) return true;
  }
  return false;
}

std::string HttpRequest::get_param_value(std::string_view name) const {
  for (const auto& p : params) {
    if (p.first == name) return p.second;
  }
  return "";
}

std::optional<std::size_t> HttpRequest::content_length() const {
  if (headers.Count("Content-Length") != 1) return std::nullopt;
  std::string text = headers.Get("Content-Length");
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

void HttpResponse::set_header(std::string name, std::string value) {
  for (auto& field : headers) {
    if (EqualsIgnoreAsciiCase(field.first, name)) {
      field.second = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreAsciiCase(k, name)) return v;
  }
  return "";
}

std::string PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += plus_is_space && c == '+' ? ' ' : c;
  }
  return out;
}

void ParseTarget(std::string_view target, std::string* path,
                 std::vector<std::pair<std::string, std::string>>* params) {
  std::size_t question = target.find('?');
  *path = PercentDecode(target.substr(0, question), false);
  params->clear();
  if (question == std::string_view::npos) return;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    std::string key = PercentDecode(pair.substr(0, eq), true);
    std::string value =
        eq == std::string_view::npos ? std::string() : PercentDecode(pair.substr(eq + 1), true);
    params->emplace_back(std::move(key), std::move(value));
  }
}

}  // namespace mailmark
