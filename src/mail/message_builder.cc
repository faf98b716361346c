#include "mail/message_builder.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>

#include "core/ids.h"
#include "core/utf8.h"
#include "mail/base64.h"
#include "mail/html_to_text.h"
#include "mail/idn_address.h"
#include "mail/quoted_printable.h"
#include "mail/rfc2047.h"

// The message is written straight into one string rather than built as a GMime object tree
// and serialised: that cost ~57 µs a message, too much for thousands of messages a second.
namespace mailmark {
namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr std::size_t kFoldAt = 78;          // RFC 5322 section 2.1.1: lines SHOULD stay within
constexpr std::size_t kMaxLine = 998;        // ... and MUST stay within
constexpr std::size_t kMaxEncodedLine = 76;  // RFC 2047 section 2, lines with encoded-words
// Longest address or message id kept: far beyond any real one (RFC 5321 allows 254 for an
// address), and short enough that its header line stays within kMaxLine.
constexpr std::size_t kMaxToken = 900;

// Headers this builder writes itself; an extra header may not replace or duplicate them.
constexpr std::string_view kOwnedHeaders[] = {
    "from",
    "to",
    "cc",
    "bcc",
    "reply-to",
    "sender",
    "subject",
    "date",
    "message-id",
    "in-reply-to",
    "references",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "content-disposition",
    "list-unsubscribe",
    "list-unsubscribe-post",
    "return-path",
};

bool IsAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Header values are single lines: CR, LF and other controls would end the header early and
// let the rest pose as new headers (header injection), so each becomes a space. Surrounding
// blanks are dropped so that encoded and plain values read alike.
std::string TrimmedLine(std::string_view value) {
  std::string line(value);
  for (char& c : line) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  std::size_t begin = line.find_first_not_of(' ');
  if (begin == std::string::npos) return "";
  return line.substr(begin, line.find_last_not_of(' ') - begin + 1);
}

// `value` cut to kMaxToken bytes, at a character boundary: only absurd input is that long.
std::string Capped(std::string value) {
  if (value.size() <= kMaxToken) return value;
  std::size_t end = kMaxToken;
  while (end > 0 && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) --end;
  value.resize(end);
  return value;
}

// An address for a header: one line, bounded, with an ASCII domain where one exists.
std::string HeaderAddress(std::string_view address) {
  std::string line = Capped(TrimmedLine(address));
  return IsAscii(line) ? line : WithAsciiDomain(line);
}

// "name: value" with `value` (printable ASCII, or an id or address as given) folded at blanks so
// lines stay within 78 characters where they can. False, with nothing written, when a run without
// blanks cannot fit in 998. Runs are never broken or encoded: a long URL must survive as is (RFC
// 2369 values are never decoded).
bool AppendFoldedField(std::string& out, std::string_view name, std::string_view value) {
  std::size_t mark = out.size();
  out += name;
  out += ':';
  std::size_t used = name.size() + 1;
  bool first = true;
  for (std::size_t start = 0; start <= value.size();) {
    std::size_t end = std::min(value.find(' ', start), value.size());
    std::string_view word = value.substr(start, end - start);
    if (!first && !word.empty() && used + 1 + word.size() > kFoldAt) {
      out += kCrlf;  // folding: the blank that follows starts the continuation line
      used = 0;
    }
    out += ' ';
    out += word;
    used += 1 + word.size();
    if (used > kMaxLine) {
      out.resize(mark);
      return false;
    }
    first = false;
    start = end + 1;
  }
  out += kCrlf;
  return true;
}

// "name: " + our own encoded-words for `text` (see rfc2047.h), one word per line, then `tail`
// (e.g. " <addr>") where it still fits.
void AppendEncodedField(std::string& out, std::string_view name, std::string_view text,
                        std::string_view tail = {}) {
  out += name;
  out += ':';
  std::size_t used = name.size() + 1;
  bool first = true;
  for (const std::string& word : EncodeWords(text, kMaxEncodedLine - (name.size() + 2))) {
    if (!first) {
      out += kCrlf;
      used = 0;
    }
    out += ' ';
    out += word;
    used += 1 + word.size();
    first = false;
  }
  if (!tail.empty()) {
    if (used + tail.size() > kMaxEncodedLine) out += kCrlf;
    out += tail;
  }
  out += kCrlf;
}

bool IsPlainText(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= ' ' && c < 0x7F; }) &&
         text.find("=?") == std::string_view::npos;
}

// Plain folded text when `text` is printable ASCII that no reader would decode and that folds
// within 998, else our encoded-words.
void AppendPlainOrEncodedField(std::string& out, std::string_view name, std::string_view text) {
  if (IsPlainText(text) && AppendFoldedField(out, name, text)) return;
  AppendEncodedField(out, name, text);
}

