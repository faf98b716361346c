// What an inbound message is, decided in a fixed order: a delivery report, an automatic
// reply, a candidate reply, or something else.
#pragma once

#include <optional>
#include <string_view>

#include "inbound/auto_reply.h"
#include "inbound/dsn.h"
#include "inbound/inbound_message.h"

namespace mailmark {

enum class InboundKind {
  kDeliveryReport,  // report holds the detail (it may be transient or a success notice)
  kAutoReply,       // auto_reply holds the detail
  kUnsubscribe,     // subject "unsubscribe": what the List-Unsubscribe mailto of every email sends
  kReply,           // has In-Reply-To / References, or a reply-prefixed subject: try MatchReply
  kOther,           // none of these (a new conversation, a newsletter without signals, ...)
};

struct InboundClass {
  InboundKind kind = InboundKind::kOther;
  std::optional<DeliveryReport> report;  // set for kDeliveryReport
  std::optional<AutoReply> auto_reply;   // set for kAutoReply
};

// Delivery reports first: they carry Return-Path <> and Auto-Submitted, which would make
// them automatic replies too. An unsubscribe request comes before replies: a reply titled
// "unsubscribe" asks for more than a reply does. Pure and thread-safe.
InboundClass Classify(const ParsedInbound& in, std::string_view raw);

const char* InboundKindName(InboundKind kind);  // "delivery_report", "auto_reply", ...

// The subject is the word "unsubscribe" alone (any case, surrounding blanks allowed).
bool IsUnsubscribeSubject(std::string_view subject);

}  // namespace mailmark
