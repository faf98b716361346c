#include "mail/smtp/smtp_outcome.h"

#include <optional>
#include <string>

namespace mailmark {
namespace {

std::string CurlText(CURLcode code, std::string_view detail, const SmtpDialogue& dialogue) {
  std::string text = curl_easy_strerror(code);
  if (!detail.empty()) text.append(": ").append(detail);
  if (dialogue.reply_code() >= 400)
    text.append(" (server said: ").append(dialogue.reply_text()).append(")");
  return text;
}

SendOutcome Temporary(std::string text, FailureScope scope) {
  return {SendResult{SendStatus::kTemporaryFailure, std::move(text)}, scope};
}

bool BlamesTheSender(const EnhancedStatus& s) {
  return s.subject == 1 && (s.detail == 7 || s.detail == 8);
}

// Whether a 5xx in `phase` refuses the recipient's address itself (see ClassifyAttempt).
bool RecipientRefused(SmtpPhase phase, const std::optional<EnhancedStatus>& status) {
  if (phase == SmtpPhase::kRcpt)
    return !status || (status->subject != 7 && !BlamesTheSender(*status));
  if (phase == SmtpPhase::kData && status) {
    if (status->subject == 1) return !BlamesTheSender(*status);
    if (status->subject == 2) return status->detail != 3;
  }
  return false;
}

}  // namespace

SendOutcome ClassifyAttempt(CURLcode code, const SmtpDialogue& dialogue,
                            std::string_view curl_detail) {
  const int reply = dialogue.reply_code();
  if (code == CURLE_OK) {
    std::string text = dialogue.reply_text().empty() ? "250 OK" : dialogue.reply_text();
    return {SendResult{SendStatus::kSent, std::move(text)}, FailureScope::kNone};
  }
  if (code == CURLE_LOGIN_DENIED || reply == 530) {
    return Temporary("authentication failed: " + CurlText(code, curl_detail, dialogue),
                     FailureScope::kServer);
  }
  const bool in_transaction = dialogue.phase() != SmtpPhase::kSession;
  if (in_transaction && dialogue.transaction_answered() && reply >= 400 && reply < 600) {
    // A refused MAIL FROM is the sender's trouble: retried like a 4xx, never a bounce.
    if (reply < 500 || dialogue.phase() == SmtpPhase::kMail)
      return Temporary(dialogue.reply_text(), FailureScope::kMessage);
    const bool recipient =
        RecipientRefused(dialogue.phase(), ParseEnhancedStatus(dialogue.reply_text()));
    return {SendResult{SendStatus::kPermanentFailure, dialogue.reply_text(), recipient},
            FailureScope::kMessage};
  }
  return Temporary(CurlText(code, curl_detail, dialogue),
                   in_transaction ? FailureScope::kConnection : FailureScope::kServer);
}

}  // namespace mailmark
