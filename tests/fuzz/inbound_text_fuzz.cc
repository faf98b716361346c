// The text heuristics of the inbound classifiers, on any text a sender writes: the return
// date of an out-of-office reply, reply/forward subject prefixes, unsubscribe subjects,
// enhanced status codes and VERP tags of bounces.
//
// Input: 8 bytes of message date (the first one odd: no date), then the text.
#include <chrono>
#include <cstring>
#include <string>

#include "fuzz_support.h"
#include "inbound/auto_reply.h"
#include "inbound/classifier.h"
#include "inbound/dsn.h"
#include "inbound/reply_matcher.h"

using namespace mailmark;

namespace {

bool IsDigits(std::string_view s) {
  return !s.empty() && s.size() <= 3 && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  std::optional<Timestamp> sent;
  std::uint64_t bits = 0;
  bool has_date = (input.Byte() & 1) == 0;
  for (int i = 0; i < 7; ++i) bits = bits << 8 | input.Byte();
  // Anywhere from 1970 to about 2540: dates a Date header can carry.
  if (has_date) sent = FromMillis(static_cast<std::int64_t>(bits % (1ULL << 54)));
  std::string_view text = input.Rest();

  if (std::optional<Timestamp> back = FindReturnDate(text, sent)) {
    // A day, at 00:00 UTC.
    FUZZ_CHECK(ToMillis(*back) % (24LL * 60 * 60 * 1000) == 0);
  }

  std::string normalized = NormalizeSubject(text);
  FUZZ_CHECK(NormalizeSubject(normalized) == normalized);
  FUZZ_CHECK(!HasReplyPrefix(normalized) && !HasForwardPrefix(normalized));
  FUZZ_CHECK(!(HasReplyPrefix(text) && HasForwardPrefix(text)));
  IsUnsubscribeSubject(text);

  std::string status = FindEnhancedStatus(text);
  if (!status.empty()) {
    FUZZ_CHECK(text.find(status) != std::string_view::npos);
    FUZZ_CHECK(status[0] == '2' || status[0] == '4' || status[0] == '5');
    std::size_t dot = status.find('.', 2);
    FUZZ_CHECK(status[1] == '.' && dot != std::string::npos);
    FUZZ_CHECK(IsDigits(std::string_view(status).substr(2, dot - 2)));
    FUZZ_CHECK(IsDigits(std::string_view(status).substr(dot + 1)));
  }
  VerpTag(text);
  return 0;
}
