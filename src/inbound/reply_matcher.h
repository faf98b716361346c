// Matching an inbound message to a message we sent: threading headers first, then the
// sender and the subject.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/model.h"
#include "inbound/inbound_message.h"

namespace mailmark {

// What the store knows about one sent message.
struct SentRef {
  Id enrollment_id;
  std::string contact_email;
  std::string subject;  // as sent (rendered)
};

enum class MatchedBy { kInReplyTo, kReferences, kSenderSubject };

struct ReplyMatch {
  Id enrollment_id;
  MatchedBy matched_by = MatchedBy::kInReplyTo;
  std::string sent_message_id;  // the id that matched ("<id>"); empty for kSenderSubject
  // From equals the enrollment's contact (case-insensitive). Only such a match marks the
  // enrollment replied; a colleague answering in the thread is recorded, not acted on.
  bool from_contact = false;
  // The subject reads as a forward ("Fwd:", "WG:", "TR:", ...): not a reply either.
  bool forwarded = false;
};

using FindSentById = std::function<std::optional<SentRef>(std::string_view message_id)>;
using FindSentBySenderSubject = std::function<std::optional<SentRef>(
    std::string_view from_address, std::string_view normalized_subject)>;

// In-Reply-To, then each References id from the latest to the oldest, through `find_sent`
// (called with "<id>"). Failing those, and only when the subject carries a reply prefix and
// no forward prefix, `find_by_sender_subject(from_address, NormalizeSubject(subject))`; its
// answer counts only when NormalizeSubject of its subject is the same. Pure.
std::optional<ReplyMatch> MatchReply(const ParsedInbound& in, const FindSentById& find_sent,
                                     const FindSentBySenderSubject& find_by_sender_subject);

// The subject without reply and forward prefixes, in any case and repeated, with counters
// ("Re[2]:", "Re^2:"), full-width colons: Re, Aw, Sv, Antw, Antwort, Réf, Ref, Rif, R, Res,
// Odp, Vá, Ynt, 回复, 答复; Fwd, Fw, Wg, Tr, Rv, Enc, Doorst, Vs, Vb, Pd, I, 转发. Blanks
// collapsed, case folded: what two subjects of one thread share.
std::string NormalizeSubject(std::string_view subject);
// Whether the subject starts with a reply prefix / a forward prefix (the first prefix counts).
bool HasReplyPrefix(std::string_view subject);
bool HasForwardPrefix(std::string_view subject);

}  // namespace mailmark
