// What one received message does to the enrollments: a permanent bounce finishes its
// enrollment as `bounced`, a reply from the contact as `replied`; an out-of-office reply that
// names a return date pauses its enrollment until then; a mail titled "unsubscribe" (what the
// List-Unsubscribe mailto sends) unsubscribes its sender; other automatic replies, delayed
// deliveries and answers from someone else are only written into the history.
#pragma once

#include <string_view>

#include "core/model.h"
#include "core/result.h"
#include "engine/clock.h"
#include "inbound/auto_reply.h"
#include "store/store.h"

namespace mailmark {

struct InboundProcessorOptions {
  // An automatic reply that names no readable return date pauses its enrollment this long
  // (read receipts excepted: they say nothing about absence). Zero: it only gets a history line.
  Duration ooo_default_pause{0};
};

class InboundProcessor {
 public:
  InboundProcessor(Store& store, Clock& clock, InboundProcessorOptions options = {});

  // Classifies `raw` (received in `mailbox`'s inbox) and applies it. Ok also when the message
  // concerns nothing of ours, cannot be parsed (logged), or names an enrollment that is
  // already final: such messages are done with and the IMAP cursor may move past them. An
  // error only when the store failed: the same message should be offered again.
  //
  // Matching, always within the mailbox's owner:
  //  - delivery report: the original Message-ID, else the VERP tag (bounces+msg_…@), else the
  //    mailbox's latest send to the final recipient (any subject: a report rarely quotes it);
  //  - automatic reply: like a reply, else the mailbox's latest send to the sender;
  //  - unsubscribe request (the List-Unsubscribe mailto): the mailbox's latest send to the
  //    sender; the address is then suppressed and all the owner's enrollments of it cancelled;
  //  - reply: MatchReply (threading headers, then sender + subject over the mailbox's last
  //    kRecentSends sends to the sender).
  Status Process(const Mailbox& mailbox, std::string_view raw);

  static constexpr std::size_t kRecentSends = 50;

 private:
  std::optional<SentMessageRef> Owned(const Mailbox& mailbox, std::optional<SentMessageRef> ref);
  std::optional<SentMessageRef> LatestSentTo(const Mailbox& mailbox, const std::string& email);
  Status Finish(const Id& enrollment_id, EnrollmentStatus to, const std::string& cause,
                const std::string& reason);
  Status Note(const Id& enrollment_id, const std::string& cause);
  Status AutoReplied(const Id& enrollment_id, const AutoReply& reply);

  Store& store_;
  Clock& clock_;
  const InboundProcessorOptions options_;
};

}  // namespace mailmark
