#include "engine/step_runner.h"

#include <map>
#include <optional>

#include <spdlog/spdlog.h>

#include "core/step_rules.h"
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

// Where an enrollment stands once `ran` has run at `at`: the following delays are consumed.
void AdvancePast(const std::vector<Step>& steps, const Id& ran, Timestamp at, StepOutcome& o) {
  NextAction next = PlanNext(steps, ran);
  switch (next.kind) {
    case NextAction::Kind::kSend:
      o.last_step_id = ran;
      o.next_run_at = at;
      break;
    case NextAction::Kind::kWait:
      o.last_step_id = next.last_step_id;
      o.next_run_at = at + next.wait;
      break;
    case NextAction::Kind::kComplete:
      o.last_step_id = ran;
      o.status = EnrollmentStatus::kCompleted;
      o.status_reason = "all_steps_run";
      break;
  }
}

struct PlannedSend {
  const ClaimedEnrollment* claim;
  const Step* step;
  const Mailbox* mailbox;
  RenderedContent content;
  SendStart start;
};

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
    : store_(store), clock_(clock), transports_(transports), options_(std::move(options)) {}

BatchReport StepRunner::Run(const std::vector<ClaimedEnrollment>& claims) {
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
        o.response = "step removed before the retry";
        o.next_run_at = now;
        outcomes.push_back(std::move(o));
        continue;
      }
      existing = claim.pending->id;
      message_id = claim.pending->message_id;
    } else {
      NextAction next = PlanNext(seq->steps, e.last_step_id);
      if (next.kind == NextAction::Kind::kComplete) {
        StepOutcome o;
        o.enrollment_id = e.id;
        o.last_step_id = e.last_step_id;
        o.status = EnrollmentStatus::kCompleted;
        o.status_reason = "all_steps_run";
        outcomes.push_back(std::move(o));
        ++report.completed;
        continue;
      }
      if (next.kind == NextAction::Kind::kWait) {
        StepOutcome o;
        o.enrollment_id = e.id;
        o.last_step_id = next.last_step_id;
        o.next_run_at = now + next.wait;
        outcomes.push_back(std::move(o));
        ++report.waited;
        continue;
      }
      step = next.step;
      message_id = NewMessageId(DomainOf(mailbox->from_email));
    }
    RenderedContent content = RenderStep(*step, e.merge_fields, e.contact_email);
    content.subject = SubjectFor(content, claim);
    SendStart start{e.id, step->id, message_id, content.subject, existing};
    sends.push_back(PlannedSend{&claim, step, mailbox, std::move(content), std::move(start)});
  }

  // Record every send as `sending` before any transport sees it.
  std::vector<SendStart> starts;
  starts.reserve(sends.size());
  for (const PlannedSend& s : sends) starts.push_back(s.start);
  std::vector<std::optional<Message>> rows = starts.empty()
                                                 ? std::vector<std::optional<Message>>{}
                                                 : store_.BeginSends(options_.node, starts, now);

  // Build and group by transport.
  struct Group {
    Transport* transport;
    std::vector<size_t> sends;
    std::vector<OutgoingMessage> messages;
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
    Transport* transport = transports_.For(*s.mailbox);
    if (!transport) {
      no_transport.push_back(i);
      continue;
    }
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
    in.extra_headers.emplace_back("X-Mailmark-Enrollment", e.id);
    Group& g = groups.try_emplace(transport, Group{transport, {}, {}}).first->second;
    g.sends.push_back(i);
    g.messages.push_back(OutgoingMessage{s.start.message_id, s.mailbox->from_email, e.contact_email,
                                         BuildMessage(in)});
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
        o.events.push_back("sent " + s.step->id + " " + s.start.message_id);
        ++report.sent;
        if (o.status == EnrollmentStatus::kCompleted) ++report.completed;
        if (e.next_run_at) report.lateness.push_back(done - *e.next_run_at);
        break;
      case SendStatus::kTemporaryFailure:
        o.message_state = MessageState::kSending;  // kept pending: retried with its Message-ID
        o.last_step_id = e.last_step_id;
        o.next_run_at = done + options_.retry_delay;
        o.events.push_back("retry " + s.step->id + ": " + result.response);
        ++report.retried;
        break;
      case SendStatus::kPermanentFailure:
        o.message_state = MessageState::kFailed;
        o.last_step_id = e.last_step_id;
        o.status = EnrollmentStatus::kBounced;
        o.status_reason = result.response;
        o.events.push_back("bounced " + s.step->id + ": " + result.response);
        ++report.bounced;
        break;
    }
    outcomes.push_back(std::move(o));
  };
  for (auto& [transport, group] : groups) {
    std::vector<SendResult> results = transport->SendBatch(group.messages);
    for (size_t k = 0; k < group.sends.size(); ++k) {
      SendResult r = k < results.size()
                         ? results[k]
                         : SendResult{SendStatus::kTemporaryFailure, "transport gave no answer"};
      record(group.sends[k], r);
    }
  }
  for (size_t i : no_transport)
    record(i, SendResult{SendStatus::kTemporaryFailure,
                         "no transport available for this mailbox in this build"});

  if (!outcomes.empty()) store_.RecordOutcomes(options_.node, outcomes, clock_.Now());
  return report;
}

}  // namespace mailmark
