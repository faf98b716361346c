// Automatic replies (out-of-office, vacation responders, read receipts): recorded, never
// taken for a contact's reply.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"
#include "inbound/inbound_message.h"

namespace mailmark {

struct AutoReply {
  // Which signal decided, e.g. "auto-submitted: auto-replied", "x-autoreply",
  // "precedence: bulk", "empty return-path", "read receipt", "subject: out of office".
  std::string reason;
  // The day the sender says they are back (00:00 UTC), when the text names one.
  std::optional<Timestamp> return_date;
};

// Signals, in this order: Auto-Submitted other than "no" (RFC 3834); X-Autoreply,
// X-Autorespond, X-Autoresponder; Precedence auto_reply / bulk / junk; Return-Path <>;
// a multipart/report of disposition-notification (read receipt); an out-of-office subject
// (en, de, fr, es, it, nl, pt, sv/da/no). A delivery-status notification matches too (it has
// Return-Path <> and Auto-Submitted): callers check ParseDeliveryReport first. Pure.
std::optional<AutoReply> DetectAutoReply(const ParsedInbound& in);

// The return date named in an out-of-office text, best effort. A date counts only within
// 80 characters after a phrase that announces the return or the end of the absence:
//   en "back on|in the office on|returning|return on|until|through"; fr "de retour le|
//   retour le|jusqu'au"; de "zurück am|zurück ab|wieder am|wieder im büro am|ab dem|bis zum|
//   bis"; es "de vuelta el|regreso el|volveré el|hasta el".
// Dates: ISO 2026-12-07; numeric with '.' (day.month[.year], German), with '/' or '-'
// (month/day in English unless the first number exceeds 12; day/month in other languages);
// "December 7[th][, 2026]", "7[th] [of] December [2026]", "7. Dezember", "7 décembre",
// "7 de diciembre" (month names and abbreviations in en/fr/de/es, accents optional), after an
// optional weekday; a weekday alone ("returning Monday") is the next such day. A year left
// out is the first one that puts the date on or after the message date (`sent`); without
// `sent`, dates that lack a year and weekdays alone give nothing.
std::optional<Timestamp> FindReturnDate(std::string_view text, std::optional<Timestamp> sent);

}  // namespace mailmark
