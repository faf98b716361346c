#include "inbound/inbound_message.h"

#include <chrono>

#include <gmime/gmime.h>

#include "inbound/header_decode.h"
#include "inbound/mime_walk.h"
#include "inbound/text_util.h"
#include "mail/html_to_text.h"
#include "mail/rfc2047.h"

namespace mailmark {
namespace {

using inbound::AngleId;
using inbound::AsciiLower;
using inbound::TrimView;

void CollectHeaders(GMimeObject* object, std::map<std::string, std::string>& headers) {
  GMimeHeaderList* list = object ? g_mime_object_get_header_list(object) : nullptr;
  if (list == nullptr) return;
  int count = g_mime_header_list_get_count(list);
  for (int i = 0; i < count; ++i) {
    GMimeHeader* header = g_mime_header_list_get_header_at(list, i);
    const char* name = header ? g_mime_header_get_name(header) : nullptr;
    if (name == nullptr) continue;
    const char* raw = g_mime_header_get_raw_value(header);
    if (raw == nullptr) raw = g_mime_header_get_value(header);
    headers.emplace(AsciiLower(name), raw ? inbound::UnfoldHeader(raw) : std::string());
  }
}

// Message ids of an In-Reply-To / References value, "<id>" each, in order.
std::vector<std::string> ParseIds(const std::string& value) {
  std::vector<std::string> ids;
  if (TrimView(value).empty()) return ids;
  GMimeReferences* refs = g_mime_references_parse(nullptr, value.c_str());
  if (refs != nullptr) {
    int count = g_mime_references_length(refs);
    for (int i = 0; i < count; ++i) {
      const char* id = g_mime_references_get_message_id(refs, i);
      if (id != nullptr && *id != '\0') ids.push_back(AngleId(id));
    }
    g_mime_references_free(refs);
  }
  // A bare id without angle brackets: GMime finds nothing, the id is still the id.
  if (ids.empty() && value.find_first_of(" \t<>,") == std::string::npos) {
    ids.push_back(AngleId(value));
  }
  return ids;
}

// Mailboxes of an address list (group members included), lower-cased addresses.
void CollectMailboxes(InternetAddressList* list, std::vector<InternetAddressMailbox*>& out) {
  if (list == nullptr) return;
  int count = internet_address_list_length(list);
  for (int i = 0; i < count; ++i) {
    InternetAddress* address = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_MAILBOX(address)) {
      out.push_back(INTERNET_ADDRESS_MAILBOX(address));
    } else if (INTERNET_ADDRESS_IS_GROUP(address)) {
      CollectMailboxes(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(address)), out);
    }
  }
}

std::string MailboxAddress(InternetAddressMailbox* mailbox) {
  const char* addr = internet_address_mailbox_get_addr(mailbox);
  return addr ? AsciiLower(TrimView(addr)) : std::string();
}

// The display name from the raw From value ("Name <addr>"), decoded by our own decoder;
// nullopt for the "addr (Name)" form, which GMime's parse handles.
std::optional<std::string> DisplayName(std::string_view raw) {
  bool quoted = false;
  std::size_t angle = std::string_view::npos;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && quoted) {
      ++i;
    } else if (raw[i] == '"') {
      quoted = !quoted;
    } else if (raw[i] == '<' && !quoted) {
      angle = i;
      break;
    }
  }
  if (angle == std::string_view::npos) return std::nullopt;
  std::string name;
  for (std::size_t i = 0; i < angle; ++i) {
    if (raw[i] == '"') continue;
    if (raw[i] == '\\' && i + 1 < angle) ++i;
    name += raw[i];
  }
  return std::string(TrimView(inbound::DecodeHeaderText(name)));
}

std::string BodyText(GMimeObject* root) {
  GMimeObject* plain = nullptr;
  GMimeObject* html = nullptr;
  inbound::WalkParts(root, [&](GMimeObject* part) {
    if (!GMIME_IS_TEXT_PART(part)) return true;
    GMimeContentDisposition* disposition = g_mime_object_get_content_disposition(part);
    if (disposition != nullptr && g_mime_content_disposition_is_attachment(disposition)) {
      return true;
    }
    std::string type = inbound::MimeType(part);
    if (type == "text/plain" && plain == nullptr) plain = part;
    if (type == "text/html" && html == nullptr) html = part;
    return plain == nullptr;
  });
  GMimeObject* chosen = plain ? plain : html;
  if (chosen == nullptr) return {};
  GCharPtr text(g_mime_text_part_get_text(GMIME_TEXT_PART(chosen)));
  if (!text) return {};
  std::string_view view(text.get());
  view = view.substr(0, kMaxBodyText);
  std::string utf8 = inbound::NormalizeNewlines(ValidUtf8(view));
  return plain ? utf8 : HtmlToText(utf8);
}

}  // namespace

const std::string& ParsedInbound::Header(std::string_view lower_case_name) const {
  static const std::string kEmpty;
  auto it = headers.find(std::string(lower_case_name));
  return it == headers.end() ? kEmpty : it->second;
}

Result<ParsedInbound> ParseInbound(std::string_view raw) {
  if (TrimView(raw).empty()) {
    return MakeError(ErrorKind::kBadRequest, "empty_message", "the message is empty");
  }
  if (raw.size() > kMaxInboundBytes) {
    return MakeError(ErrorKind::kTooLarge, "message_too_large", "the message is too large");
  }
  if (inbound::HasOverlongHeaders(raw)) {
    return MakeError(ErrorKind::kTooLarge, "header_too_long",
                     "a header of the message is too long to be read safely");
  }
  GObjectPtr<GMimeMessage> message = inbound::ParseMime(raw);
  if (!message) {
    return MakeError(ErrorKind::kBadRequest, "unparsable_message",
                     "the input is not an email message");
  }
  GMimeObject* object = GMIME_OBJECT(message.get());
  GMimeObject* body = g_mime_message_get_mime_part(message.get());
  ParsedInbound in;
  CollectHeaders(object, in.headers);
  CollectHeaders(body, in.headers);

  if (const char* id = g_mime_message_get_message_id(message.get())) in.message_id = AngleId(id);
  if (in.message_id.empty()) in.message_id = AngleId(in.Header("message-id"));
  std::vector<std::string> reply_to_ids = ParseIds(in.Header("in-reply-to"));
  if (!reply_to_ids.empty()) in.in_reply_to = reply_to_ids.front();
  in.references = ParseIds(in.Header("references"));

  std::vector<InternetAddressMailbox*> from;
  CollectMailboxes(g_mime_message_get_from(message.get()), from);
  if (!from.empty()) {
    in.from_address = MailboxAddress(from.front());
    std::optional<std::string> name = DisplayName(in.Header("from"));
    if (name) {
      in.from_name = *name;
    } else if (const char* gmime_name = internet_address_get_name(INTERNET_ADDRESS(from[0]))) {
      in.from_name = ValidUtf8(gmime_name);
    }
  }
  std::vector<InternetAddressMailbox*> to;
  CollectMailboxes(g_mime_message_get_to(message.get()), to);
  for (InternetAddressMailbox* mailbox : to) {
    std::string address = MailboxAddress(mailbox);
    if (!address.empty()) in.to.push_back(std::move(address));
  }

  in.subject = std::string(TrimView(inbound::DecodeHeaderText(in.Header("subject"))));
  if (GDateTime* date = g_mime_message_get_date(message.get())) {
    in.date = Timestamp(
        std::chrono::duration_cast<Duration>(std::chrono::seconds(g_date_time_to_unix(date))));
  }
  in.text = BodyText(body);
  return in;
}

}  // namespace mailmark
