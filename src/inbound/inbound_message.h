// One received message, parsed once (GMime) into the fields the inbound classifiers read.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace mailmark {

struct ParsedInbound {
  std::string message_id;               // "<id>", empty when absent
  std::string in_reply_to;              // the first id of In-Reply-To, "<id>", or empty
  std::vector<std::string> references;  // References ids as written (oldest first), "<id>"
  std::string from_address;             // lower-cased addr-spec of the first From mailbox
  std::string from_name;                // decoded display name
  std::vector<std::string> to;          // lower-cased To addresses
  std::string subject;                  // decoded (own RFC 2047 decoder: GMime bug #133)
  std::optional<Timestamp> date;        // the Date header, when GMime can read it
  // Lower-case header name -> unfolded raw value of its FIRST occurrence (the one added last
  // in transit), message headers then the top MIME part's (Content-Type, ...).
  std::map<std::string, std::string> headers;
  // The first text/plain part outside attachments and enclosed messages, in UTF-8 with "\n"
  // line ends; else the first text/html part through HtmlToText. Capped at kMaxBodyText.
  std::string text;

  // The header's value, or "" when the message has none.
  const std::string& Header(std::string_view lower_case_name) const;
};

// Bigger inputs are refused; a body text longer than this is cut.
inline constexpr std::size_t kMaxInboundBytes = 64 * 1024 * 1024;
inline constexpr std::size_t kMaxBodyText = 1024 * 1024;
// Deeper MIME nesting is not walked (GMime still parses it).
inline constexpr int kMaxMimeDepth = 32;

// Errors: empty input ("empty_message"), over kMaxInboundBytes ("message_too_large"), a
// header field over 128 KiB or a header block over 1 MiB ("header_too_long": GMime decodes
// such headers in quadratic time), or
// nothing GMime reads as a message ("unparsable_message"). Anything else, however damaged,
// parses into whatever fields it has. Pure and thread-safe.
Result<ParsedInbound> ParseInbound(std::string_view raw);

}  // namespace mailmark
