#include "harness/message_quality.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <utility>

#include <gmime/gmime.h>
#include <nlohmann/json.hpp>

#include "harness/run_command.h"
#include "harness/temp_dir.h"

namespace mailmark::testing {
namespace {

constexpr const char* kPython = "/usr/bin/python3";
constexpr std::size_t kMaxLine = 998;  // octets, without the CRLF (RFC 5322 section 2.1.1)

// argv: message file. Prints {"problems": [...], "decoded": {...}} as JSON: the defects the
// `email` package's modern parser records for the message, each part and each header, and
// the fields as it decodes them.
constexpr const char* kPythonScript = R"PY(
import json, sys
from email import policy
from email.parser import BytesParser

problems = []
decoded = {}

def clean(text):
    # Undecodable bytes arrive as lone surrogates, which JSON cannot carry.
    if text is None:
        return ""
    return str(text).encode("utf-8", "surrogateescape").decode("utf-8", "replace")

def report(where, defects):
    for d in defects:
        problems.append("python: %s: %s: %s" % (where, type(d).__name__, d))

def first_mailbox(header):
    if header is None or not header.addresses:
        return None
    return header.addresses[0]

try:
    with open(sys.argv[1], "rb") as f:
        msg = BytesParser(policy=policy.default).parse(f)
    for i, part in enumerate(msg.walk()):
        where = "message" if i == 0 else "part %d (%s)" % (i, part.get_content_type())
        report(where, part.defects)
        for name, value in part.items():
            report("%s, header %s" % (where, name), getattr(value, "defects", ()))
        if part.get_content_maintype() == "text" and part.get_content_charset() != "utf-8":
            problems.append("python: %s: charset is %r, not utf-8" %
                            (where, part.get_content_charset()))
    decoded["subject"] = clean(msg["subject"])
    sender = first_mailbox(msg["from"])
    decoded["from_name"] = clean(sender.display_name if sender else "")
    decoded["from_address"] = clean(sender.addr_spec if sender else "")
    recipient = first_mailbox(msg["to"])
    decoded["to"] = clean(recipient.addr_spec if recipient else "")
    decoded["message_id"] = clean(msg["message-id"]).strip()
    decoded["in_reply_to"] = clean(msg["in-reply-to"]).strip()
    decoded["references"] = clean(msg["references"]).split()
    for kind in ("plain", "html"):
        body = msg.get_body(preferencelist=(kind,))
        if body is None or body.get_content_type() != "text/" + kind:
            decoded["text" if kind == "plain" else "html"] = ""
            if kind == "plain":
                problems.append("python: no text/plain body")
            continue
        content = clean(body.get_content()).replace("\r\n", "\n")
        decoded["text" if kind == "plain" else "html"] = content
except Exception as e:
    problems.append("python: cannot parse: %s: %s" % (type(e).__name__, e))

print(json.dumps({"problems": problems, "decoded": decoded}))
)PY";

using Problems = std::vector<std::string>;

struct PythonVerdict {
  Problems problems;
  std::optional<DecodedMessage> decoded;  // nullopt: Python could not parse it
};

PythonVerdict RunPython(std::string_view raw) {
  TempDir dir("mm-quality");
  auto write = [](const std::filesystem::path& path, std::string_view text) {
    std::ofstream out(path, std::ios::binary);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
  };
  write(dir.path() / "check.py", kPythonScript);
  write(dir.path() / "message.eml", raw);
  CommandResult run = RunToCompletion(
      {kPython, (dir.path() / "check.py").string(), (dir.path() / "message.eml").string()});
  nlohmann::json answer = nlohmann::json::parse(run.out, nullptr, /*allow_exceptions=*/false);
  if (run.exit_code != 0 || !answer.is_object()) {
    throw std::runtime_error("the Python checker failed (exit " + std::to_string(run.exit_code) +
                             "): " + run.err + run.out);
  }
  PythonVerdict verdict;
  verdict.problems = answer["problems"].get<Problems>();
  const nlohmann::json& d = answer["decoded"];
  if (d.contains("html")) {  // the last field the script fills
    DecodedMessage& m = verdict.decoded.emplace();
    m.subject = d.value("subject", "");
    m.from_name = d.value("from_name", "");
    m.from_address = d.value("from_address", "");
    m.to = d.value("to", "");
    m.message_id = d.value("message_id", "");
    m.in_reply_to = d.value("in_reply_to", "");
    m.references = d.value("references", std::vector<std::string>{});
    m.text = d.value("text", "");
    m.html = d.value("html", "");
  }
  return verdict;
}

// ---- GMime ----------------------------------------------------------------------------------

struct Unref {
  void operator()(gpointer object) const {
    if (object != nullptr) g_object_unref(object);
  }
};
template <typename T>
using Owned = std::unique_ptr<T, Unref>;

struct FreeParserOptions {
  void operator()(GMimeParserOptions* options) const { g_mime_parser_options_free(options); }
};
struct FreeReferences {
  void operator()(GMimeReferences* refs) const { g_mime_references_free(refs); }
};

void InitGMime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });  // counts its callers: harmless when repeated
}

