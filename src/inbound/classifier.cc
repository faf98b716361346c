#include "inbound/classifier.h"

#include "inbound/reply_matcher.h"
#include "inbound/text_util.h"

namespace mailmark {

bool IsUnsubscribeSubject(std::string_view subject) {
  return inbound::AsciiLower(inbound::TrimView(subject)) == "unsubscribe";
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
