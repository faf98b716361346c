#include "core/model.h"

#include <array>
#include <utility>

namespace mailmark {
namespace {

template <typename E, size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [e, name] : table)
    if (e == value) return name;
  return "unknown";
}

template <typename E, size_t N>
std::optional<E> ValueOf(const std::array<std::pair<E, std::string_view>, N>& table,
                         std::string_view name) {
  for (const auto& [e, n] : table)
    if (n == name) return e;
  return std::nullopt;
}

constexpr std::array<std::pair<TransportType, std::string_view>, 2> kTransport{
    {{TransportType::kOutbox, "outbox"}, {TransportType::kSmtp, "smtp"}}};
constexpr std::array<std::pair<TlsMode, std::string_view>, 3> kTls{
    {{TlsMode::kNone, "none"}, {TlsMode::kStartTls, "starttls"}, {TlsMode::kTls, "tls"}}};
constexpr std::array<std::pair<StepType, std::string_view>, 2> kStep{
    {{StepType::kSendEmail, "send_email"}, {StepType::kDelay, "delay"}}};
constexpr std::array<std::pair<SequenceStatus, std::string_view>, 3> kSequence{
    {{SequenceStatus::kActive, "active"},
     {SequenceStatus::kPaused, "paused"},
     {SequenceStatus::kCompleted, "completed"}}};
constexpr std::array<std::pair<EnrollmentStatus, std::string_view>, 5> kEnrollment{
    {{EnrollmentStatus::kActive, "active"},
     {EnrollmentStatus::kCompleted, "completed"},
     {EnrollmentStatus::kReplied, "replied"},
     {EnrollmentStatus::kCancelled, "cancelled"},
     {EnrollmentStatus::kBounced, "bounced"}}};
constexpr std::array<std::pair<MessageState, std::string_view>, 3> kMessage{
    {{MessageState::kSending, "sending"},
     {MessageState::kSent, "sent"},
     {MessageState::kFailed, "failed"}}};
constexpr std::array<std::pair<MailboxStatus, std::string_view>, 2> kMailboxStatus{
    {{MailboxStatus::kActive, "active"}, {MailboxStatus::kPaused, "paused"}}};
constexpr std::array<std::pair<PauseReason, std::string_view>, 3> kPauseReason{
    {{PauseReason::kNone, ""},
     {PauseReason::kManual, "manual"},
     {PauseReason::kBounceRate, "bounce_rate"}}};

}  // namespace

std::string_view ToString(TransportType t) { return NameOf(kTransport, t); }
std::string_view ToString(TlsMode t) { return NameOf(kTls, t); }
std::string_view ToString(StepType t) { return NameOf(kStep, t); }
std::string_view ToString(SequenceStatus s) { return NameOf(kSequence, s); }
std::string_view ToString(EnrollmentStatus s) { return NameOf(kEnrollment, s); }
std::string_view ToString(MessageState s) { return NameOf(kMessage, s); }
std::string_view ToString(MailboxStatus s) { return NameOf(kMailboxStatus, s); }
std::string_view ToString(PauseReason r) { return NameOf(kPauseReason, r); }
std::optional<TransportType> ParseTransportType(std::string_view s) {
  return ValueOf(kTransport, s);
}
std::optional<TlsMode> ParseTlsMode(std::string_view s) { return ValueOf(kTls, s); }
std::optional<StepType> ParseStepType(std::string_view s) { return ValueOf(kStep, s); }
std::optional<SequenceStatus> ParseSequenceStatus(std::string_view s) {
  return ValueOf(kSequence, s);
}
std::optional<EnrollmentStatus> ParseEnrollmentStatus(std::string_view s) {
  return ValueOf(kEnrollment, s);
}
std::optional<MessageState> ParseMessageState(std::string_view s) { return ValueOf(kMessage, s); }
std::optional<MailboxStatus> ParseMailboxStatus(std::string_view s) {
  return ValueOf(kMailboxStatus, s);
}
std::optional<PauseReason> ParsePauseReason(std::string_view s) { return ValueOf(kPauseReason, s); }

}  // namespace mailmark
