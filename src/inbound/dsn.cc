#include "inbound/dsn.h"

#include <array>
#include <cctype>
#include <map>
#include <vector>

#include <gmime/gmime.h>

#include "inbound/mime_walk.h"
#include "inbound/text_util.h"
#include "mail/rfc2047.h"

namespace mailmark {
namespace {

using inbound::AllAddresses;
using inbound::AngleId;
using inbound::AsciiLower;
using inbound::ContainsFolded;
using inbound::FirstAddress;
using inbound::FoldCase;
using inbound::SplitLines;
using inbound::TrimView;

constexpr std::size_t kMaxPartBytes = 1024 * 1024;
using FieldGroup = std::map<std::string, std::string>;  // lower-case name -> value

// Subjects mailer-daemons give their bounces, in several languages (folded case).
constexpr std::array kBounceSubjects = {
    "undeliverable",         "undelivered mail",
    "returned mail",         "delivery status notification",
    "mail delivery failed",  "failure notice",
    "delivery failure",      "delivery failed",
    "delivery has failed",   "non remis",
    "non distribuable",      "unzustellbar",
    "nicht zustellbar",      "non recapitabile",
    "no se puede entregar",  "no entregado",
    "message not delivered", "delayed mail",
    "delivery delayed",      "warning: could not send message",
    "returned to sender",
};

// Text of the human part of common bounces (folded case).
constexpr std::array kBounceTexts = {
    "this is the qmail-send program",
    "created automatically by mail delivery software",
    "transcript of session follows",
    "remote server returned",
    "delivery to the following recipient failed",
    "delivery to the following recipients failed",
    "your message wasn't delivered",
    "your message couldn't be delivered",
    "delivery has failed to these recipients",
    "permanent fatal errors",
    "could not be delivered to one or more recipients",
    "unable to deliver your message",
    "message could not be delivered",
    "the following address(es) failed",
    "delivery to the following recipient has been delayed",
};

// Where the copy of the original message starts in a text bounce (folded case).
constexpr std::array kOriginalMarkers = {
    "this is a copy of the message",    "below this line is a copy of the message",
    "----- original message -----",     "------ original message ------",
    "original message follows",         "original message headers",
    "----- unsent message below -----", "------- returned message --------",
};

// Phrases after which a text bounce names the failed recipient (folded case).
constexpr std::array kRecipientLeads = {
    "delivery to the following recipient",
    "permanent fatal errors",
    "delivery has failed to these recipients",
    "your message wasn't delivered to",
    "your message couldn't be delivered to",
    "the following address(es) failed",
    "could not be delivered to",
    "unable to deliver your message to the following address",
    "failed recipient",
};

// Temporary-failure wording of text bounces (folded case).
constexpr std::array kDelayTexts = {
    "has been delayed", "delivery delayed", "delayed mail", "will continue trying",
    "still trying",     "will keep trying", "(delay)",      "temporary failure",
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "rfc822; Nobody@Example.test" -> "nobody@example.test".
std::string TypedAddress(std::string_view value) {
  std::size_t semicolon = value.find(';');
  if (semicolon != std::string_view::npos) value.remove_prefix(semicolon + 1);
  std::string address = FirstAddress(value);
  return address.empty() ? AsciiLower(TrimView(value)) : address;
}

std::string WithoutType(std::string_view value) {
  std::size_t semicolon = value.find(';');
  if (semicolon != std::string_view::npos && semicolon < 20 &&
      value.substr(0, semicolon).find(' ') == std::string_view::npos) {
    value.remove_prefix(semicolon + 1);
  }
  return std::string(TrimView(value));
}

// The blocks of "Name: value" fields of a delivery-status body, folded lines joined.
std::vector<FieldGroup> ParseFieldGroups(std::string_view text) {
  std::vector<FieldGroup> groups(1);
  std::string last_name;
  for (std::string_view line : SplitLines(text)) {
    if (TrimView(line).empty()) {
      if (!groups.back().empty()) groups.emplace_back();
      last_name.clear();
      continue;
    }
    if ((line.front() == ' ' || line.front() == '\t') && !last_name.empty()) {
      std::string& value = groups.back()[last_name];
      value += ' ';
      value += TrimView(line);
      continue;
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    std::string name = AsciiLower(TrimView(line.substr(0, colon)));
    last_name = name;
    groups.back().emplace(name, std::string(TrimView(line.substr(colon + 1))));
  }
  if (groups.back().empty()) groups.pop_back();
  return groups;
}

const std::string& Field(const FieldGroup& group, const char* name) {
  static const std::string kEmpty;
  auto it = group.find(name);
  return it == group.end() ? kEmpty : it->second;
}

// The recipient group to report: the first failed one, else the first delayed, else first.
const FieldGroup* PickRecipient(const std::vector<FieldGroup>& groups) {
  const FieldGroup* first = nullptr;
  const FieldGroup* delayed = nullptr;
  for (const FieldGroup& group : groups) {
    if (!group.contains("final-recipient") && !group.contains("original-recipient") &&
        !group.contains("action") && !group.contains("status")) {
      continue;  // the per-message fields
    }
    std::string action = AsciiLower(Field(group, "action"));
    if (action == "failed") return &group;
    if (action == "delayed" && delayed == nullptr) delayed = &group;
    if (first == nullptr) first = &group;
  }
  return delayed ? delayed : first;
}

bool Permanent(std::string_view action, std::string_view status) {
  if (action == "failed") return true;
  if (!action.empty()) return false;
  return !status.empty() && status.front() == '5';
}

// A bare SMTP reply code (4xx / 5xx) standing as its own token, or "".
std::string FindSmtpCode(std::string_view line) {
  for (std::size_t i = 0; i + 3 <= line.size(); ++i) {
    char c = line[i];
    if (c != '4' && c != '5') continue;
    if (!IsDigit(line[i + 1]) || line[i + 1] > '5' || !IsDigit(line[i + 2])) continue;
    char before = i == 0 ? ' ' : line[i - 1];
    char after = i + 3 == line.size() ? ' ' : line[i + 3];
    bool before_ok = before == ' ' || before == '\t' || before == '#' || before == '\'' ||
                     before == '"' || before == '(' || before == ':' || before == '[';
    bool after_ok = after == ' ' || after == '-' || after == ':' || after == '\'' || after == ')' ||
                    after == ',';
    if (before_ok && after_ok) return std::string(line.substr(i, 3));
  }
  return {};
}

// The first "Message-ID: <...>" line of `text`.
std::string FindMessageIdLine(std::string_view text) {
  std::vector<std::string_view> lines = SplitLines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = TrimView(lines[i]);
    while (!line.empty() && line.front() == '>') line = TrimView(line.substr(1));
    if (AsciiLower(line.substr(0, 11)) != "message-id:") continue;
    std::string_view value = TrimView(line.substr(11));
    if (value.empty() && i + 1 < lines.size()) value = TrimView(lines[i + 1]);
    std::size_t open = value.find('<');
    std::size_t close = value.find('>', open);
    if (open != std::string_view::npos && close != std::string_view::npos) {
      return AngleId(value.substr(open, close - open + 1));
    }
    if (!value.empty() && value.find(' ') == std::string_view::npos) return AngleId(value);
  }
  return {};
}

// What the MIME tree holds that a report needs.
struct ReportParts {
  bool delivery_report_type = false;  // multipart/report; report-type=delivery-status
  std::string status_text;            // message/delivery-status content
  bool has_status_part = false;
  std::string returned_message_id;      // from message/rfc822 or text/rfc822-headers
  std::vector<std::string> text_parts;  // every text leaf, for a Message-ID: line
};

ReportParts ReadParts(std::string_view raw) {
  ReportParts parts;
  GObjectPtr<GMimeMessage> message = inbound::ParseMime(raw);
  if (!message) return parts;
  inbound::WalkParts(g_mime_message_get_mime_part(message.get()), [&](GMimeObject* part) {
    std::string type = inbound::MimeType(part);
    if (type == "multipart/report") {
      const char* report_type =
          g_mime_content_type_get_parameter(g_mime_object_get_content_type(part), "report-type");
      if (report_type && AsciiLower(report_type) == "delivery-status") {
        parts.delivery_report_type = true;
      }
    } else if ((type == "message/delivery-status" || type == "message/global-delivery-status") &&
               !parts.has_status_part) {
      parts.has_status_part = true;
      parts.status_text = inbound::PartBytes(part, kMaxPartBytes);
    } else if (GMIME_IS_MESSAGE_PART(part) && parts.returned_message_id.empty()) {
      GMimeMessage* original = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
      const char* id = original ? g_mime_message_get_message_id(original) : nullptr;
      if (id != nullptr) parts.returned_message_id = AngleId(id);
    } else if ((type == "text/rfc822-headers" || type == "message/global-headers") &&
               parts.returned_message_id.empty()) {
      parts.returned_message_id = FindMessageIdLine(inbound::PartBytes(part, kMaxPartBytes));
    } else if (inbound::StartsWith(type, "text/") && parts.text_parts.size() < 8) {
      parts.text_parts.push_back(inbound::PartBytes(part, kMaxPartBytes));
    }
    return true;
  });
  return parts;
}

bool IsDaemonSender(const ParsedInbound& in) {
  std::string local = in.from_address.substr(0, in.from_address.find('@'));
  if (local == "mailer-daemon" || local == "postmaster" || local == "mailerdaemon" ||
      inbound::StartsWith(local, "microsoftexchange")) {
    return true;
  }
  std::string name = FoldCase(in.from_name);
  if (ContainsFolded(name, "mail delivery") || ContainsFolded(name, "mailer-daemon") ||
      ContainsFolded(name, "system administrator")) {
    return true;
  }
  std::string return_path;
  for (char c : in.Header("return-path")) {
    if (c != ' ' && c != '\t') return_path += c;
  }
  return return_path == "<>";
}

template <std::size_t N>
bool ContainsAny(std::string_view folded, const std::array<const char*, N>& needles) {
  for (const char* needle : needles) {
    if (ContainsFolded(folded, needle)) return true;
  }
  return false;
}

// The bounce's own words: the text before the copy of the original message.
std::string HumanPart(std::string_view text) {
  std::string folded = FoldCase(text);
  std::size_t cut = folded.size();
  for (const char* marker : kOriginalMarkers) {
    std::size_t at = folded.find(marker);
    if (at != std::string::npos && at < cut) cut = at;
  }
  return std::string(text.substr(0, cut));
}

bool IsOwnAddress(const ParsedInbound& in, const std::string& address) {
  if (address == in.from_address) return true;
  for (const std::string& to : in.to) {
    if (address == to) return true;
  }
  std::string local = address.substr(0, address.find('@'));
  return local == "mailer-daemon" || local == "postmaster";
}

std::string TextRecipient(const ParsedInbound& in, std::string_view human) {
  std::string failed = FirstAddress(in.Header("x-failed-recipients"));
  if (!failed.empty()) return failed;
  // qmail and Yahoo: "<addr>:" alone on a line; Sendmail: "<addr>... reason".
  for (std::string_view line : SplitLines(human)) {
    line = TrimView(line);
    if (line.size() < 4 || line.front() != '<') continue;
    std::size_t close = line.find('>');
    if (close == std::string_view::npos) continue;
    std::string_view after = line.substr(close + 1);
    if (after == ":" || inbound::StartsWith(after, "...") || after.empty()) {
      std::string address = FirstAddress(line.substr(0, close));
      if (!address.empty() && !IsOwnAddress(in, address)) return address;
    }
  }
  std::string folded = FoldCase(human);
  for (const char* lead : kRecipientLeads) {
    std::size_t at = folded.find(lead);
    if (at == std::string::npos) continue;
    std::string_view window = human.substr(at, 600);
    for (const std::string& address : AllAddresses(window)) {
      if (!IsOwnAddress(in, address)) return address;
    }
  }
  for (const std::string& address : AllAddresses(human)) {
    if (!IsOwnAddress(in, address)) return address;
  }
  return {};
}

// A text bounce: status and diagnostic from the line that carries a code.
std::optional<DeliveryReport> TextBounce(const ParsedInbound& in) {
  if (!IsDaemonSender(in)) return std::nullopt;
  std::string subject = FoldCase(in.subject);
  std::string human = HumanPart(in.text);
  std::string folded_human = FoldCase(human);
  bool marked = ContainsAny(subject, kBounceSubjects) || ContainsAny(folded_human, kBounceTexts) ||
                !in.Header("x-failed-recipients").empty();
  if (!marked) return std::nullopt;

  DeliveryReport report;
  for (std::string_view line : SplitLines(human)) {
    std::string status = FindEnhancedStatus(line);
    if (status.empty() || status.front() == '2') status = FindSmtpCode(line);
    if (status.empty()) continue;
    report.status = status;
    report.diagnostic = std::string(TrimView(line)).substr(0, 1000);
    break;
  }
  bool delayed = ContainsAny(subject, kDelayTexts) || ContainsAny(folded_human, kDelayTexts);
  if (!report.status.empty()) delayed = report.status.front() == '4';
  report.action = delayed ? "delayed" : "failed";
  report.permanent = !delayed;
  report.final_recipient = TextRecipient(in, human);
  return report;
}

}  // namespace

std::string FindEnhancedStatus(std::string_view text) {
  for (std::size_t i = 0; i + 5 <= text.size(); ++i) {
    char c = text[i];
    if ((c != '2' && c != '4' && c != '5') || text[i + 1] != '.') continue;
    if (i > 0 && (IsDigit(text[i - 1]) || text[i - 1] == '.')) continue;
    std::size_t j = i + 2;
    std::size_t digits = 0;
    while (j < text.size() && IsDigit(text[j]) && digits < 4) ++j, ++digits;
    if (digits == 0 || digits > 3 || j >= text.size() || text[j] != '.') continue;
    std::size_t k = j + 1;
    digits = 0;
    while (k < text.size() && IsDigit(text[k]) && digits < 4) ++k, ++digits;
    if (digits == 0 || digits > 3) continue;
    if (k < text.size() &&
        (IsDigit(text[k]) || (text[k] == '.' && k + 1 < text.size() && IsDigit(text[k + 1])))) {
      continue;
    }
    return std::string(text.substr(i, k - i));
  }
  return {};
}

std::string VerpTag(std::string_view address) {
  std::string addr = FirstAddress(address);
  std::size_t at = addr.rfind('@');
  if (at == std::string::npos) return {};
  std::size_t plus = addr.find('+');
  if (plus == std::string::npos || plus > at) return {};
  return addr.substr(plus + 1, at - plus - 1);
}

std::optional<DeliveryReport> ParseDeliveryReport(const ParsedInbound& in, std::string_view raw) {
  ReportParts parts = ReadParts(raw);
  std::optional<DeliveryReport> found;
  if (parts.has_status_part) {
    DeliveryReport report;
    report.standard = true;
    std::vector<FieldGroup> groups = ParseFieldGroups(ValidUtf8(parts.status_text));
    if (const FieldGroup* recipient = PickRecipient(groups)) {
      report.action = AsciiLower(Field(*recipient, "action"));
      report.status = FindEnhancedStatus(Field(*recipient, "status"));
      report.diagnostic = WithoutType(Field(*recipient, "diagnostic-code")).substr(0, 1000);
      if (report.status.empty()) report.status = FindEnhancedStatus(report.diagnostic);
      const std::string& final_recipient = Field(*recipient, "final-recipient");
      report.final_recipient = TypedAddress(
          final_recipient.empty() ? Field(*recipient, "original-recipient") : final_recipient);
    }
    if (report.final_recipient.empty()) {
      report.final_recipient = TextRecipient(in, HumanPart(in.text));
    }
    report.permanent = Permanent(report.action, report.status);
    found = std::move(report);
  } else {
    found = TextBounce(in);
  }
  if (!found) return std::nullopt;

  DeliveryReport& report = *found;
  report.original_message_id = parts.returned_message_id;
  if (report.original_message_id.empty()) report.original_message_id = in.in_reply_to;
  if (report.original_message_id.empty() && !in.references.empty()) {
    report.original_message_id = in.references.back();
  }
  for (std::size_t i = 0; report.original_message_id.empty() && i < parts.text_parts.size(); ++i) {
    report.original_message_id = FindMessageIdLine(parts.text_parts[i]);
  }
  if (report.original_message_id == in.message_id) report.original_message_id.clear();

  for (const char* header : {"delivered-to", "x-original-to"}) {
    if (report.verp_tag.empty()) report.verp_tag = VerpTag(in.Header(header));
  }
  for (std::size_t i = 0; report.verp_tag.empty() && i < in.to.size(); ++i) {
    report.verp_tag = VerpTag(in.to[i]);
  }
  return found;
}

}  // namespace mailmark