const char* WarningName(GMimeParserWarning code) {
  switch (code) {
    case GMIME_WARN_DUPLICATED_HEADER:
      return "duplicated header";
    case GMIME_WARN_DUPLICATED_PARAMETER:
      return "duplicated parameter";
    case GMIME_WARN_UNENCODED_8BIT_HEADER:
      return "unencoded 8-bit header";
    case GMIME_WARN_INVALID_CONTENT_TYPE:
      return "invalid content type";
    case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE:
      return "invalid RFC 2047 header value";
    case GMIME_WARN_MALFORMED_MULTIPART:
      return "malformed multipart";
    case GMIME_WARN_TRUNCATED_MESSAGE:
      return "truncated message";
    case GMIME_WARN_MALFORMED_MESSAGE:
      return "malformed message";
    case GMIME_CRIT_INVALID_HEADER_NAME:
      return "invalid header name";
    case GMIME_CRIT_CONFLICTING_HEADER:
      return "conflicting header";
    case GMIME_CRIT_CONFLICTING_PARAMETER:
      return "conflicting parameter";
    case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
      return "multipart without boundary";
    case GMIME_WARN_INVALID_PARAMETER:
      return "invalid parameter";
    case GMIME_WARN_INVALID_ADDRESS_LIST:
      return "invalid address list";
    case GMIME_CRIT_NESTING_OVERFLOW:
      return "nesting overflow";
    case GMIME_WARN_PART_WITHOUT_CONTENT:
      return "part without content";
    case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
      return "part without headers or content";
  }
  return "unknown warning";
}

void CollectWarning(gint64 offset, GMimeParserWarning code, const gchar* item, gpointer sink) {
  std::string text = "gmime: " + std::string(WarningName(code));
  if (item != nullptr) text += ": " + std::string(item);
  if (offset >= 0) text += " (offset " + std::to_string(offset) + ")";
  static_cast<Problems*>(sink)->push_back(std::move(text));
}

// Parses `raw`; GMime's complaints go to `warnings` when given. Null when it is no message.
Owned<GMimeMessage> ParseWithGMime(std::string_view raw, Problems* warnings) {
  InitGMime();
  Owned<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  Owned<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  std::unique_ptr<GMimeParserOptions, FreeParserOptions> options(g_mime_parser_options_new());
  if (warnings != nullptr) {
    g_mime_parser_options_set_warning_callback(options.get(), CollectWarning, warnings);
  }
  return Owned<GMimeMessage>(g_mime_parser_construct_message(parser.get(), options.get()));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view s) {
  std::size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return "";
  return std::string(s.substr(begin, s.find_last_not_of(" \t") - begin + 1));
}

std::string LfLineEnds(std::string text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out.push_back(text[i]);
  }
  return out;
}

// Ids without angle brackets as GMime hands them out; each gets its brackets back.
std::vector<std::string> ParseIds(const char* header_value) {
  std::vector<std::string> ids;
  if (header_value == nullptr) return ids;
  std::unique_ptr<GMimeReferences, FreeReferences> refs(
      g_mime_references_parse(nullptr, header_value));
  if (!refs) return ids;
  for (int i = 0; i < g_mime_references_length(refs.get()); ++i) {
    ids.push_back("<" + std::string(g_mime_references_get_message_id(refs.get(), i)) + ">");
  }
  return ids;
}

InternetAddressMailbox* FirstMailbox(InternetAddressList* list) {
  if (list == nullptr || internet_address_list_length(list) < 1) return nullptr;
  InternetAddress* address = internet_address_list_get_address(list, 0);
  return INTERNET_ADDRESS_IS_MAILBOX(address) ? INTERNET_ADDRESS_MAILBOX(address) : nullptr;
}

