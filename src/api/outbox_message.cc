#include "api/outbox_message.h"

#include <chrono>
#include <vector>

#include <gmime/gmime.h>

#include "core/time.h"
#include "inbound/header_decode.h"
#include "inbound/mime_walk.h"
#include "inbound/text_util.h"
#include "mail/gobject_ptr.h"
#include "mail/rfc2047.h"

namespace mailmark {
namespace {

using nlohmann::json;

// The list's items, split on commas outside quotes, angle brackets and comments.
std::vector<std::string_view> SplitAddressList(std::string_view value) {
  std::vector<std::string_view> items;
  bool quoted = false;
  int comment = 0;
  bool angle = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (quoted) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        quoted = false;
      }
    } else if (comment > 0) {
      if (c == '\\') {
        ++i;
      } else if (c == '(') {
        ++comment;
      } else if (c == ')') {
        --comment;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == '(') {
      comment = 1;
    } else if (c == '<') {
      angle = true;
    } else if (c == '>') {
      angle = false;
    } else if (c == ',' && !angle) {
      items.push_back(value.substr(start, i - start));
      start = i + 1;
    }
  }
  items.push_back(value.substr(std::min(start, value.size())));
  return items;
}

// "Name <addr>" (name unquoted and decoded) or the item as written when it has no <addr>.
std::string DisplayMailbox(std::string_view item) {
  item = inbound::TrimView(item);
  bool quoted = false;
  std::size_t open = std::string_view::npos;
  for (std::size_t i = 0; i < item.size(); ++i) {
    if (item[i] == '\\' && quoted) {
      ++i;
    } else if (item[i] == '"') {
      quoted = !quoted;
    } else if (item[i] == '<' && !quoted) {
      open = i;
      break;
    }
  }
  if (open == std::string_view::npos) return inbound::DecodeHeaderText(item);
  std::size_t close = item.find('>', open);
  std::string_view address = inbound::TrimView(item.substr(
      open + 1, close == std::string_view::npos ? std::string::npos : close - open - 1));
  std::string name;
  for (std::size_t i = 0; i < open; ++i) {
    if (item[i] == '"') continue;
    if (item[i] == '\\' && i + 1 < open) ++i;
    name += item[i];
  }
  std::string decoded(inbound::TrimView(inbound::DecodeHeaderText(name)));
  if (decoded.empty()) return std::string(address);
  return decoded + " <" + std::string(address) + ">";
}

// The message's own header block, field by field, unfolded: GMime's list splits the
// Content-* fields off to the body part, and the UI shows them as they were written.
json HeaderList(std::string_view raw) {
  json headers = json::array();
  std::string name;
  std::string value;
  bool open = false;
  auto flush = [&] {
    if (!open) return;
    headers.push_back(
        {{"name", name}, {"value", inbound::DecodeHeaderText(inbound::UnfoldHeader(value))}});
    open = false;
  };
  std::size_t pos = 0;
  while (pos < raw.size()) {
    std::size_t end = raw.find('\n', pos);
    if (end == std::string_view::npos) end = raw.size();
    std::string_view line = raw.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') {
      if (open) value.append("\n").append(line);
      continue;
    }
    flush();
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;  // not a field: skipped
    name = ValidUtf8(inbound::TrimView(line.substr(0, colon)));
    value = std::string(line.substr(colon + 1));
    open = true;
  }
  flush();
  return headers;
}

// The first text part of `type` that is not an attachment, as UTF-8 with "\n" line ends.
json TextOf(GMimeObject* body, const char* type) {
  GMimeObject* found = nullptr;
  inbound::WalkParts(body, [&](GMimeObject* part) {
    if (!GMIME_IS_TEXT_PART(part) || inbound::MimeType(part) != type) return true;
    GMimeContentDisposition* disposition = g_mime_object_get_content_disposition(part);
    if (disposition != nullptr && g_mime_content_disposition_is_attachment(disposition)) {
      return true;
    }
    found = part;
    return false;
  });
  if (found == nullptr) return nullptr;
  GCharPtr text(g_mime_text_part_get_text(GMIME_TEXT_PART(found)));
  if (!text) return "";
  return inbound::NormalizeNewlines(ValidUtf8(text.get()));
}

}  // namespace

std::string DisplayAddresses(std::string_view raw_value) {
  std::string out;
  const std::string unfolded = inbound::UnfoldHeader(raw_value);  // the items point into it
  for (std::string_view item : SplitAddressList(unfolded)) {
    std::string shown = DisplayMailbox(item);
    if (shown.empty()) continue;
    if (!out.empty()) out += ", ";
    out += shown;
  }
  return out;
}

Result<json> OutboxMessageJson(std::string_view raw) {
  GObjectPtr<GMimeMessage> message = inbound::ParseMime(raw);
  if (!message) {
    return MakeError(ErrorKind::kInvalid, "unreadable_message",
                     "This message cannot be read as an email.");
  }
  GMimeObject* object = GMIME_OBJECT(message.get());
  GMimeObject* body = g_mime_message_get_mime_part(message.get());
  json date = nullptr;
  if (GDateTime* when = g_mime_message_get_date(message.get())) {
    date = FormatRfc3339(Timestamp(
        std::chrono::duration_cast<Duration>(std::chrono::seconds(g_date_time_to_unix(when)))));
  }
  std::string subject(
      inbound::TrimView(inbound::DecodeHeaderText(inbound::RawHeader(object, "Subject"))));
  return json{{"messageId", inbound::AngleId(inbound::RawHeader(object, "Message-ID"))},
              {"from", DisplayAddresses(inbound::RawHeader(object, "From"))},
              {"to", DisplayAddresses(inbound::RawHeader(object, "To"))},
              {"subject", std::move(subject)},
              {"date", std::move(date)},
              {"text", TextOf(body, "text/plain")},
              {"html", TextOf(body, "text/html")},
              {"headers", HeaderList(raw)}};
}

}  // namespace mailmark
