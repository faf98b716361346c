// The inbound chain as the IMAP poller runs it on every fetched message: parse (GMime, the MIME
// walk, the own RFC 2047 decoder), classify (delivery report, automatic reply, unsubscribe,
// reply), match a reply, read a return date.
#include <string>

#include "core/utf8.h"
#include "fuzz_support.h"
#include "inbound/auto_reply.h"
#include "inbound/classifier.h"
#include "inbound/dsn.h"
#include "inbound/inbound_message.h"
#include "inbound/reply_matcher.h"

using namespace mailmark;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view raw = fuzz::AsText(data, size);
  Result<ParsedInbound> parsed = ParseInbound(raw);
  if (!parsed) return 0;
  const ParsedInbound& in = *parsed;
  FUZZ_CHECK(in.text.size() <= kMaxBodyText);
  FUZZ_CHECK(IsValidUtf8(in.subject));
  FUZZ_CHECK(IsValidUtf8(in.from_name));
  FUZZ_CHECK(IsValidUtf8(in.text));

  InboundClass kind = Classify(in, raw);
  FUZZ_CHECK(kind.report.has_value() == (kind.kind == InboundKind::kDeliveryReport));
  FUZZ_CHECK(kind.auto_reply.has_value() == (kind.kind == InboundKind::kAutoReply));
  if (auto report = ParseDeliveryReport(in, raw)) {
    FUZZ_CHECK(kind.kind == InboundKind::kDeliveryReport);
    FUZZ_CHECK(report->permanent == kind.report->permanent);
  }
  DetectAutoReply(in);

  // Every id and every sender "sent" something, so each path of the matcher runs.
  int lookups = 0;
  FindSentById by_id = [&](std::string_view id) -> std::optional<SentRef> {
    FUZZ_CHECK(++lookups <= 1000000);
    if (id.empty()) return std::nullopt;
    return SentRef{"enr_fuzz", in.from_address, in.subject};
  };
  FindSentBySenderSubject by_subject = [&](std::string_view from,
                                           std::string_view subject) -> std::optional<SentRef> {
    return SentRef{"enr_fuzz", std::string(from), std::string(subject)};
  };
  if (auto match = MatchReply(in, by_id, by_subject)) {
    FUZZ_CHECK(match->enrollment_id == "enr_fuzz");
  }
  // Not found anywhere: never a match.
  FUZZ_CHECK(!MatchReply(
      in, [](std::string_view) { return std::optional<SentRef>(); },
      [](std::string_view, std::string_view) { return std::optional<SentRef>(); }));

  FindReturnDate(in.text, in.date);
  return 0;
}