// The first part of type text/<subtype> in a depth-first walk, skipping attached messages.
GMimeTextPart* FindTextPart(GMimeObject* object, const char* subtype) {
  if (GMIME_IS_MULTIPART(object)) {
    GMimeMultipart* multipart = GMIME_MULTIPART(object);
    for (int i = 0; i < g_mime_multipart_get_count(multipart); ++i) {
      if (GMimeTextPart* found = FindTextPart(g_mime_multipart_get_part(multipart, i), subtype)) {
        return found;
      }
    }
    return nullptr;
  }
  if (GMIME_IS_TEXT_PART(object) &&
      g_mime_content_type_is_type(g_mime_object_get_content_type(object), "text", subtype)) {
    return GMIME_TEXT_PART(object);
  }
  return nullptr;
}

std::string TextOf(GMimeTextPart* part) {
  if (part == nullptr) return "";
  char* text = g_mime_text_part_get_text(part);
  std::string out = text ? text : "";
  g_free(text);
  return LfLineEnds(std::move(out));
}

// ---- byte-level and header checks -----------------------------------------------------------

// Line ends, line lengths and 8-bit octets, each reported once with its first line number.
void CheckOctets(std::string_view raw, Problems& problems) {
  std::size_t header_end = raw.find("\r\n\r\n");
  std::size_t line = 1;
  std::size_t line_start = 0;
  std::map<std::string, std::pair<std::size_t, std::size_t>> seen;  // kind -> (count, first line)
  auto note = [&](const std::string& kind) {
    auto& [count, first] = seen[kind];
    if (count++ == 0) first = line;
  };
  auto end_line = [&](std::size_t end) {
    if (end - line_start > kMaxLine) note("line over 998 octets");
  };
  for (std::size_t i = 0; i < raw.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    bool in_header = header_end == std::string_view::npos || i < header_end;
    if (c == '\r') {
      if (i + 1 < raw.size() && raw[i + 1] == '\n') {
        end_line(i);
        ++i;
      } else {
        note("bare CR");
        end_line(i);
      }
      line_start = i + 1;
      ++line;
    } else if (c == '\n') {
      note("bare LF");
      end_line(i);
      line_start = i + 1;
      ++line;
    } else if (c >= 0x80) {
      note(in_header ? "8-bit octet in the header section" : "8-bit octet in the body");
    } else if (c == 0) {
      note("NUL octet");
    } else if (in_header && ((c < 0x20 && c != '\t') || c == 0x7F)) {
      note("control character in the header section");
    }
  }
  end_line(raw.size());
  for (const auto& [kind, where] : seen) {
    problems.push_back(kind + ": " + std::to_string(where.first) + " time(s), first on line " +
                       std::to_string(where.second));
  }
}

struct HeaderField {
  std::string name;   // as written
  std::string value;  // unfolded (line breaks removed), surrounding blanks trimmed
};

// The top-level header fields; malformed lines are problems.
std::vector<HeaderField> SplitHeader(std::string_view raw, Problems& problems) {
  std::vector<HeaderField> fields;
  std::size_t pos = 0;
  while (pos < raw.size()) {
    std::size_t end = raw.find('\n', pos);
    if (end == std::string_view::npos) end = raw.size();
    std::string_view line = raw.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    if (line.empty()) return fields;  // the blank line that ends the header section
    if (line[0] == ' ' || line[0] == '\t') {
      if (fields.empty()) {
        problems.push_back("the header section starts with a continuation line");
      } else {
        fields.back().value += std::string(line);
      }
      continue;
    }
    std::size_t colon = line.find(':');
    std::string_view name = line.substr(0, colon == std::string_view::npos ? 0 : colon);
    bool valid = !name.empty() &&
                 std::all_of(name.begin(), name.end(), [](char c) { return c > ' ' && c < 0x7F; });
    if (!valid) {
      problems.push_back("not a header field: \"" + std::string(line.substr(0, 80)) + "\"");
      continue;
    }
    fields.push_back({std::string(name), std::string(line.substr(colon + 1))});
  }
  problems.push_back("no blank line ends the header section");
  return fields;
}

bool IsAtext(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

// RFC 5322 dot-atom-text: atext runs joined by single dots.
bool IsDotAtomText(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.') {
      if (s[i + 1] == '.') return false;
    } else if (!IsAtext(s[i])) {
      return false;
    }
  }
  return true;
}

// "<dot-atom-text@dot-atom-text>" or "<dot-atom-text@[dtext]>": RFC 5322's msg-id without the
// obsolete forms.
bool IsMsgId(std::string_view id) {
  if (id.size() < 5 || id.front() != '<' || id.back() != '>') return false;
  std::string_view inner = id.substr(1, id.size() - 2);
  std::size_t at = inner.find('@');
  if (at == std::string_view::npos) return false;
  std::string_view left = inner.substr(0, at);
  std::string_view right = inner.substr(at + 1);
  if (!IsDotAtomText(left)) return false;
  if (right.size() >= 2 && right.front() == '[' && right.back() == ']') {
    std::string_view dtext = right.substr(1, right.size() - 2);
    return std::all_of(dtext.begin(), dtext.end(), [](char c) {
      return c > ' ' && c < 0x7F && c != '[' && c != ']' && c != '\\';
    });
  }
  return IsDotAtomText(right);
}

