// The message builder: rendered content + addresses + thread history -> one RFC 5322 message.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/time.h"

namespace mailmark {

struct MessageInput {
  std::string from_name, from_email, to_email;
  std::string subject;              // already rendered, single line
  std::string html;                 // rendered html body
  std::optional<std::string> text;  // rendered text body; when absent it is derived with HtmlToText
  std::string message_id;           // "<...@domain>"
  std::vector<std::string> references;  // earlier Message-IDs of this thread, oldest first ("<..>")
  Timestamp date;
  std::optional<std::string> list_unsubscribe_url;                 // https one-click URL
  std::optional<std::string> list_unsubscribe_mailto;              // "mailto:..."
  std::vector<std::pair<std::string, std::string>> extra_headers;  // e.g. X-Mailmark-Enrollment
};

// A complete message with CRLF line ends and no line over 998 characters: From (display name
// as UTF-8 encoded-words when needed), To, Subject, Date, Message-ID (exactly as given),
// In-Reply-To/References (when `references` has non-blank ids), List-Unsubscribe (+ RFC 8058
// List-Unsubscribe-Post when the https url is given), the extra headers, and a
// multipart/alternative body: text/plain first, text/html last, both UTF-8 in
// quoted-printable or base64.
// Hostile input is neutralised, never reported: CR, LF and other controls in header values
// become spaces and surrounding blanks are trimmed; invalid UTF-8 becomes U+FFFD; extra
// headers with an invalid name or one the builder owns (From, Subject, Content-Type, ...) are
// dropped, as are unsubscribe URIs that are not plain ASCII without blanks and angle brackets
// or are longer than 900 characters. Pure and thread-safe.
std::string BuildMessage(const MessageInput& in);

}  // namespace mailmark