// RFC 5322 atext: what a display name may hold without quotes.
bool IsAtext(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

// `name` (trimmed printable ASCII) as an RFC 5322 phrase: bare when it is atoms separated by
// single blanks, else a quoted-string. Readers collapse blank runs between bare atoms, so
// those are quoted too.
std::string Phrase(std::string_view name) {
  bool bare =
      std::all_of(name.begin(), name.end(), [](char c) { return IsAtext(c) || c == ' '; }) &&
      name.find("  ") == std::string_view::npos;
  if (bare) return std::string(name);
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

void AppendFrom(std::string& out, const MessageInput& in) {
  std::string name = TrimmedLine(in.from_name);
  std::string address = HeaderAddress(in.from_email);
  if (name.empty()) {
    out += "From: " + address + "\r\n";
    return;
  }
  std::string tail = " <" + address + ">";
  // A long name stays on one line (998 is the limit, 78 only a recommendation): folded,
  // GMime 3.2 keeps the line break in the name it reads, and as encoded-words split over
  // lines, Python 3.11's email package reads a blank into the name at each split.
  if (!NeedsEncodedWords(name)) {
    std::string line = "From: " + Phrase(name) + tail;
    if (line.size() <= kMaxLine) {
      out += line;
      out += kCrlf;
      return;
    }
  }
  AppendEncodedField(out, "From", name, tail);
}

void AppendSubject(std::string& out, std::string_view subject_input) {
  std::string subject = TrimmedLine(subject_input);
  if (NeedsEncodedWords(subject) || !AppendFoldedField(out, "Subject", subject)) {
    AppendEncodedField(out, "Subject", subject);
  }
}

void AppendThreadHeaders(std::string& out, const std::vector<std::string>& references) {
  std::string all;
  std::string last;
  for (const std::string& reference : references) {
    std::string id = Capped(TrimmedLine(reference));
    if (id.empty()) continue;
    if (!all.empty()) all += ' ';
    all += id;
    last = std::move(id);
  }
  if (all.empty()) return;
  // Each id is capped, so both always fold within the limits.
  AppendFoldedField(out, "In-Reply-To", last);
  AppendFoldedField(out, "References", all);
}

// A URI that can go into List-Unsubscribe as is: printable ASCII without blanks or angle
// brackets, short enough for one header line. Anything else would be mangled on the way (or
// need encoding, which RFC 2369 readers never undo), so it is left out.
std::optional<std::string> UsableUri(const std::optional<std::string>& uri) {
  constexpr std::size_t kMaxUriLength = 900;
  if (!uri) return std::nullopt;
  std::string clean = TrimmedLine(*uri);
  if (clean.empty() || clean.size() > kMaxUriLength) return std::nullopt;
  for (char c : clean) {
    if (c <= ' ' || c >= 0x7F || c == '<' || c == '>') return std::nullopt;
  }
  return clean;
}

// RFC 2369 List-Unsubscribe plus, with an https URL, RFC 8058 one-click.
void AppendListUnsubscribe(std::string& out, const MessageInput& in) {
  std::optional<std::string> url = UsableUri(in.list_unsubscribe_url);
  std::optional<std::string> mailto = UsableUri(in.list_unsubscribe_mailto);
  std::string value;
  for (const auto& uri : {url, mailto}) {
    if (!uri) continue;
    if (!value.empty()) value += ", ";
    value += '<' + *uri + '>';
  }
  if (value.empty()) return;
  AppendFoldedField(out, "List-Unsubscribe", value);  // URIs are bounded, so it always fits
  if (url) out += "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
}

bool IsValidHeaderName(std::string_view name) {
  if (name.empty() || name.size() > 76) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return c > ' ' && c < 0x7F && c != ':'; });
}

bool IsOwnedHeader(std::string_view name) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return std::any_of(std::begin(kOwnedHeaders), std::end(kOwnedHeaders),
                     [&](std::string_view owned) {
                       return owned.size() == name.size() &&
                              std::equal(name.begin(), name.end(), owned.begin(),
                                         [&](char a, char b) { return lower(a) == b; });
                     });
}

