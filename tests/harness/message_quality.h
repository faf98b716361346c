// Strict checks every email the engine sends must pass, judged by two independent parsers
// (GMime 3 and Python's `email` package), and the decoded fields both parsers see, so tests
// can assert that names, subjects and bodies survive the wire exactly.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailmark::testing {

// Why the checks cannot run here (no /usr/bin/python3 with its `email` package), or nullopt.
std::optional<std::string> MessageQualityToolsMissing();

// Every way `raw` falls short; empty when it passes. Checked: CRLF line ends only, no line
// over 998 octets, 7-bit clean (headers and bodies), well-formed header fields, From, To,
// Subject, Date, Message-ID and MIME-Version exactly once, a Date GMime can read, Message-ID
// `<local@domain>`, In-Reply-To / References made of such ids (the last reference being the
// In-Reply-To), a text/plain part, text/plain before text/html in multipart/alternative,
// charset=utf-8 on every text part, no GMime parser warning, and no defect Python reports for
// the message, a part or a header.
std::vector<std::string> MessageQualityProblems(std::string_view raw);

// What a reader sees. Address fields hold the first mailbox; ids keep their angle brackets;
// bodies are the first text/plain and text/html parts, decoded, with line ends as "\n".
struct DecodedMessage {
  std::string subject;
  std::string from_name;
  std::string from_address;
  std::string to;
  std::string message_id;
  std::string in_reply_to;
  std::vector<std::string> references;
  std::string text;
  std::string html;

  friend bool operator==(const DecodedMessage&, const DecodedMessage&) = default;
};

// Both throw std::runtime_error when the parser cannot make a message of `raw` at all.
DecodedMessage DecodeWithGMime(std::string_view raw);
DecodedMessage DecodeWithPython(std::string_view raw);

}  // namespace mailmark::testing
