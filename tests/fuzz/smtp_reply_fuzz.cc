// What an SMTP server sends back: replies cut out of the byte stream, their enhanced status,
// the EHLO keywords, and the verdict each reply gives at each phase.
//
// Input: one byte choosing the read sizes, then the server's bytes.
#include <vector>

#include "fuzz_support.h"
#include "mail/smtp/smtp_extensions.h"
#include "mail/smtp/smtp_outcome.h"
#include "mail/smtp/smtp_reply.h"

using namespace mailmark;

namespace {

std::vector<SmtpReply> ReadAll(std::string_view bytes, std::size_t chunk) {
  SmtpReplyParser parser;
  std::vector<SmtpReply> replies;
  for (std::size_t at = 0; at < bytes.size(); at += chunk) {
    parser.Feed(bytes.substr(at, chunk));
    while (auto reply = parser.Next()) replies.push_back(std::move(*reply));
    if (parser.overflowed()) break;
  }
  return replies;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  std::size_t chunk = 1 + input.Byte() % 64;
  std::string_view bytes = input.Rest();

  std::vector<SmtpReply> replies = ReadAll(bytes, chunk);
  // How the bytes arrive changes nothing.
  std::vector<SmtpReply> at_once = ReadAll(bytes, bytes.size() + 1);
  FUZZ_CHECK(replies.size() == at_once.size());
  for (std::size_t i = 0; i < replies.size(); ++i) {
    FUZZ_CHECK(replies[i].code == at_once[i].code && replies[i].text == at_once[i].text);
  }

  for (const SmtpReply& reply : replies) {
    FUZZ_CHECK(reply.text.size() <= SmtpReplyParser::kMaxReplyText);
    FUZZ_CHECK(reply.code >= 0 && reply.code <= 999);
    if (auto status = ParseEnhancedStatus(reply.text)) {
      FUZZ_CHECK(status->class_ == 2 || status->class_ == 4 || status->class_ == 5);
      FUZZ_CHECK(status->subject >= 0 && status->subject <= 999);
      FUZZ_CHECK(status->detail >= 0 && status->detail <= 999);
    }
    SmtpExtensions ehlo = ParseEhloReply(reply.text);
    FUZZ_CHECK(ehlo.size == 0 || ehlo.size_offered);

    for (SmtpPhase phase :
         {SmtpPhase::kSession, SmtpPhase::kMail, SmtpPhase::kRcpt, SmtpPhase::kData}) {
      SmtpAttempt attempt;
      attempt.phase = phase;
      attempt.reply = reply;
      attempt.transaction_answered = phase != SmtpPhase::kSession;
      SendOutcome outcome = ClassifyAttempt(attempt);
      // Only a 5xx to RCPT or DATA bounces, only a 2xx to DATA is a send: no server text
      // can make a contact bounce otherwise.
      if (outcome.result.status == SendStatus::kPermanentFailure) {
        FUZZ_CHECK(reply.code >= 500 && reply.code <= 599);
        FUZZ_CHECK(phase == SmtpPhase::kRcpt || phase == SmtpPhase::kData);
      } else {
        FUZZ_CHECK(!outcome.result.recipient_rejected);
      }
      if (outcome.result.status == SendStatus::kSent) {
        FUZZ_CHECK(phase == SmtpPhase::kData && reply.code >= 200 && reply.code <= 299);
      }
    }
  }
  return 0;
}