std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> words;
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t begin = s.find_first_not_of(" \t", pos);
    if (begin == std::string_view::npos) break;
    std::size_t end = std::min(s.find_first_of(" \t", begin), s.size());
    words.emplace_back(s.substr(begin, end - begin));
    pos = end;
  }
  return words;
}

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

void CheckHeaderFields(const std::vector<HeaderField>& fields, Problems& problems) {
  std::map<std::string, std::vector<std::string>> by_name;  // lower-case name -> raw values
  for (const auto& field : fields) by_name[Lower(field.name)].push_back(Trim(field.value));
  for (const char* required : {"From", "To", "Subject", "Date", "Message-ID", "MIME-Version"}) {
    std::size_t n = by_name.count(Lower(required)) ? by_name[Lower(required)].size() : 0;
    if (n != 1) {
      problems.push_back(std::string(required) + " appears " + std::to_string(n) +
                         " times, must appear once");
    }
  }
  for (const char* single : {"Cc", "Reply-To", "Sender", "In-Reply-To", "References"}) {
    auto it = by_name.find(Lower(single));
    if (it != by_name.end() && it->second.size() > 1) {
      problems.push_back(std::string(single) + " appears more than once");
    }
  }
  auto value = [&](const char* name) -> std::optional<std::string> {
    auto it = by_name.find(Lower(name));
    if (it == by_name.end() || it->second.empty()) return std::nullopt;
    return it->second.front();
  };
  if (auto v = value("MIME-Version"); v && *v != "1.0") {
    problems.push_back("MIME-Version is \"" + *v + "\", not 1.0");
  }
  if (auto v = value("Message-ID"); v && !IsMsgId(*v)) {
    problems.push_back("Message-ID is not <local@domain>: \"" + *v + "\"");
  }
  for (const char* name : {"Subject", "From", "To"}) {
    if (auto v = value(name); v && !IsAscii(*v)) {
      problems.push_back(std::string(name) +
                         " carries raw non-ASCII octets: non-ASCII text needs RFC 2047 "
                         "encoded-words");
    }
  }
  std::vector<std::string> references;
  if (auto v = value("References")) {
    references = Words(*v);
    if (references.empty()) problems.push_back("References is empty");
    for (const auto& id : references) {
      if (!IsMsgId(id)) problems.push_back("References holds a malformed id: \"" + id + "\"");
    }
  }
  if (auto v = value("In-Reply-To")) {
    std::vector<std::string> ids = Words(*v);
    if (ids.size() != 1 || !IsMsgId(ids.front())) {
      problems.push_back("In-Reply-To is not one <local@domain> id: \"" + *v + "\"");
    } else if (references.empty()) {
      problems.push_back("In-Reply-To without References");
    } else if (references.back() != ids.front()) {
      problems.push_back("the last References id is not the In-Reply-To id");
    }
  }
}

// ---- MIME structure -------------------------------------------------------------------------

bool IsType(GMimeObject* object, const char* type, const char* subtype) {
  return g_mime_content_type_is_type(g_mime_object_get_content_type(object), type, subtype);
}

void CheckStructure(GMimeObject* object, bool& has_plain, Problems& problems) {
  if (GMIME_IS_MESSAGE_PART(object)) return;  // an attached message is judged on its own
  if (GMIME_IS_MULTIPART(object)) {
    GMimeMultipart* multipart = GMIME_MULTIPART(object);
    int count = g_mime_multipart_get_count(multipart);
    if (IsType(object, "multipart", "alternative")) {
      int plain = -1;
      int html = -1;
      for (int i = 0; i < count; ++i) {
        GMimeObject* child = g_mime_multipart_get_part(multipart, i);
        if (plain < 0 && IsType(child, "text", "plain")) plain = i;
        if (html < 0 && IsType(child, "text", "html")) html = i;
      }
      if (plain < 0) problems.push_back("multipart/alternative without a text/plain part");
      if (plain >= 0 && html >= 0 && html < plain) {
        problems.push_back("multipart/alternative puts text/html before text/plain");
      }
    }
    for (int i = 0; i < count; ++i) {
      CheckStructure(g_mime_multipart_get_part(multipart, i), has_plain, problems);
    }
    return;
  }
  if (IsType(object, "text", "*")) {
    const char* charset = g_mime_object_get_content_type_parameter(object, "charset");
    if (charset == nullptr || Lower(charset) != "utf-8") {
      char* type = g_mime_content_type_get_mime_type(g_mime_object_get_content_type(object));
      problems.push_back(std::string("a ") + type + " part declares charset " +
                         (charset ? charset : "(none)") + ", not utf-8");
      g_free(type);
    }
    if (IsType(object, "text", "plain")) has_plain = true;
  }
}

