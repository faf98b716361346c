#include "engine/inbound_processor.h"

#include <spdlog/spdlog.h>

#include "inbound/classifier.h"
#include "inbound/reply_matcher.h"

namespace mailmark {
namespace {

// 404 and 409 mean the enrollment went away or is already final (a second reply, a bounce
// after a reply): nothing left to do. Only a storage failure is worth another try.
Status IgnoreGone(Status st) {
  if (!st && st.error().kind != ErrorKind::kInternal) return Ok{};
  return st;
}

SentRef ToSentRef(const SentMessageRef& ref) {
  return SentRef{ref.enrollment_id, ref.contact_email, ref.subject};
}

}  // namespace

InboundProcessor::InboundProcessor(Store& store, Clock& clock, InboundProcessorOptions options)
    : store_(store), clock_(clock), options_(options) {}

std::optional<SentMessageRef> InboundProcessor::Owned(const Mailbox& mailbox,
                                                      std::optional<SentMessageRef> ref) {
  if (!ref) return std::nullopt;
  if (ref->mailbox_id == mailbox.id) return ref;
  // Another mailbox of the same owner (e.g. a shared bounce address): still ours. Another
  // owner's message is never touched from this inbox.
  auto sent_from = store_.GetMailbox(ref->mailbox_id);
  if (!sent_from || sent_from->owner_id != mailbox.owner_id) return std::nullopt;
  return ref;
}

std::optional<SentMessageRef> InboundProcessor::LatestSentTo(const Mailbox& mailbox,
                                                             const std::string& email) {
  if (email.empty()) return std::nullopt;
  auto recent = store_.ListRecentSentTo(mailbox.id, email, 1);
  if (recent.empty()) return std::nullopt;
  return recent.front();
}

Status InboundProcessor::Finish(const Id& enrollment_id, EnrollmentStatus to,
                                const std::string& cause, const std::string& reason) {
  auto done = store_.FinishEnrollment(enrollment_id, to, cause, reason, clock_.Now());
  if (!done) return IgnoreGone(done.error());
  spdlog::info("inbound: enrollment {} {} ({})", enrollment_id, ToString(to), cause);
  return Ok{};
}

Status InboundProcessor::Note(const Id& enrollment_id, const std::string& cause) {
  return IgnoreGone(store_.RecordInboundEvent(enrollment_id, cause, clock_.Now()));
}

Status InboundProcessor::AutoReplied(const Id& enrollment_id, const AutoReply& reply) {
  const Timestamp now = clock_.Now();
  std::optional<Timestamp> until;
  if (reply.return_date) {
    // A date already past says the contact is back: nothing to wait for.
    if (*reply.return_date > now) until = reply.return_date;
  } else if (options_.ooo_default_pause > Duration::zero() && reply.reason != "read receipt") {
    until = now + options_.ooo_default_pause;
  }
  if (!until) return Note(enrollment_id, "auto_reply: " + reply.reason);
  auto paused = store_.PauseEnrollmentUntil(
      enrollment_id, *until,
      "auto_reply_paused_until " + FormatRfc3339(*until) + " (" + reply.reason + ")", now);
  if (!paused) return IgnoreGone(paused.error());
  spdlog::info("inbound: enrollment {} paused until {} ({})", enrollment_id, FormatRfc3339(*until),
               reply.reason);
  return Ok{};
}

Status InboundProcessor::Process(const Mailbox& mailbox, std::string_view raw) {
  auto parsed = ParseInbound(raw);
  if (!parsed) {
    spdlog::warn("inbound: mailbox {}: skipped a message ({}, {} bytes)", mailbox.id,
                 parsed.error().code, raw.size());
    return Ok{};
  }
  const ParsedInbound& in = *parsed;
  InboundClass kind = Classify(in, raw);

  auto find_sent = [&](std::string_view id) -> std::optional<SentRef> {
    auto ref = Owned(mailbox, store_.FindSentMessage(id));
    return ref ? std::optional<SentRef>(ToSentRef(*ref)) : std::nullopt;
  };
  auto find_by_subject = [&](std::string_view from,
                             std::string_view normalized) -> std::optional<SentRef> {
    for (const SentMessageRef& ref :
         store_.ListRecentSentTo(mailbox.id, std::string(from), kRecentSends))
      if (NormalizeSubject(ref.subject) == normalized) return ToSentRef(ref);
    return std::nullopt;
  };

  switch (kind.kind) {
    case InboundKind::kDeliveryReport: {
      const DeliveryReport& report = *kind.report;
      auto ref = Owned(mailbox, store_.FindSentMessage(report.original_message_id));
      if (!ref && !report.verp_tag.empty())
        ref = Owned(mailbox, store_.FindSentMessageByRowId(report.verp_tag));
      if (!ref) ref = LatestSentTo(mailbox, report.final_recipient);
      if (!ref) {
        spdlog::info("inbound: mailbox {}: a delivery report ({} {}) matches no message we sent",
                     mailbox.id, report.status, report.final_recipient);
        return Ok{};
      }
      if (report.permanent) {
        std::string reason = report.status;
        if (!report.diagnostic.empty()) reason += (reason.empty() ? "" : " ") + report.diagnostic;
        return Finish(ref->enrollment_id, EnrollmentStatus::kBounced, "bounce_dsn", reason);
      }
      std::string what = report.action == "delayed" || report.action.empty()
                             ? "delivery_delayed"
                             : "delivery_" + report.action;
      return Note(ref->enrollment_id, what + (report.status.empty() ? "" : " " + report.status));
    }
    case InboundKind::kAutoReply: {
      std::optional<Id> enrollment;
      if (auto match = MatchReply(in, find_sent, find_by_subject))
        enrollment = match->enrollment_id;
      else if (auto ref = LatestSentTo(mailbox, in.from_address))
        enrollment = ref->enrollment_id;
      if (!enrollment) return Ok{};
      return AutoReplied(*enrollment, *kind.auto_reply);
    }
    case InboundKind::kUnsubscribe: {
      // The List-Unsubscribe mailto carries no token, so the sender's address is all there
      // is. A forged one can only stop mail to someone, never start it: the safe direction.
      auto ref = LatestSentTo(mailbox, in.from_address);
      if (!ref) {
        spdlog::info("inbound: mailbox {}: an unsubscribe request from {} matches no contact",
                     mailbox.id, in.from_address);
        return Ok{};
      }
      auto done = store_.Unsubscribe(ref->enrollment_id, clock_.Now());
      if (!done) return IgnoreGone(done.error());
      spdlog::info("inbound: {} unsubscribed by mail (mailbox {})", in.from_address, mailbox.id);
      return Ok{};
    }
    case InboundKind::kReply: {
      auto match = MatchReply(in, find_sent, find_by_subject);
      if (!match) return Ok{};
      if (match->from_contact && !match->forwarded)
        return Finish(match->enrollment_id, EnrollmentStatus::kReplied, "reply_received", "");
      return Note(match->enrollment_id,
                  (match->forwarded ? "forwarded_by " : "reply_from_other ") + in.from_address);
    }
    case InboundKind::kOther:
      return Ok{};
  }
  return Ok{};
}

}  // namespace mailmark
