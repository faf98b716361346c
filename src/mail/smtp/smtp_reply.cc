#include "mail/smtp/smtp_reply.h"

#include <algorithm>

namespace mailmark {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int ReplyCode(std::string_view line) {
  if (line.size() < 3 || !IsDigit(line[0]) || !IsDigit(line[1]) || !IsDigit(line[2])) return 0;
  if (line.size() > 3 && line[3] != ' ' && line[3] != '-') return 0;
  return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

void AppendBounded(std::string& text, std::string_view line) {
  constexpr std::size_t kMax = SmtpReplyParser::kMaxReplyText;
  if (text.size() >= kMax) return;
  if (!text.empty()) text.push_back('\n');
  text.append(line.substr(0, kMax - std::min(text.size(), kMax)));
}

}  // namespace

void SmtpReplyParser::Feed(std::string_view bytes) {
  // Consumed bytes are dropped lazily, so a long conversation does not keep them all.
  if (pos_ > 0 && pos_ >= buffer_.size() / 2) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  buffer_.append(bytes);
}

std::optional<SmtpReply> SmtpReplyParser::Next() {
  for (;;) {
    if (reply_size_ > kMaxReply) return std::nullopt;  // overflowed()
    std::size_t end = buffer_.find('\n', pos_);
    if (end == std::string::npos) return std::nullopt;
    std::string_view line(buffer_.data() + pos_, end - pos_);
    reply_size_ += end + 1 - pos_;
    pos_ = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    AppendBounded(text_, line);
    const int code = ReplyCode(line);
    if (code != 0 && line.size() > 3 && line[3] == '-') continue;
    SmtpReply reply{code, std::move(text_)};
    text_.clear();
    reply_size_ = 0;
    return reply;
  }
}

bool SmtpReplyParser::overflowed() const {
  return buffer_.size() - pos_ > kMaxLine || reply_size_ > kMaxReply;
}

void SmtpReplyParser::Clear() {
  buffer_.clear();
  pos_ = 0;
  text_.clear();
  reply_size_ = 0;
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
  if (ReplyCode(line) == 0 || line.size() < 4) return std::nullopt;
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