void CheckWithGMime(std::string_view raw, Problems& problems) {
  Problems warnings;
  Owned<GMimeMessage> message = ParseWithGMime(raw, &warnings);
  problems.insert(problems.end(), warnings.begin(), warnings.end());
  if (!message) {
    problems.push_back("gmime: not a message");
    return;
  }
  if (g_mime_message_get_date(message.get()) == nullptr) {  // a borrowed pointer
    problems.push_back("gmime: no readable Date");
  }
  InternetAddressList* from = g_mime_message_get_from(message.get());
  InternetAddressMailbox* sender = FirstMailbox(from);
  if (internet_address_list_length(from) != 1 || sender == nullptr ||
      std::string_view(internet_address_mailbox_get_addr(sender)).find('@') ==
          std::string_view::npos) {
    problems.push_back("gmime: From is not exactly one mailbox with a domain");
  }
  if (FirstMailbox(g_mime_message_get_to(message.get())) == nullptr) {
    problems.push_back("gmime: To holds no mailbox");
  }
  GMimeObject* body = g_mime_message_get_mime_part(message.get());
  bool has_plain = false;
  if (body != nullptr) CheckStructure(body, has_plain, problems);
  if (!has_plain) problems.push_back("no text/plain part");
}

}  // namespace

std::optional<std::string> MessageQualityToolsMissing() {
  if (::access(kPython, X_OK) != 0) {
    return std::string(kPython) + " not found: install the `python3` package";
  }
  return std::nullopt;
}

std::vector<std::string> MessageQualityProblems(std::string_view raw) {
  Problems problems;
  CheckOctets(raw, problems);
  CheckHeaderFields(SplitHeader(raw, problems), problems);
  CheckWithGMime(raw, problems);
  if (auto missing = MessageQualityToolsMissing()) {
    problems.push_back("cannot run the Python checks: " + *missing);
  } else {
    Problems python = RunPython(raw).problems;
    problems.insert(problems.end(), python.begin(), python.end());
  }
  return problems;
}

DecodedMessage DecodeWithGMime(std::string_view raw) {
  Owned<GMimeMessage> message = ParseWithGMime(raw, nullptr);
  if (!message) throw std::runtime_error("GMime cannot parse the message");
  GMimeObject* object = GMIME_OBJECT(message.get());
  DecodedMessage m;
  const char* subject = g_mime_message_get_subject(message.get());
  m.subject = subject ? subject : "";
  if (InternetAddressMailbox* sender = FirstMailbox(g_mime_message_get_from(message.get()))) {
    const char* name = internet_address_get_name(INTERNET_ADDRESS(sender));
    m.from_name = name ? name : "";
    m.from_address = internet_address_mailbox_get_addr(sender);
  }
  if (InternetAddressMailbox* to = FirstMailbox(g_mime_message_get_to(message.get()))) {
    m.to = internet_address_mailbox_get_addr(to);
  }
  const char* id = g_mime_message_get_message_id(message.get());
  m.message_id = id ? "<" + std::string(id) + ">" : "";
  std::vector<std::string> parent = ParseIds(g_mime_object_get_header(object, "In-Reply-To"));
  m.in_reply_to = parent.empty() ? "" : parent.front();
  m.references = ParseIds(g_mime_object_get_header(object, "References"));
  GMimeObject* body = g_mime_message_get_mime_part(message.get());
  if (body != nullptr) {
    m.text = TextOf(FindTextPart(body, "plain"));
    m.html = TextOf(FindTextPart(body, "html"));
  }
  return m;
}

DecodedMessage DecodeWithPython(std::string_view raw) {
  if (auto missing = MessageQualityToolsMissing()) throw std::runtime_error(*missing);
  PythonVerdict verdict = RunPython(raw);
  if (!verdict.decoded) {
    std::string why;
    for (const auto& p : verdict.problems) why += "\n" + p;
    throw std::runtime_error("Python cannot parse the message:" + why);
  }
  return *verdict.decoded;
}

}  // namespace mailmark::testing
