#include "engine/step_runner.h"

#include <future>
#include <map>
#include <memory>
#include <optional>
#include <random>

#include <spdlog/spdlog.h>

#include "core/input_limits.h"
#include "core/step_rules.h"
#include "core/unsubscribe_token.h"
#include "engine/bounce_breaker.h"
#include "engine/lease_keeper.h"
#include "mail/message_builder.h"
#include "mail/message_id.h"
#include "mail/threading.h"
#include "render/merge_fields.h"

namespace mailmark {
namespace {

const Step* FindStep(const std::vector<Step>& steps, const Id& id) {
  for (const Step& s : steps)
    if (s.id == id) return &s;
  return nullptr;
}

// Lookups of the batch's sequences and mailboxes, each read once per batch.
class BatchContext {
 public:
  explicit BatchContext(Store& store) : store_(store) {}
  const Sequence* GetSequence(const Id& id) { return Get(sequences_, id, &Store::GetSequence); }
  const Mailbox* GetMailbox(const Id& id) { return Get(mailboxes_, id, &Store::GetMailbox); }

 private:
  template <typename T>
  const T* Get(std::map<Id, std::optional<T>>& cache, const Id& id,
               std::optional<T> (Store::*load)(const Id&)) {
    auto it = cache.find(id);
    if (it == cache.end()) it = cache.emplace(id, (store_.*load)(id)).first;
    return it->second ? &*it->second : nullptr;
  }
  Store& store_;
  std::map<Id, std::optional<Sequence>> sequences_;
  std::map<Id, std::optional<Mailbox>> mailboxes_;
};

// Leaves the enrollment as it was (still due) and gives its lease back.
StepOutcome Release(const Enrollment& e) {
  StepOutcome o;
  o.enrollment_id = e.id;
  o.last_step_id = e.last_step_id;
  o.next_run_at = e.next_run_at;
  return o;
}

// The enrollment moves past `ran` (sent now, or found already sent). The store applies it
// against the steps as they are when the outcome commits; the fields set here are what the
// batch's copy of the steps says, for the report.
void AdvancePast(const std::vector<Step>& steps, const Id& ran, Timestamp at, StepOutcome& o) {
  o.ran_step_id = ran;
  AfterSend after = AdvanceAfterSend(steps, ran, at);
  o.last_step_id = ran;
  o.next_run_at = after.next_run_at;
  if (after.completed) {
    o.status = EnrollmentStatus::kCompleted;
    o.status_reason = "all_steps_run";
  }
}

bool AlreadySent(const ClaimedEnrollment& claim, const Id& step_id) {
  for (const Message& m : claim.sent)
    if (m.step_id == step_id) return true;
  return false;
}

struct PlannedSend {
  const ClaimedEnrollment* claim;
  const Step* step;
  const Mailbox* mailbox;
  RenderedContent content;
  SendStart start;
  UnsubscribeLinks unsubscribe;
};

// The envelope sender: the mailbox's address, or its bounce address tagged with the message
// (VERP: bounces+msg_123@example.com) so a delivery report names the message it is about.
std::string EnvelopeFrom(const Mailbox& mailbox, const Id& message_row) {
  if (mailbox.transport != TransportType::kSmtp || !mailbox.smtp ||
      mailbox.smtp->bounce_address.empty())
    return mailbox.from_email;
  const std::string& bounce = mailbox.smtp->bounce_address;
  auto at = bounce.rfind('@');
  if (at == std::string::npos) return bounce;
  return bounce.substr(0, at) + "+" + message_row + bounce.substr(at);
}

double Random01() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

// A reason kept in an enrollment's status and history: an exception's text could be anything.
std::string Shortened(std::string reason) {
  constexpr std::size_t kMaxReasonBytes = 300;
  if (reason.size() <= kMaxReasonBytes) return reason;
  std::size_t cut = kMaxReasonBytes;
  while (cut > 0 && (static_cast<unsigned char>(reason[cut]) & 0xC0) == 0x80) --cut;
  reason.resize(cut);
  return reason + "…";
}

std::string Describe(const Error& e) {
  if (e.details.is_object() && e.details.contains("part") && e.details["part"].is_string())
    return e.details["part"].get<std::string>() + ": " + e.message;
  return e.message;
}

// A claim whose step cannot be rendered or built fails alone: its enrollment stops with the
// reason, and the rest of the batch goes on. Stopped rather than retried, because the same
// step and merge fields fail the same way at every claim. Cancelled, not bounced: no server
// refused anything, so the address is not suppressed, the step's bounce figures and the
// mailbox's bounce protection are untouched, and the contact can be enrolled again once its
// data or the step is fixed. `message`: the row already written for it (a pending retry, or
// one begun in this batch), which never reached a transport: failed, and marked withdrawn so
// that it counts as no send anywhere.
StepOutcome Poisoned(const ClaimedEnrollment& claim, const Step& step,
                     const std::optional<Id>& message, std::string_view stage,
                     const std::string& reason) {
  const Enrollment& e = claim.enrollment;
  spdlog::warn("enrollment {} step {}: {}: {}", e.id, step.id, stage, reason);
  StepOutcome o;
  o.enrollment_id = e.id;
  o.last_step_id = e.last_step_id;
  o.status = EnrollmentStatus::kCancelled;
  o.status_reason = std::string(stage) + ": " + reason;
  o.events.push_back(std::string(stage) + " " + step.id + ": " + reason);
  if (message) {
    o.message = *message;
    o.message_state = MessageState::kFailed;
    o.response = std::string(kWithdrawnResponsePrefix) + ": " + o.status_reason;
  }
  return o;
}

// Runs one claim's pure stage; a failure, returned or thrown (std::bad_alloc included), is
// the claim's own: nullopt from `stage` plus `failure`, never an exception out of the batch.
template <typename Fn>
auto Isolated(Fn&& stage, std::string& failure) -> decltype(stage()) {
  try {
    return stage();
  } catch (const std::exception& ex) {
    failure = Shortened(ex.what());
  } catch (...) {
    failure = "unknown exception";
  }
  if (failure.empty()) failure = "unknown exception";
  return std::nullopt;
}

std::string SubjectFor(const RenderedContent& content, const ClaimedEnrollment& claim) {
  if (!content.subject.empty()) return content.subject;
  // An empty follow-up subject replies in the thread.
  for (auto it = claim.sent.rbegin(); it != claim.sent.rend(); ++it)
    if (!it->subject.empty()) return ReplySubject(it->subject);
  return "(no subject)";
}

}  // namespace

StepRunner::StepRunner(Store& store, Clock& clock, TransportProvider& transports,
                       RunnerOptions options)
    : store_(store),
      clock_(clock),
      transports_(transports),
      options_(std::move(options)),
      breakers_(store, clock) {}

std::shared_ptr<BounceBreaker> BounceBreakers::For(const Mailbox& mailbox) {
  if (!mailbox.bounce_protection) return nullptr;
  std::lock_guard lock(mu_);
  if (auto live = breakers_[mailbox.id].lock()) return live;
  // No batch of this node is sending from the mailbox: start afresh from the store's record,
  // which holds every node's outcomes and any resume since.
  auto usage = store_.GetMailboxUsage(mailbox.id, clock_.Now());
  if (!usage) return nullptr;
  auto breaker =
      std::make_shared<BounceBreaker>(*mailbox.bounce_protection, usage->recent_outcomes);
  breakers_[mailbox.id] = breaker;
  return breaker;
}

BatchReport StepRunner::Run(const std::vector<ClaimedEnrollment>& claims, const std::string& node) {
  BatchReport report;
  BatchContext ctx(store_);
  std::vector<StepOutcome> outcomes;
  std::vector<PlannedSend> sends;
  const Timestamp now = clock_.Now();

  // Plan and render.
  for (const ClaimedEnrollment& claim : claims) {
    const Enrollment& e = claim.enrollment;
    const Sequence* seq = ctx.GetSequence(e.sequence_id);
    const Mailbox* mailbox = ctx.GetMailbox(e.mailbox_id);
    if (!seq || !mailbox) {
      outcomes.push_back(Release(e));
      continue;
    }
    const Step* step = nullptr;
    std::optional<Id> existing;
    std::string message_id;
    if (claim.pending) {
      step = FindStep(seq->steps, claim.pending->step_id);
      if (!step) {
        // Its step was removed while a retry was pending: give the message up and plan again
        // at once from where the enrollment stands.
        StepOutcome o = Release(e);
        o.message = claim.pending->id;
        o.message_state = MessageState::kFailed;
        o.response = std::string(kWithdrawnResponsePrefix) + ": step removed before the retry";
        o.next_run_at = now;
        outcomes.push_back(std::move(o));
        continue;
      }
      existing = claim.pending->id;
      message_id = claim.pending->message_id;
    } else {
      step = NextSend(seq->steps, e.last_step_id);
      if (!step) {
        StepOutcome o;
        o.enrollment_id = e.id;
        o.last_step_id = e.last_step_id;
        o.status = EnrollmentStatus::kCompleted;
        o.status_reason = "all_steps_run";
        outcomes.push_back(std::move(o));
        ++report.completed;
        continue;
      }
      if (AlreadySent(claim, step->id)) {
        // Steps were re-ordered: never send one step twice to one contact; move past it.
        StepOutcome o;
        o.enrollment_id = e.id;
        AdvancePast(seq->steps, step->id, now, o);
        o.events.push_back("skipped " + step->id + ": already sent to this contact");
        outcomes.push_back(std::move(o));
        ++report.already_sent;
        continue;
      }
      message_id = NewMessageId(DomainOf(mailbox->from_email));
    }
    std::string failure;
    std::optional<PlannedSend> planned = Isolated(
        [&]() -> std::optional<PlannedSend> {
          UnsubscribeLinks unsubscribe = MakeUnsubscribeLinks(
              options_.unsubscribe_secret, options_.public_url, e.id, mailbox->from_email);
          Result<RenderedContent> rendered = RenderStep(*step, e.merge_fields, e.contact_email,
                                                        {{"unsubscribeUrl", unsubscribe.url}});
          if (!rendered) {
            failure = Shortened(Describe(rendered.error()));
            return std::nullopt;
          }
          RenderedContent content = std::move(rendered).value();
          content.subject = SubjectFor(content, claim);
          SendStart start{e.id, step->id, message_id, content.subject, existing};
          return PlannedSend{
              &claim, step, mailbox, std::move(content), std::move(start), std::move(unsubscribe)};
        },
        failure);
    if (!planned) {
      outcomes.push_back(Poisoned(claim, *step, existing, "render_failed", failure));
      continue;
    }
    sends.push_back(std::move(*planned));
  }

  // Record every send as `sending` before any transport sees it.
  std::vector<SendStart> starts;
  starts.reserve(sends.size());
  for (const PlannedSend& s : sends) starts.push_back(s.start);
  std::vector<std::optional<Message>> rows =
      starts.empty() ? std::vector<std::optional<Message>>{} : store_.BeginSends(node, starts, now);

  // Build and group by transport.
  struct Group {
    std::shared_ptr<Transport> transport;
    std::vector<size_t> sends;
    std::vector<OutgoingMessage> messages;
    std::vector<SendResult> results;
  };
  std::map<Transport*, Group> groups;
  std::vector<size_t> no_transport;
  for (size_t i = 0; i < sends.size(); ++i) {
    const PlannedSend& s = sends[i];
    const Enrollment& e = s.claim->enrollment;
    if (i >= rows.size() || !rows[i]) {
      outcomes.push_back(Release(e));
      ++report.skipped;
      continue;
    }
    std::shared_ptr<Transport> transport = transports_.For(*s.mailbox);
    if (!transport) {
      no_transport.push_back(i);
      continue;
    }
    std::string failure;
    std::optional<OutgoingMessage> built = Isolated(
        [&]() -> std::optional<OutgoingMessage> {
          MessageInput in;
          in.from_name = s.mailbox->from_name;
          in.from_email = s.mailbox->from_email;
          in.to_email = e.contact_email;
          in.subject = s.content.subject;
          in.html = s.content.html;
          in.text = s.content.text;
          in.message_id = s.start.message_id;
          for (const Message& m : s.claim->sent) in.references.push_back(m.message_id);
          in.date = now;
          in.list_unsubscribe_url = s.unsubscribe.url;
          in.list_unsubscribe_mailto = s.unsubscribe.mailto;
          in.extra_headers.emplace_back("X-Mailmark-Enrollment", e.id);
          std::string raw = BuildMessage(in);
          if (raw.size() > kMaxMessageBytes) {
            failure = "the built message is " + std::to_string(raw.size()) +
                      " bytes, more than the " + std::to_string(kMaxMessageBytes) + " allowed";
            return std::nullopt;
          }
          return OutgoingMessage{s.start.message_id, EnvelopeFrom(*s.mailbox, rows[i]->id),
                                 e.contact_email, std::move(raw)};
        },
        failure);
    if (!built) {
      outcomes.push_back(Poisoned(*s.claim, *s.step, rows[i]->id, "build_failed", failure));
      continue;
    }
    Group& g = groups.try_emplace(transport.get(), Group{transport, {}, {}, {}}).first->second;
    g.sends.push_back(i);
    OutgoingMessage& message = g.messages.emplace_back(std::move(*built));
    // An SMTP batch can take many seconds; a reply, a cancel or a pause meanwhile must stop
    // a message not yet sent. (The outbox writes its batch within milliseconds of BeginSends'
    // check, so it is not asked.)
    if (s.mailbox->transport == TransportType::kSmtp) {
      std::shared_ptr<BounceBreaker> breaker = breakers_.For(*s.mailbox);
      message.still_wanted = [this, id = e.id, breaker] {
        if (!store_.StillSendable(id, clock_.Now())) return false;
        return !breaker || breaker->Admit();
      };
      if (breaker)
        message.on_result = [breaker](const SendResult& r) {
          // Counted as the store counts: a send whose outcome is known. A temporary failure
          // is judged once its retries end.
          breaker->Answered(
              r.status == SendStatus::kPermanentFailure,
              r.status == SendStatus::kSent || r.status == SendStatus::kPermanentFailure);
        };
    }
  }

  // Deliver and turn each answer into an outcome.
  auto record = [&](size_t i, const SendResult& result) {
    const PlannedSend& s = sends[i];
    const Enrollment& e = s.claim->enrollment;
    const Sequence* seq = ctx.GetSequence(e.sequence_id);
    const Timestamp done = clock_.Now();
    StepOutcome o;
    o.enrollment_id = e.id;
    o.message = rows[i]->id;
    o.response = result.response;
    switch (result.status) {
      case SendStatus::kSent:
        o.message_state = MessageState::kSent;
        AdvancePast(seq->steps, s.step->id, done, o);
        o.events.push_back("sent " + s.step->id + " " + s.start.message_id + ": " +
                           result.response);
        ++report.sent;
        if (o.status == EnrollmentStatus::kCompleted) ++report.completed;
        if (e.next_run_at) report.lateness.push_back(done - *e.next_run_at);
        break;
      case SendStatus::kTemporaryFailure: {
        const Message& row = *rows[i];
        o.last_step_id = e.last_step_id;
        std::optional<Timestamp> retry =
            NextRetry(options_.retry, row.attempts, row.created_at, done, Random01());
        std::string attempt = " (attempt " + std::to_string(row.attempts) + "): ";
        if (retry) {
          o.message_state = MessageState::kSending;  // kept pending: retried with its Message-ID
          o.next_run_at = *retry;
          o.events.push_back("retry " + s.step->id + attempt + result.response);
          ++report.retried;
        } else {
          o.message_state = MessageState::kFailed;
          o.status = EnrollmentStatus::kBounced;
          o.status_reason = "retries_exhausted";
          o.events.push_back("retries_exhausted " + s.step->id + attempt + result.response);
          ++report.bounced;
        }
        break;
      }
      case SendStatus::kPermanentFailure:
        o.message_state = MessageState::kFailed;
        o.last_step_id = e.last_step_id;
        o.status = EnrollmentStatus::kBounced;
        o.status_reason = result.response;
        o.suppress_address = result.recipient_rejected;
        o.events.push_back("bounced " + s.step->id + ": " + result.response);
        ++report.bounced;
        break;
      case SendStatus::kWithdrawn:
        // Nothing was sent: the row fails so its Message-ID is never used, and the enrollment
        // stays where it was. If it is final the store only gives the lease back; if only its
        // sequence or the contact is paused, it stays due and the step is planned afresh (a
        // new Message-ID) when the pause ends.
        o.message_state = MessageState::kFailed;
        if (!o.response.starts_with(kWithdrawnResponsePrefix))  // what marks it as never sent
          o.response = std::string(kWithdrawnResponsePrefix) + ": " + o.response;
        o.last_step_id = e.last_step_id;
        o.next_run_at = e.next_run_at;
        o.events.push_back("withdrawn " + s.step->id + ": " + o.response);
        ++report.withdrawn;
        break;
    }
    outcomes.push_back(std::move(o));
  };
  // Each transport delivers on its own thread, so one slow or broken mailbox does not hold
  // up the others in the batch; meanwhile the batch keeps its leases.
  std::vector<Id> delivering;
  for (auto& [key, group] : groups)
    for (size_t i : group.sends) delivering.push_back(sends[i].claim->enrollment.id);
  std::optional<LeaseKeeper> keeper;
  if (!delivering.empty())
    keeper.emplace(store_, clock_, node, std::move(delivering), options_.lease);
  std::vector<std::future<void>> deliveries;
  for (auto& [key, group] : groups) {
    Group* g = &group;
    auto deliver = [g] {
      try {
        g->results = g->transport->SendBatch(g->messages);
      } catch (const std::exception& ex) {
        g->results.assign(g->messages.size(), SendResult{SendStatus::kTemporaryFailure, ex.what()});
      }
    };
    if (groups.size() == 1) {
      deliver();
    } else {
      deliveries.push_back(std::async(std::launch::async, deliver));
    }
  }
  for (auto& d : deliveries) d.wait();
  keeper.reset();
  for (auto& [key, group] : groups) {
    for (size_t k = 0; k < group.sends.size(); ++k) {
      SendResult r = k < group.results.size()
                         ? group.results[k]
                         : SendResult{SendStatus::kTemporaryFailure, "transport gave no answer"};
      record(group.sends[k], r);
    }
  }
  for (size_t i : no_transport)
    record(i, SendResult{SendStatus::kTemporaryFailure,
                         "no transport available for this mailbox in this build"});

  if (!outcomes.empty()) store_.RecordOutcomes(node, outcomes, clock_.Now());
  return report;
}

}  // namespace mailmark
