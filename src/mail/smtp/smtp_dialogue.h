// What one message's SMTP conversation looked like, as libcurl reports it line by line: the
// command in progress and the server's last complete reply. The transport reads the outcome
// (sent, retry, bounce) from it, because libcurl's error codes alone do not say which command
// the server refused.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mailmark {

// Which command the server's last reply answers.
enum class SmtpPhase {
  kSession,  // greeting, EHLO/HELO, STARTTLS, AUTH: about the connection, not the message
  kMail,     // MAIL FROM
  kRcpt,     // RCPT TO
  kData,     // DATA, the message body and its final "."
};

class SmtpDialogue {
 public:
  // Forget everything; called before each message.
  void Reset();
  // A command line we sent ("MAIL FROM:<a@b> SIZE=12\r\n"). Only the verb is kept, so
  // AUTH credentials never linger in memory.
  void OnCommand(std::string_view line);
  // One reply line from the server, with or without its CRLF ("250-PIPELINING\r\n").
  void OnReplyLine(std::string_view line);

  // The last transaction command sent (QUIT after a failure does not count).
  SmtpPhase phase() const { return phase_; }
  // The last complete reply: its code (0 when none or malformed) and its lines without CRLF,
  // joined by '\n'. Bounded in size against hostile servers.
  int reply_code() const { return reply_code_; }
  const std::string& reply_text() const { return reply_text_; }
  // Whether the server answered any command of the transaction (MAIL, RCPT, DATA).
  bool transaction_answered() const { return transaction_answered_; }

  static constexpr std::size_t kMaxReplyText = 2048;

 private:
  SmtpPhase phase_ = SmtpPhase::kSession;
  int reply_code_ = 0;
  std::string reply_text_;
  std::string pending_;  // lines of a multi-line reply still in progress
  bool transaction_answered_ = false;
  bool closing_ = false;  // QUIT/RSET sent: later replies say nothing about the message
};

// An RFC 3463 enhanced status code ("5.1.1": class 5, subject 1, detail 1), which says what a
// refusal is about far more reliably than the three-digit reply code alone.
struct EnhancedStatus {
  int class_ = 0;
  int subject = 0;
  int detail = 0;
  bool operator==(const EnhancedStatus&) const = default;
};
// The enhanced status opening the first line of a reply ("550 5.1.1 <b@y>: unknown" or
// "550-5.1.1 ..."), or nullopt when the server gave none.
std::optional<EnhancedStatus> ParseEnhancedStatus(std::string_view reply_text);

}  // namespace mailmark