std::string WithLfLineEnds(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// A body ready for its transfer encoding: valid UTF-8 (the parts are labelled utf-8) with LF
// line ends. `text` views the caller's content when that is already so, which is the common
// case, so the struct stays where it is made.
struct TextBody {
  TextBody(const char* subtype, std::string_view content);
  TextBody(const TextBody&) = delete;
  TextBody& operator=(const TextBody&) = delete;

  const char* subtype;
  std::string storage;  // the content, repaired, when it needed repairs
  std::string_view text;
  std::size_t high_bytes = 0;
  bool base64 = false;
  std::size_t lines = 0;  // counted for base64 only, which turns each LF into CRLF
};

// Bytes >= 0x80, eight at a time: this runs over every body of every message.
std::size_t HighBytes(std::string_view text) {
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  std::size_t count = 0;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    // One bit per high byte, summed into the top byte by the multiplication (portable, where
    // std::popcount is a library call without -mpopcnt).
    count += static_cast<std::size_t>((((word & kHighBits) >> 7) * 0x0101010101010101ULL) >> 56);
  }
  for (; i < text.size(); ++i) count += static_cast<unsigned char>(text[i]) >> 7;
  return count;
}

// Mostly-ASCII text goes quoted-printable (it stays readable), the rest base64, by GMime's
// rule (g_mime_utils_best_encoding): base64 once more than 17 % of the bytes are non-ASCII.
TextBody::TextBody(const char* subtype_name, std::string_view content)
    : subtype(subtype_name), text(content) {
  high_bytes = HighBytes(text);
  if (high_bytes > 0 && !IsValidUtf8(text)) {
    storage = ValidUtf8(text);
    text = storage;
  }
  if (text.find('\r') != std::string_view::npos) {
    storage = WithLfLineEnds(text);
    text = storage;
  }
  if (text.data() != content.data()) high_bytes = HighBytes(text);
  base64 = static_cast<double>(high_bytes) > static_cast<double>(text.size()) * 0.17;
  if (base64) lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::size_t EncodedSizeEstimate(const TextBody& body) {
  std::size_t n = body.text.size();
  if (body.base64) return Base64LinesSize(n + body.lines) + 4;
  return n + 2 * body.high_bytes + n / 20 + 16;  // escapes, CRLFs and soft breaks
}

void AppendPart(std::string& out, std::string_view boundary, const TextBody& body) {
  out += "--";
  out += boundary;
  out += "\r\nContent-Type: text/";
  out += body.subtype;
  out += "; charset=utf-8\r\nContent-Transfer-Encoding: ";
  if (body.base64) {
    out += "base64\r\n\r\n";
    // Base64 carries the canonical CRLF form of text (RFC 2045 section 6.8).
    std::string crlf;
    crlf.reserve(body.text.size() + body.lines);
    for (char c : body.text) {
      if (c == '\n') crlf.push_back('\r');
      crlf.push_back(c);
    }
    AppendBase64Lines(crlf, out);
  } else {
    out += "quoted-printable\r\n\r\n";
    AppendQuotedPrintable(body.text, out);
  }
  out += kCrlf;
}

}  // namespace

std::string BuildMessage(const MessageInput& in) {
  std::string derived_text = in.text ? std::string() : HtmlToText(in.html);
  TextBody text("plain", in.text ? *in.text : derived_text);
  TextBody html("html", in.html);
  // Random, so no text can be crafted to contain it; and "=_" never occurs in quoted-printable
  // or base64 output, so the encoded parts cannot contain it either.
  std::string boundary = "=_mm_" + RandomHex(16);

  std::size_t estimate = 1024 + 3 * (in.subject.size() + in.from_name.size()) +
                         EncodedSizeEstimate(text) + EncodedSizeEstimate(html);
  for (const std::string& reference : in.references) estimate += reference.size() + 3;
  for (const auto& [name, value] : in.extra_headers) estimate += name.size() + 3 * value.size() + 8;
  std::string out;
  out.reserve(estimate);

  AppendFrom(out, in);
  out += "To: " + HeaderAddress(in.to_email) + "\r\n";
  AppendSubject(out, in.subject);
  out += "Date: " + FormatRfc5322(in.date) + "\r\n";
  // Ids are never encoded-words: readers match them byte for byte.
  AppendFoldedField(out, "Message-ID", Capped(TrimmedLine(in.message_id)));
  AppendThreadHeaders(out, in.references);
  AppendListUnsubscribe(out, in);
  for (const auto& [name, value] : in.extra_headers) {
    if (!IsValidHeaderName(name) || IsOwnedHeader(name)) continue;
    AppendPlainOrEncodedField(out, name, TrimmedLine(value));
  }
  out += "MIME-Version: 1.0\r\nContent-Type: multipart/alternative;\r\n boundary=\"";
  out += boundary;
  out += "\"\r\n\r\n";
  AppendPart(out, boundary, text);  // text first, html last: the last is the preferred form
  AppendPart(out, boundary, html);
  out += "--";
  out += boundary;
  out += "--\r\n";
  return out;
}

}  // namespace mailmark
