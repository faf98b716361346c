#include "mail/html_to_text.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <utility>

namespace mailmark {
namespace {

constexpr std::size_t kNpos = std::string_view::npos;
constexpr std::size_t kMaxEntityLength = 32;

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsBlank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

bool IStartsWith(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && IEquals(text.substr(0, prefix.size()), prefix);
}

void AppendUtf8(std::uint32_t cp, std::string& out) {
  if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = 0xFFFD;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::optional<std::uint32_t> NamedEntity(std::string_view name) {
  // Case matters for named references (&Eacute; vs &eacute;); only common ones are known.
  static constexpr std::array<std::pair<std::string_view, std::uint32_t>, 20> kNamed = {{
      {"amp", '&'},      {"lt", '<'},        {"gt", '>'},       {"quot", '"'},
      {"apos", '\''},    {"nbsp", ' '},      {"copy", 0xA9},    {"reg", 0xAE},
      {"trade", 0x2122}, {"hellip", 0x2026}, {"mdash", 0x2014}, {"ndash", 0x2013},
      {"lsquo", 0x2018}, {"rsquo", 0x2019},  {"ldquo", 0x201C}, {"rdquo", 0x201D},
      {"bull", 0x2022},  {"middot", 0xB7},   {"euro", 0x20AC},  {"zwnj", 0x200C},
  }};
  for (const auto& [known, cp] : kNamed) {
    if (known == name) return cp;
  }
  return std::nullopt;
}

std::optional<std::uint32_t> NumericEntity(std::string_view digits) {
  bool hex = !digits.empty() && (digits.front() == 'x' || digits.front() == 'X');
  if (hex) digits.remove_prefix(1);
  if (digits.empty()) return std::nullopt;
  std::uint32_t value = 0;
  for (char c : digits) {
    std::uint32_t d = 0;
    if (IsDigit(c))
      d = static_cast<std::uint32_t>(c - '0');
    else if (hex && Lower(c) >= 'a' && Lower(c) <= 'f')
      d = static_cast<std::uint32_t>(Lower(c) - 'a' + 10);
    else
      return std::nullopt;
    value = value * (hex ? 16 : 10) + d;
    if (value > 0x10FFFF) value = 0x110000;  // saturate: stays invalid, never overflows
  }
  if (value == 0) return 0xFFFD;
  // Controls would smuggle line breaks or NULs into text: they read as a blank instead.
  if (value < 0x20 || (value >= 0x7F && value <= 0x9F)) return ' ';
  return value;
}

// Decodes the reference starting at text[i] == '&' into out; returns the characters used,
// or 0 when it is not a reference we know (then '&' is literal).
std::size_t DecodeEntityAt(std::string_view text, std::size_t i, std::string& out) {
  std::size_t semi = text.find(';', i + 1);
  if (semi == kNpos || semi - i - 1 > kMaxEntityLength) return 0;
  std::string_view name = text.substr(i + 1, semi - i - 1);
  std::optional<std::uint32_t> cp =
      (!name.empty() && name.front() == '#') ? NumericEntity(name.substr(1)) : NamedEntity(name);
  if (!cp) return 0;
  AppendUtf8(*cp, out);
  return semi - i + 1;
}

// Case-insensitive search that remembers where a needle is known to be absent, so hostile
// input (thousands of unclosed <head> or quotes) still costs linear time.
class Finder {
 public:
  explicit Finder(std::string_view text) : text_(text) {}

  std::size_t Find(std::string_view needle, std::size_t from) {
    auto [it, inserted] = absent_from_.try_emplace(std::string(needle), kNpos);
    if (from >= it->second) return kNpos;
    for (std::size_t i = from; i + needle.size() <= text_.size(); ++i) {
      if (IEquals(text_.substr(i, needle.size()), needle)) return i;
    }
    it->second = std::min(it->second, from);
    return kNpos;
  }

 private:
  std::string_view text_;
  std::unordered_map<std::string, std::size_t> absent_from_;
};

std::string CollapseToOneLine(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (IsBlank(c)) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// The value of attribute `wanted` inside a tag's attribute text, entity-decoded.
std::optional<std::string> AttributeValue(std::string_view attrs, std::string_view wanted) {
  std::size_t i = 0;
  while (i < attrs.size()) {
    while (i < attrs.size() && (IsBlank(attrs[i]) || attrs[i] == '/')) ++i;
    std::size_t name_start = i;
    while (i < attrs.size() && !IsBlank(attrs[i]) && attrs[i] != '=' && attrs[i] != '/') ++i;
    std::string_view name = attrs.substr(name_start, i - name_start);
    while (i < attrs.size() && IsBlank(attrs[i])) ++i;
    std::string_view value;
    if (i < attrs.size() && attrs[i] == '=') {
      ++i;
      while (i < attrs.size() && IsBlank(attrs[i])) ++i;
      if (i < attrs.size() && (attrs[i] == '"' || attrs[i] == '\'')) {
        char quote = attrs[i++];
        std::size_t end = attrs.find(quote, i);
        if (end == kNpos) end = attrs.size();
        value = attrs.substr(i, end - i);
        i = end + 1;
      } else {
        std::size_t start = i;
        while (i < attrs.size() && !IsBlank(attrs[i])) ++i;
        value = attrs.substr(start, i - start);
      }
    }
    if (!name.empty() && IEquals(name, wanted)) return DecodeHtmlEntities(value);
    if (name.empty() && i == name_start) ++i;  // a stray '=' or quote: step over it
  }
  return std::nullopt;
}

bool IsOneOf(std::string_view name, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    if (IEquals(name, n)) return true;
  }
  return false;
}

class Converter {
 public:
  explicit Converter(std::string_view html) : html_(html), finder_(html) {}

  std::string Run() {
    std::size_t i = 0;
    while (i < html_.size()) {
      char c = html_[i];
      if (c == '<') {
        i = OnAngle(i);
      } else if (c == '&') {
        std::string decoded;
        std::size_t used = DecodeEntityAt(html_, i, decoded);
        if (used == 0) decoded = "&";
        for (char d : decoded) {
          if (d == ' ')
            PushSpace();
          else
            out_.push_back(d);
        }
        i += used == 0 ? 1 : used;
      } else {
        AppendTextChar(c);
        ++i;
      }
    }
    CloseLink();
    return Tidy(out_);
  }

 private:
  void AppendTextChar(char c) {
    if (c == '\n' && in_pre_)
      out_.push_back('\n');
    else if (IsBlank(c) || static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
      PushSpace();
    else
      out_.push_back(c);
  }

  // Never two spaces in a row, so looking back over trailing blanks stays cheap.
  void PushSpace() {
    if (out_.empty() || out_.back() != ' ') out_.push_back(' ');
  }

  // Line breaks already at the end of the output (ignoring spaces), counting up to two.
  int TrailingBreaks() const {
    int breaks = 0;
    for (std::size_t i = out_.size(); i > 0 && breaks < 2; --i) {
      if (out_[i - 1] == '\n')
        ++breaks;
      else if (out_[i - 1] != ' ')
        break;
    }
    return breaks;
  }

  // <br> always adds a line; block elements only make sure one starts (or one blank line).
  void Break() { out_.push_back('\n'); }
  void LineBreak() {
    if (!out_.empty() && TrailingBreaks() == 0) out_.push_back('\n');
  }
  void ParagraphBreak() {
    if (out_.empty()) return;
    for (int i = TrailingBreaks(); i < 2; ++i) out_.push_back('\n');
  }

  // html_[i] == '<'. Handles a comment, declaration or tag; returns where to go on.
  std::size_t OnAngle(std::size_t i) {
    std::string_view rest = html_.substr(i);
    if (rest.starts_with("<!--")) {
      std::size_t end = finder_.Find("-->", i + 4);
      return end == kNpos ? html_.size() : end + 3;
    }
    if (rest.starts_with("<!") || rest.starts_with("<?")) {
      std::size_t end = html_.find('>', i);
      return end == kNpos ? html_.size() : end + 1;
    }
    bool closing = rest.size() > 1 && rest[1] == '/';
    std::size_t name_start = i + (closing ? 2 : 1);
    if (name_start >= html_.size() || !IsAlpha(html_[name_start])) {
      out_.push_back('<');  // "a < b", "<3", a lone '<': plain text
      return i + 1;
    }
    std::size_t name_end = name_start;
    while (name_end < html_.size() && (IsAlpha(html_[name_end]) || IsDigit(html_[name_end]) ||
                                       html_[name_end] == '-' || html_[name_end] == ':')) {
      ++name_end;
    }
    std::size_t tag_end = FindTagEnd(name_end);
    if (tag_end == kNpos) return html_.size();  // an unterminated tag swallows the rest
    std::string_view name = html_.substr(name_start, name_end - name_start);
    std::string_view attrs = html_.substr(name_end, tag_end - name_end);
    return OnTag(name, attrs, closing, tag_end + 1);
  }

  // Position of the '>' closing a tag, skipping quoted attribute values; when a quote never
  // closes, the first '>' wins (as browsers recover from a stray quote).
  std::size_t FindTagEnd(std::size_t from) {
    std::size_t i = from;
    while (i < html_.size()) {
      char c = html_[i];
      if (c == '>') return i;
      if (c == '"' || c == '\'') {
        std::size_t close = finder_.Find(std::string_view(&html_[i], 1), i + 1);
        if (close == kNpos) return html_.find('>', from);
        i = close + 1;
        continue;
      }
      ++i;
    }
    return kNpos;
  }

  // Skips the content of an element whose text is never shown; returns where to go on.
  std::size_t SkipRawText(std::string_view name, std::size_t from) {
    std::string close = "</" + std::string(name);
    std::size_t end = finder_.Find(close, from);
    if (IEquals(name, "head")) {
      // A head that is never closed must not hide the whole document.
      std::size_t body = finder_.Find("<body", from);
      if (body != kNpos && (end == kNpos || body < end)) return body;
      if (end == kNpos) return from;
    }
    if (end == kNpos) return html_.size();
    std::size_t gt = html_.find('>', end);
    return gt == kNpos ? html_.size() : gt + 1;
  }

  std::size_t OnTag(std::string_view name, std::string_view attrs, bool closing, std::size_t next) {
    if (!closing && IsOneOf(name, {"script", "style", "head", "title", "template"})) {
      return SkipRawText(name, next);
    }
    if (IEquals(name, "a")) {
      CloseLink();
      if (!closing) link_ = OpenLink{AttributeValue(attrs, "href").value_or(""), out_.size()};
    } else if (IEquals(name, "br")) {
      Break();
    } else if (IEquals(name, "li")) {
      LineBreak();
      if (!closing) out_ += "- ";
    } else if (IEquals(name, "pre")) {
      in_pre_ = !closing;
      ParagraphBreak();
    } else if (IsOneOf(name, {"td", "th"})) {
      if (!closing) PushSpace();
    } else if (IsOneOf(name, {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol",
                              "table", "hr", "dl"})) {
      ParagraphBreak();
    } else if (IsOneOf(name, {"div", "tr", "section", "article", "header", "footer", "nav", "main",
                              "aside", "dt", "dd", "form", "fieldset", "address", "figure",
                              "figcaption", "center", "body", "html"})) {
      LineBreak();
    }
    return next;
  }

  void CloseLink() {
    if (!link_) return;
    OpenLink link = std::move(*link_);
    link_.reset();
    std::string href = CollapseToOneLine(link.href);
    while (!href.empty() && href.front() == ' ') href.erase(href.begin());
    if (href.empty() || href.front() == '#' || IStartsWith(href, "javascript:")) return;
    std::string text =
        CollapseToOneLine(std::string_view(out_).substr(std::min(link.text_start, out_.size())));
    while (!text.empty() && text.front() == ' ') text.erase(text.begin());
    if (text.empty()) {
      out_ += href;
      return;
    }
    auto same = [](std::string_view a, std::string_view b) {
      if (!a.empty() && a.back() == '/') a.remove_suffix(1);
      if (!b.empty() && b.back() == '/') b.remove_suffix(1);
      return a == b;
    };
    if (same(text, href)) return;
    if (IStartsWith(href, "mailto:") && same(text, std::string_view(href).substr(7))) return;
    out_ += " (" + href + ")";
  }

  // Collapses blanks inside lines, trims lines, keeps at most one blank line in a row and
  // none at either end.
  static std::string Tidy(std::string_view raw) {
    std::string result;
    std::size_t pending_blank_lines = 0;
    std::size_t start = 0;
    while (start <= raw.size()) {
      std::size_t end = raw.find('\n', start);
      if (end == kNpos) end = raw.size();
      std::string line = CollapseToOneLine(raw.substr(start, end - start));
      if (!line.empty() && line.front() == ' ') line.erase(line.begin());
      if (line.empty()) {
        ++pending_blank_lines;
      } else {
        if (!result.empty()) result += pending_blank_lines > 0 ? "\n\n" : "\n";
        result += line;
        pending_blank_lines = 0;
      }
      start = end + 1;
    }
    return result;
  }

  struct OpenLink {
    std::string href;
    std::size_t text_start = 0;
  };

  std::string_view html_;
  Finder finder_;
  std::string out_;
  std::optional<OpenLink> link_;
  bool in_pre_ = false;
};

}  // namespace

std::string DecodeHtmlEntities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::size_t used = text[i] == '&' ? DecodeEntityAt(text, i, out) : 0;
    if (used == 0)
      out.push_back(text[i++]);
    else
      i += used;
  }
  return out;
}

std::string HtmlToText(std::string_view html) { return Converter(html).Run(); }

}  // namespace mailmark
