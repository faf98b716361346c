// Delivery-status notifications (bounces): RFC 3464 reports, and the plain-text bounces some
// mail systems still send (qmail, Yahoo, Exim, old Sendmail, old Exchange, old Gmail).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "inbound/inbound_message.h"

namespace mailmark {

struct DeliveryReport {
  // True for Action: failed, or a 5.x.x / 5xx status without an Action. Only a permanent
  // report bounces an enrollment; "delayed" (4.x.x) reports are transient.
  bool permanent = false;
  std::string action;               // lower case: "failed", "delayed", "delivered", ...
  std::string status;               // "5.1.1"; a bare SMTP code ("550") from text-only bounces
  std::string diagnostic;           // Diagnostic-Code without its type ("smtp; "), or the line
                                    // of a text bounce that holds the status
  std::string final_recipient;      // lower-cased address that failed
  std::string original_message_id;  // "<id>" of the message that bounced, or empty
  std::string verp_tag;             // "msg_1" from bounces+msg_1@domain (Delivered-To,
                                    // X-Original-To, then To), or empty
  bool standard = false;            // an RFC 3464 delivery-status part, not a text heuristic
};

// The report, or nullopt when the message is not a delivery-status notification. `raw` is
// the message `in` was parsed from (the MIME parts are read again). Of several recipients,
// the first failed one is reported (else the first delayed, else the first). Text bounces
// are recognised only from a mailer-daemon (postmaster / MAILER-DAEMON / "Mail Delivery"
// sender or an empty Return-Path) together with a known bounce subject or text, so a person
// writing "delivery failed" is never a bounce. Pure and thread-safe.
std::optional<DeliveryReport> ParseDeliveryReport(const ParsedInbound& in, std::string_view raw);

// The "x.y.z" enhanced status code in `text` (first one), or "".
std::string FindEnhancedStatus(std::string_view text);
// The VERP tag of an address "local+tag@domain" ("tag"), or "".
std::string VerpTag(std::string_view address);

}  // namespace mailmark
