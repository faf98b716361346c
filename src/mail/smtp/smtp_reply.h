// SMTP replies as they come off the wire: complete replies cut out of a byte stream (RFC 5321
// 4.2: three digits, '-' on every line but the last), and the RFC 3463 enhanced status that
// says what a refusal is about.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mailmark {

// Which command a reply (or a failure to get one) answers.
enum class SmtpPhase {
  kSession,  // greeting, EHLO/HELO, STARTTLS, AUTH: about the connection, not the message
  kMail,     // MAIL FROM
  kRcpt,     // RCPT TO
  kData,     // DATA, the message body and its final "."
};

struct SmtpReply {
  int code = 0;      // 0: the server sent something that is not a reply
  std::string text;  // every line without its CRLF, joined by '\n'; bounded (kMaxReplyText)
  bool positive() const { return code >= 200 && code < 400; }
};

class SmtpReplyParser {
 public:
  static constexpr std::size_t kMaxReplyText = 4096;
  // A line longer than this with no end in sight: the peer is not speaking SMTP.
  static constexpr std::size_t kMaxLine = 64 * 1024;
  // A reply of more lines than this adds up to (even short ones): the peer is not speaking
  // SMTP either, and would keep the client reading for as long as it likes.
  static constexpr std::size_t kMaxReply = 1024 * 1024;

  // Bytes read from the server, in order.
  void Feed(std::string_view bytes);
  // The next complete reply, once its last line has arrived. A line without a valid code
  // ends the reply it is in with code 0.
  std::optional<SmtpReply> Next();
  // The server sent an endless line or reply; nothing more will parse.
  bool overflowed() const;
  // Whether bytes are waiting (a reply the client did not ask for).
  bool empty() const { return pos_ == buffer_.size(); }
  void Clear();

 private:
  std::string buffer_;
  std::size_t pos_ = 0;         // start of the first line not yet consumed
  std::string text_;            // lines of the reply in progress
  std::size_t reply_size_ = 0;  // bytes of the reply in progress, all lines
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
