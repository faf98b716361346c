#include "inbound/classifier.h"

#include <cctype>

#include "inbound/reply_matcher.h"

namespace mailmark {

bool IsUnsubscribeSubject(std::string_view subject) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!subject.empty() && blank(subject.front())) subject.remove_prefix(1);
  while (!subject.empty() && blank(subject.back())) subject.remove_suffix(1);
  constexpr std::string_view kWord = "unsubscribe";
  if (subject.size() != kWord.size()) return false;
  for (std::size_t i = 0; i < kWord.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(subject[i])) != kWord[i]) return false;
  return true;
}

InboundClass Classify(const ParsedInbound& in, std::string_view raw) {
  InboundClass result;
  if ((result.report = ParseDeliveryReport(in, raw))) {
    result.kind = InboundKind::kDeliveryReport;
  } else if ((result.auto_reply = DetectAutoReply(in))) {
    result.kind = InboundKind::kAutoReply;
  } else if (IsUnsubscribeSubject(in.subject)) {
    result.kind = InboundKind::kUnsubscribe;
  } else if (!in.in_reply_to.empty() || !in.references.empty() || HasReplyPrefix(in.subject)) {
    result.kind = InboundKind::kReply;
  }
  return result;
}

const char* InboundKindName(InboundKind kind) {
  switch (kind) {
    case InboundKind::kDeliveryReport:
      return "delivery_report";
    case InboundKind::kAutoReply:
      return "auto_reply";
    case InboundKind::kUnsubscribe:
      return "unsubscribe";
    case InboundKind::kReply:
      return "reply";
    case InboundKind::kOther:
      return "other";
  }
  return "other";
}

}  // namespace mailmark
