#include "mail/message_builder.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include <gmime/gmime.h>

#include "core/ids.h"
#include "mail/gmime_runtime.h"
#include "mail/gobject_ptr.h"
#include "mail/html_to_text.h"
#include "mail/rfc2047.h"

namespace mailmark {
namespace {

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

// Header values are single lines: CR, LF and other controls would end the header early and
// let the rest pose as new headers (header injection), so each becomes a space.
std::string SingleLine(std::string_view value) {
  std::string out(value);
  for (char& c : out) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  return out;
}

// Surrounding blanks are dropped: GMime trims unencoded values, so doing it always keeps
// encoded and plain values alike.
std::string TrimmedLine(std::string_view value) {
  std::string line = SingleLine(value);
  std::size_t begin = line.find_first_not_of(' ');
  if (begin == std::string::npos) return "";
  return line.substr(begin, line.find_last_not_of(' ') - begin + 1);
}

// Replaces what GMime would write for `header` with our own encoded-words (see rfc2047.h),
// folded one word per line, then `tail` (e.g. " <addr>") where it still fits.
void SetEncodedValue(GMimeHeader* header, std::string_view text, std::string_view tail = {}) {
  constexpr std::size_t kMaxLine = 76;  // RFC 2047 section 2, for lines with encoded-words
  std::size_t used = std::string_view(g_mime_header_get_name(header)).size() + 2;
  std::string raw;
  for (const std::string& word : EncodeWords(text, kMaxLine - used)) {
    if (!raw.empty()) {
      raw += '\n';
      used = 0;
    }
    raw += ' ' + word;
    used += 1 + word.size();
  }
  if (!tail.empty()) {
    if (used + tail.size() > kMaxLine) raw += '\n';
    raw += tail;
  }
  raw += '\n';  // GMime's raw values end in a newline; the DOS filter makes it CRLF
  g_mime_header_set_raw_value(header, raw.c_str());
}

// `value` (printable ASCII) as a raw header value, folded at blanks so lines stay within 78
// characters where they can; nullopt when a run without blanks cannot fit in 998.
// GMime's own formatter would instead turn any run over 78 characters, such as a long URL,
// into encoded-words, which breaks List-Unsubscribe (RFC 2369 values are never decoded).
std::optional<std::string> FoldedPlainValue(std::string_view name, std::string_view value) {
  constexpr std::size_t kSoftLimit = 78;
  constexpr std::size_t kHardLimit = 998;
  std::string raw;
  std::size_t used = name.size() + 1;
  std::size_t start = 0;
  bool first = true;
  while (start <= value.size()) {
    std::size_t end = std::min(value.find(' ', start), value.size());
    std::string_view word = value.substr(start, end - start);
    if (!first && !word.empty() && used + 1 + word.size() > kSoftLimit) {
      raw += '\n';  // folding: the blank that follows starts the continuation line
      used = 0;
    }
    raw += ' ';
    raw += word;
    used += 1 + word.size();
    if (used > kHardLimit) return std::nullopt;
    first = false;
    start = end + 1;
  }
  raw += '\n';
  return raw;
}

GMimeHeader* FindHeader(GMimeObject* object, const char* name) {
  return g_mime_header_list_get_header(g_mime_object_get_header_list(object), name);
}

GMimeHeader* LastHeader(GMimeObject* object) {
  GMimeHeaderList* list = g_mime_object_get_header_list(object);
  return g_mime_header_list_get_header_at(list, g_mime_header_list_get_count(list) - 1);
}

// Plain folded text when `text` is printable ASCII that no reader would decode, else our
// encoded-words: GMime's choice between the two is what this replaces.
void SetPlainOrEncodedValue(GMimeHeader* header, std::string_view text) {
  bool plain = std::all_of(text.begin(), text.end(), [](char c) { return c >= ' ' && c < 0x7F; }) &&
               text.find("=?") == std::string_view::npos;
  std::optional<std::string> folded;
  if (plain) folded = FoldedPlainValue(g_mime_header_get_name(header), text);
  if (folded)
    g_mime_header_set_raw_value(header, folded->c_str());
  else
    SetEncodedValue(header, text);
}

bool IsValidHeaderName(std::string_view name) {
  if (name.empty() || name.size() > 76) return false;
  for (char c : name) {
    if (c <= ' ' || c >= 0x7F || c == ':') return false;
  }
  return true;
}

bool IsOwnedHeader(std::string_view name) {
  for (std::string_view owned : kOwnedHeaders) {
    if (name.size() != owned.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < name.size() && same; ++i) {
      char c = name[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      same = c == owned[i];
    }
    if (same) return true;
  }
  return false;
}

// LF line ends: GMime's DOS newline filter turns them into CRLF when the part is written.
std::string UnixNewlines(std::string_view text) {
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

std::string DosNewlines(std::string_view unix_text) {
  std::string out;
  out.reserve(unix_text.size() + unix_text.size() / 32);
  for (char c : unix_text) {
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  return out;
}

// A text/<subtype> part holding UTF-8 `content`. Mostly-ASCII text goes quoted-printable (it
// stays readable), the rest base64; both keep every line short whatever the input.
GObjectPtr<GMimeObject> TextPart(const char* subtype, std::string_view content) {
  // The parts are labelled utf-8, so they must be: stray bytes become U+FFFD.
  std::string body = UnixNewlines(ValidUtf8(content));
  GMimeContentEncoding encoding =
      g_mime_utils_best_encoding(reinterpret_cast<const unsigned char*>(body.data()), body.size());
  if (encoding != GMIME_CONTENT_ENCODING_BASE64) {
    encoding = GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
  } else {
    // base64 bypasses the newline filter's effect on the payload, so the canonical CRLF
    // form of text (RFC 2045 section 6.8) is produced here.
    body = DosNewlines(body);
  }
  GObjectPtr<GMimeTextPart> part(g_mime_text_part_new_with_subtype(subtype));
  auto* object = GMIME_OBJECT(part.get());
  g_mime_object_set_content_type_parameter(object, "charset", "utf-8");
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(body.data(), body.size()));
  GObjectPtr<GMimeDataWrapper> wrapper(
      g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));
  g_mime_part_set_content(GMIME_PART(part.get()), wrapper.get());
  g_mime_part_set_content_encoding(GMIME_PART(part.get()), encoding);
  return GObjectPtr<GMimeObject>(GMIME_OBJECT(part.release()));
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
void SetListUnsubscribe(GMimeObject* object, const MessageInput& in) {
  std::optional<std::string> url = UsableUri(in.list_unsubscribe_url);
  std::optional<std::string> mailto = UsableUri(in.list_unsubscribe_mailto);
  std::string value;
  for (const auto& uri : {url, mailto}) {
    if (!uri) continue;
    if (!value.empty()) value += ", ";
    value += '<' + *uri + '>';
  }
  if (value.empty()) return;
  g_mime_object_set_header(object, "List-Unsubscribe", value.c_str(), nullptr);
  SetPlainOrEncodedValue(FindHeader(object, "List-Unsubscribe"), value);
  if (url) {
    g_mime_object_set_header(object, "List-Unsubscribe-Post", "List-Unsubscribe=One-Click",
                             nullptr);
  }
}

void SetAddresses(GMimeMessage* message, const MessageInput& in) {
  std::string from_name = TrimmedLine(in.from_name);
  std::string from_email = TrimmedLine(in.from_email);
  GObjectPtr<InternetAddress> from(internet_address_mailbox_new(
      from_name.empty() ? nullptr : from_name.c_str(), from_email.c_str()));
  // Without an explicit charset GMime may pick a legacy one (iso-8859-1) for the name.
  internet_address_set_charset(from.get(), "utf-8");
  internet_address_list_add(g_mime_message_get_from(message), from.get());
  GMimeHeader* header = FindHeader(GMIME_OBJECT(message), "From");
  if (NeedsEncodedWords(from_name) && header != nullptr) {
    SetEncodedValue(header, from_name, " <" + from_email + ">");
  }

  GObjectPtr<InternetAddress> to(
      internet_address_mailbox_new(nullptr, TrimmedLine(in.to_email).c_str()));
  internet_address_list_add(g_mime_message_get_to(message), to.get());
}

void SetThreadHeaders(GMimeObject* object, const std::vector<std::string>& references) {
  std::string all;
  std::string last;
  for (const std::string& reference : references) {
    std::string id = TrimmedLine(reference);
    if (id.empty()) continue;
    if (!all.empty()) all += ' ';
    all += id;
    last = std::move(id);
  }
  if (all.empty()) return;
  g_mime_object_set_header(object, "In-Reply-To", last.c_str(), nullptr);
  g_mime_object_set_header(object, "References", all.c_str(), nullptr);
}

}  // namespace

std::string BuildMessage(const MessageInput& in) {
  EnsureGMimeInitialized();
  GObjectPtr<GMimeMessage> message(g_mime_message_new(TRUE));
  auto* object = GMIME_OBJECT(message.get());

  SetAddresses(message.get(), in);
  std::string subject = TrimmedLine(in.subject);
  g_mime_message_set_subject(message.get(), subject.c_str(), "utf-8");
  GMimeHeader* subject_header = FindHeader(object, "Subject");
  if (NeedsEncodedWords(subject) && subject_header != nullptr) {
    SetEncodedValue(subject_header, subject);
  }
  g_mime_object_set_header(object, "Date", FormatRfc5322(in.date).c_str(), nullptr);
  g_mime_object_set_header(object, "Message-ID", SingleLine(in.message_id).c_str(), nullptr);
  SetThreadHeaders(object, in.references);

  SetListUnsubscribe(object, in);
  for (const auto& [name, value] : in.extra_headers) {
    if (!IsValidHeaderName(name) || IsOwnedHeader(name)) continue;
    std::string line = TrimmedLine(value);
    g_mime_object_append_header(object, name.c_str(), line.c_str(), "utf-8");
    SetPlainOrEncodedValue(LastHeader(object), line);
  }

  GObjectPtr<GMimeMultipart> alternative(g_mime_multipart_new_with_subtype("alternative"));
  // Our own random boundary: cannot collide with body text, and needs no GMime RNG state.
  g_mime_multipart_set_boundary(alternative.get(), ("=_mm_" + RandomHex(16)).c_str());
  std::string derived_text = in.text ? std::string() : HtmlToText(in.html);
  GObjectPtr<GMimeObject> text_part = TextPart("plain", in.text ? *in.text : derived_text);
  GObjectPtr<GMimeObject> html_part = TextPart("html", in.html);
  g_mime_multipart_add(alternative.get(), text_part.get());  // text first, html last: the
  g_mime_multipart_add(alternative.get(), html_part.get());  // last is the preferred form
  g_mime_message_set_mime_part(message.get(), GMIME_OBJECT(alternative.get()));

  FormatOptionsPtr options(g_mime_format_options_new());
  g_mime_format_options_set_newline_format(options.get(), GMIME_NEWLINE_FORMAT_DOS);
  GCharPtr raw(g_mime_object_to_string(object, options.get()));
  return raw ? std::string(raw.get()) : std::string();
}

}  // namespace mailmark
