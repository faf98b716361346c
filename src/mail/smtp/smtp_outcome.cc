#include "mail/smtp/smtp_outcome.h"

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
    SendStatus status =
        reply >= 500 ? SendStatus::kPermanentFailure : SendStatus::kTemporaryFailure;
    return {SendResult{status, dialogue.reply_text()}, FailureScope::kMessage};
  }
  return Temporary(CurlText(code, curl_detail, dialogue),
                   in_transaction ? FailureScope::kConnection : FailureScope::kServer);
}

}  // namespace mailmark
