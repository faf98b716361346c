#include "render/template_scanner.h"

#include "render/utf8.h"

namespace mailmark {

namespace {

std::string_view TrimBlanks(std::string_view s) {
  const std::size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const std::size_t last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

TemplateSegment Text(std::string_view raw) {
  return TemplateSegment{TemplateSegment::Kind::kText, raw, {}, std::nullopt};
}

bool IsAsciiKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == ' ';
}

// Parses the text between "{{" and "}}". Nullopt when it is not a placeholder.
std::optional<TemplateSegment> ParseBody(std::string_view body, std::string_view raw) {
  const std::size_t bar = body.find('|');
  const std::string_view key = TrimBlanks(body.substr(0, bar));
  if (!IsValidMergeKey(key)) return std::nullopt;
  TemplateSegment seg{TemplateSegment::Kind::kPlaceholder, raw, key, std::nullopt};
  if (bar != std::string_view::npos) seg.fallback = TrimBlanks(body.substr(bar + 1));
  return seg;
}

}  // namespace

bool IsValidMergeKey(std::string_view key) {
  if (key.empty() || key.front() == ' ' || key.back() == ' ') return false;
  std::size_t pos = 0;
  while (pos < key.size()) {
    const auto byte = static_cast<unsigned char>(key[pos]);
    if (byte < 0x80) {
      if (!IsAsciiKeyChar(key[pos])) return false;
      ++pos;
      continue;
    }
    // Non-ASCII so that CSV headers like "Prénom" work; it must be well-formed because
    // keys end up in JSON (TemplateKeys), and must not hide a control or line break.
    const std::optional<Utf8Char> ch = DecodeUtf8(key, pos);
    if (!ch || ch->code_point <= 0x9F || ch->code_point == 0x2028 || ch->code_point == 0x2029) {
      return false;
    }
    pos += ch->length;
  }
  return true;
}

std::optional<TemplateSegment> TemplateScanner::Next() {
  if (pending_) {
    std::optional<TemplateSegment> seg = std::move(pending_);
    pending_.reset();
    return seg;
  }
  if (pos_ >= tmpl_.size()) return std::nullopt;

  const std::size_t text_start = pos_;
  std::size_t search = pos_;
  while (true) {
    const std::size_t open_run = tmpl_.find("{{", search);
    if (open_run == std::string_view::npos) break;
    // In a run of braces only the last two open the placeholder; the rest are literal.
    std::size_t body_start = open_run;
    while (body_start < tmpl_.size() && tmpl_[body_start] == '{') ++body_start;
    const std::size_t open = body_start - 2;

    const std::size_t stop = tmpl_.find_first_of("{}", body_start);
    if (stop == std::string_view::npos) break;  // unterminated: the rest is literal
    if (tmpl_[stop] == '{') {                   // a brace inside the body: not a placeholder,
      search = stop;                            // but that brace may open the next one
      continue;
    }
    if (stop + 1 >= tmpl_.size() || tmpl_[stop + 1] != '}') {  // a lone '}'
      search = stop + 1;
      continue;
    }
    const std::size_t end = stop + 2;
    std::optional<TemplateSegment> placeholder =
        ParseBody(tmpl_.substr(body_start, stop - body_start), tmpl_.substr(open, end - open));
    if (!placeholder) {  // e.g. "{{}}", "{{ }}", "{{a/b}}": literal
      search = end;
      continue;
    }
    pos_ = end;
    if (open == text_start) return placeholder;
    pending_ = std::move(placeholder);
    return Text(tmpl_.substr(text_start, open - text_start));
  }
  pos_ = tmpl_.size();
  return Text(tmpl_.substr(text_start));
}

}  // namespace mailmark
