// A captured outbox message as the web UI shows it (GET …/outbox/{messageId}?format=json).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace mailmark {

// {"messageId","from","to","subject","date","text","html","headers":[{"name","value"}]}:
//  - from / to: the address lists as display text, "Name <addr>" joined with ", ", names
//    decoded (RFC 2047, with the project's decoder: GMime's loses words, bug #133);
//  - subject: decoded; date: RFC 3339 UTC, null when missing or unreadable;
//  - text / html: the first text/plain and text/html parts that are not attachments, in
//    UTF-8 with "\n" line ends, null when the message has none;
//  - headers: every header field of the message's own header block, in order, repeated
//    ones included, values unfolded and decoded.
// 422 unreadable_message when GMime cannot read it (or a header is too long to read safely).
Result<nlohmann::json> OutboxMessageJson(std::string_view raw);

// An address-list header value as display text (see above). Exposed for tests.
std::string DisplayAddresses(std::string_view raw_value);

}  // namespace mailmark
