#include "inbound/mime_walk.h"

#include <cctype>

#include "inbound/header_decode.h"
#include "inbound/inbound_message.h"
#include "inbound/text_util.h"
#include "mail/gmime_runtime.h"

namespace mailmark::inbound {
namespace {

void Walk(GMimeObject* part, int depth, const std::function<bool(GMimeObject*)>& visit,
          bool& stop) {
  if (part == nullptr || stop || depth > kMaxMimeDepth) return;
  if (!visit(part)) {
    stop = true;
    return;
  }
  if (GMIME_IS_MULTIPART(part)) {
    GMimeMultipart* multipart = GMIME_MULTIPART(part);
    int count = g_mime_multipart_get_count(multipart);
    for (int i = 0; i < count && !stop; ++i) {
      Walk(g_mime_multipart_get_part(multipart, i), depth + 1, visit, stop);
    }
  }
}

// Letters, digits, '-' and '_': what real header names are made of.
bool IsFieldName(std::string_view name) {
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

}  // namespace

bool HasOverlongHeaders(std::string_view raw) {
  std::size_t field = 0;     // length of the header field being read, 0 outside one
  bool in_top_block = true;  // still in the message's own header block
  std::size_t pos = 0;
  while (pos < raw.size()) {
    std::size_t end = raw.find('\n', pos);
    if (end == std::string_view::npos) end = raw.size();
    std::string_view line = raw.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) in_top_block = false;
    if (in_top_block && end + 1 > kMaxHeaderBlock) return true;
    bool continuation = !line.empty() && (line.front() == ' ' || line.front() == '\t');
    if (continuation && field > 0) {
      field += line.size() + 2;
    } else {
      std::size_t colon = line.find(':');
      bool header =
          colon != std::string_view::npos && colon > 0 && IsFieldName(line.substr(0, colon));
      field = header ? line.size() + 2 : 0;
    }
    if (field > kMaxHeaderField) return true;
    pos = end + 1;
  }
  return false;
}

GObjectPtr<GMimeMessage> ParseMime(std::string_view raw) {
  if (HasOverlongHeaders(raw)) return nullptr;
  EnsureGMimeInitialized();
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  return GObjectPtr<GMimeMessage>(g_mime_parser_construct_message(parser.get(), nullptr));
}

std::string MimeType(GMimeObject* part) {
  GMimeContentType* type = part ? g_mime_object_get_content_type(part) : nullptr;
  if (type == nullptr) return "text/plain";
  GCharPtr mime_type(g_mime_content_type_get_mime_type(type));
  return mime_type ? AsciiLower(mime_type.get()) : "text/plain";
}

void WalkParts(GMimeObject* root, const std::function<bool(GMimeObject*)>& visit) {
  bool stop = false;
  Walk(root, 0, visit, stop);
}

std::string PartBytes(GMimeObject* part, std::size_t limit) {
  if (part == nullptr) return {};
  GObjectPtr<GMimeStream> sink(g_mime_stream_mem_new());
  if (GMIME_IS_PART(part)) {
    GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(part));
    if (content == nullptr) return {};
    g_mime_data_wrapper_write_to_stream(content, sink.get());
  } else if (GMIME_IS_MESSAGE_PART(part)) {
    GMimeMessage* message = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
    if (message == nullptr) return {};
    g_mime_object_write_to_stream(GMIME_OBJECT(message), nullptr, sink.get());
  } else {
    return {};
  }
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(sink.get()));
  if (bytes == nullptr) return {};
  std::size_t size = std::min<std::size_t>(bytes->len, limit);
  return std::string(reinterpret_cast<const char*>(bytes->data), size);
}

std::string RawHeader(GMimeObject* object, const char* name) {
  if (object == nullptr) return {};
  GMimeHeaderList* list = g_mime_object_get_header_list(object);
  if (list == nullptr) return {};
  GMimeHeader* header = g_mime_header_list_get_header(list, name);
  if (header == nullptr) return {};
  const char* raw = g_mime_header_get_raw_value(header);
  if (raw == nullptr) raw = g_mime_header_get_value(header);
  return raw ? UnfoldHeader(raw) : std::string();
}

std::string NormalizeNewlines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace mailmark::inbound
