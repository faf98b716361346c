#include "mail/smtp/smtp_outcome.h"

#include <cctype>
#include <optional>
#include <string>

namespace mailmark {
namespace {

SendOutcome Temporary(std::string text, FailureScope scope) {
  return {SendResult{SendStatus::kTemporaryFailure, std::move(text)}, scope};
}

// The failure in words, with the server's refusal when there was one.
std::string Described(const SmtpAttempt& a) {
  std::string text = a.detail;
  if (a.reply.code >= 400 || (a.reply.code == 0 && !a.reply.text.empty())) {
    if (text.empty()) return a.reply.text;
    text.append(" (server said: ").append(a.reply.text).append(")");
  }
  return text.empty() ? "SMTP attempt failed" : text;
}

// "554 5.7.1 <b@y>: Relay access denied" (Postfix), "550 relay not permitted" (Exim),
// "550 5.7.54 Unable to relay recipient" (Exchange), "Client host rejected": the server will
// not take mail from this client or account for anyone outside its own domains. Addresses in
// angle brackets are skipped, so a contact named relay@... does not count.
bool RefusesToRelayForUs(std::string_view text) {
  std::string lowered;
  int depth = 0;
  for (char c : text) {
    if (c == '<') ++depth;
    if (depth == 0)
      lowered.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (c == '>' && depth > 0) --depth;
  }
  return lowered.find("relay") != std::string::npos ||
         lowered.find("client host rejected") != std::string::npos;
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

SendOutcome ClassifyAttempt(const SmtpAttempt& a) {
  const int reply = a.reply.code;
  const bool in_transaction = a.phase != SmtpPhase::kSession;
  if (!a.failure && a.phase == SmtpPhase::kData && reply >= 200 && reply < 300) {
    return {SendResult{SendStatus::kSent, a.reply.text}, FailureScope::kNone};
  }
  if (a.auth_failed || reply == 530) {
    return Temporary("authentication failed: " + Described(a), FailureScope::kServer);
  }
  if (in_transaction && !a.failure && reply >= 400 && reply < 600) {
    // A refused MAIL FROM is the sender's trouble: retried like a 4xx, never a bounce.
    if (reply < 500 || a.phase == SmtpPhase::kMail)
      return Temporary(a.reply.text, FailureScope::kMessage);
    // The mailbox's relay turning everyone away (missing or wrong credentials, a client it
    // does not know) is its setup, not the contacts': bouncing would end every enrollment.
    // Held as a server problem instead: retried with backoff until fixed.
    const std::optional<EnhancedStatus> status = ParseEnhancedStatus(a.reply.text);
    // Postfix defers sender checks to RCPT: "553 5.1.8 <a@x>: Sender address rejected" is the
    // refused MAIL FROM above in another place, and is retried the same way.
    if (a.phase == SmtpPhase::kRcpt && status && BlamesTheSender(*status))
      return Temporary(a.reply.text, FailureScope::kMessage);
    if (a.phase == SmtpPhase::kRcpt && RefusesToRelayForUs(a.reply.text))
      return Temporary(
          "the server refuses to relay for this mailbox (check its SMTP host, "
          "username and password): " +
              a.reply.text,
          FailureScope::kServer);
    const bool recipient = RecipientRefused(a.phase, status);
    return {SendResult{SendStatus::kPermanentFailure, a.reply.text, recipient},
            FailureScope::kMessage};
  }
  return Temporary(Described(a),
                   in_transaction ? FailureScope::kConnection : FailureScope::kServer);
}

}  // namespace mailmark
