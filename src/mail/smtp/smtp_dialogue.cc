#include "mail/smtp/smtp_dialogue.h"

#include <algorithm>
#include <cctype>

namespace mailmark {
namespace {

std::string_view StripLineEnd(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  return line;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// RFC 5321 4.2: three digits, then '-' on every line but the last.
int ReplyCode(std::string_view line) {
  if (line.size() < 3 || !IsDigit(line[0]) || !IsDigit(line[1]) || !IsDigit(line[2])) return 0;
  return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

bool IsContinuation(std::string_view line) { return line.size() > 3 && line[3] == '-'; }

std::string UpperVerb(std::string_view line) {
  std::string verb;
  for (char c : line) {
    if (c == ' ' || c == '\r' || c == '\n' || c == ':' || verb.size() >= 16) break;
    verb.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return verb;
}

void AppendBounded(std::string& text, std::string_view line) {
  if (text.size() >= SmtpDialogue::kMaxReplyText) return;
  if (!text.empty()) text.push_back('\n');
  std::size_t room =
      SmtpDialogue::kMaxReplyText - std::min(text.size(), SmtpDialogue::kMaxReplyText);
  text.append(line.substr(0, room));
}

}  // namespace

void SmtpDialogue::Reset() { *this = SmtpDialogue{}; }

void SmtpDialogue::OnCommand(std::string_view line) {
  if (closing_) return;
  std::string verb = UpperVerb(line);
  if (verb == "MAIL") {
    phase_ = SmtpPhase::kMail;
  } else if (verb == "RCPT") {
    phase_ = SmtpPhase::kRcpt;
  } else if (verb == "DATA" || verb == "BDAT") {
    phase_ = SmtpPhase::kData;
  } else if (verb == "QUIT" || verb == "RSET") {
    closing_ = true;
  }
  // EHLO, HELO, STARTTLS, AUTH and SASL continuation lines leave kSession as it is; a new
  // command also means any half-read reply before it is over.
  pending_.clear();
}

void SmtpDialogue::OnReplyLine(std::string_view raw) {
  if (closing_) return;
  std::string_view line = StripLineEnd(raw);
  AppendBounded(pending_, line);
  if (IsContinuation(line) && ReplyCode(line) != 0) return;
  reply_code_ = ReplyCode(line);
  reply_text_ = std::move(pending_);
  pending_.clear();
  if (phase_ != SmtpPhase::kSession) transaction_answered_ = true;
}

namespace {

// 1 to 3 digits (RFC 3463: class is one digit, subject and detail up to three).
std::optional<int> Number(std::string_view& text, std::size_t max_digits) {
  std::size_t n = 0;
  int value = 0;
  while (n < text.size() && n < max_digits && IsDigit(text[n]))
    value = value * 10 + (text[n++] - '0');
  if (n == 0 || (n < text.size() && IsDigit(text[n]))) return std::nullopt;
  text.remove_prefix(n);
  return value;
}

bool Dot(std::string_view& text) {
  if (text.empty() || text.front() != '.') return false;
  text.remove_prefix(1);
  return true;
}

}  // namespace

std::optional<EnhancedStatus> ParseEnhancedStatus(std::string_view reply_text) {
  std::string_view line = reply_text.substr(0, reply_text.find('\n'));
  if (ReplyCode(line) == 0 || line.size() < 4 || (line[3] != ' ' && line[3] != '-'))
    return std::nullopt;
  std::string_view rest = line.substr(4);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  auto class_ = Number(rest, 1);
  if (!class_ || (*class_ != 2 && *class_ != 4 && *class_ != 5) || !Dot(rest)) return std::nullopt;
  auto subject = Number(rest, 3);
  if (!subject || !Dot(rest)) return std::nullopt;
  auto detail = Number(rest, 3);
  if (!detail || (!rest.empty() && rest.front() == '.')) return std::nullopt;
  return EnhancedStatus{*class_, *subject, *detail};
}

}  // namespace mailmark
