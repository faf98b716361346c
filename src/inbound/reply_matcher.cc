#include "inbound/reply_matcher.h"

#include <array>
#include <cctype>

#include "inbound/text_util.h"

namespace mailmark {
namespace {

using inbound::FoldCase;
using inbound::TrimView;

enum class Prefix { kNone, kReply, kForward };

struct PrefixWord {
  const char* word;  // folded case
  Prefix kind;
};

// Longer words first where one starts another ("antwort" before "antw", "fwd" before "fw").
constexpr std::array kPrefixes = {
    PrefixWord{"antwort", Prefix::kReply}, PrefixWord{"antw", Prefix::kReply},
    PrefixWord{"réf", Prefix::kReply},     PrefixWord{"ref", Prefix::kReply},
    PrefixWord{"rif", Prefix::kReply},     PrefixWord{"res", Prefix::kReply},
    PrefixWord{"re", Prefix::kReply},      PrefixWord{"aw", Prefix::kReply},
    PrefixWord{"sv", Prefix::kReply},      PrefixWord{"odp", Prefix::kReply},
    PrefixWord{"vá", Prefix::kReply},      PrefixWord{"ynt", Prefix::kReply},
    PrefixWord{"回复", Prefix::kReply},    PrefixWord{"答复", Prefix::kReply},
    PrefixWord{"r", Prefix::kReply},       PrefixWord{"fwd", Prefix::kForward},
    PrefixWord{"fw", Prefix::kForward},    PrefixWord{"wg", Prefix::kForward},
    PrefixWord{"tr", Prefix::kForward},    PrefixWord{"rv", Prefix::kForward},
    PrefixWord{"enc", Prefix::kForward},   PrefixWord{"doorst", Prefix::kForward},
    PrefixWord{"vs", Prefix::kForward},    PrefixWord{"vb", Prefix::kForward},
    PrefixWord{"pd", Prefix::kForward},    PrefixWord{"i", Prefix::kForward},
    PrefixWord{"转发", Prefix::kForward},
};

// Length of a prefix ("re: ", "Re[2]: ", "AW : ") at the start of folded `text`, or 0.
std::size_t PrefixLength(std::string_view text, Prefix* kind) {
  for (const PrefixWord& prefix : kPrefixes) {
    std::string_view word = prefix.word;
    if (text.substr(0, word.size()) != word) continue;
    std::size_t i = word.size();
    if (i < text.size() && (text[i] == '[' || text[i] == '(')) {
      char close = text[i] == '[' ? ']' : ')';
      std::size_t j = i + 1;
      while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
      if (j > i + 1 && j < text.size() && text[j] == close) i = j + 1;
    } else if (i < text.size() && text[i] == '^') {
      std::size_t j = i + 1;
      while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
      if (j > i + 1) i = j;
    }
    if (i < text.size() && text[i] == ' ') ++i;  // French "Re :"
    if (i < text.size() && text[i] == ':') {
      ++i;
    } else if (text.substr(i, 3) == "\xEF\xBC\x9A") {  // full-width colon
      i += 3;
    } else {
      continue;
    }
    if (kind != nullptr) *kind = prefix.kind;
    return i;
  }
  return 0;
}

std::string CollapseBlanks(std::string_view text) {
  std::string out;
  bool blank = false;
  for (char c : TrimView(text)) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      blank = true;
      continue;
    }
    if (blank && !out.empty()) out += ' ';
    blank = false;
    out += c;
  }
  return out;
}

Prefix FirstPrefix(std::string_view subject) {
  std::string folded = CollapseBlanks(FoldCase(subject));
  Prefix kind = Prefix::kNone;
  PrefixLength(folded, &kind);
  return kind;
}

bool SameAddress(std::string_view a, std::string_view b) {
  return !a.empty() && inbound::AsciiLower(TrimView(a)) == inbound::AsciiLower(TrimView(b));
}

}  // namespace

std::string NormalizeSubject(std::string_view subject) {
  std::string text = CollapseBlanks(FoldCase(subject));
  std::string_view rest = text;
  for (;;) {
    rest = TrimView(rest);
    std::size_t length = PrefixLength(rest, nullptr);
    if (length == 0) break;
    rest.remove_prefix(length);
  }
  return std::string(rest);
}

bool HasReplyPrefix(std::string_view subject) { return FirstPrefix(subject) == Prefix::kReply; }

bool HasForwardPrefix(std::string_view subject) { return FirstPrefix(subject) == Prefix::kForward; }

std::optional<ReplyMatch> MatchReply(const ParsedInbound& in, const FindSentById& find_sent,
                                     const FindSentBySenderSubject& find_by_sender_subject) {
  bool forwarded = HasForwardPrefix(in.subject);
  auto make = [&](const SentRef& sent, MatchedBy by, std::string id) {
    return ReplyMatch{sent.enrollment_id, by, std::move(id),
                      SameAddress(in.from_address, sent.contact_email), forwarded};
  };
  if (find_sent) {
    if (!in.in_reply_to.empty()) {
      if (std::optional<SentRef> sent = find_sent(in.in_reply_to)) {
        return make(*sent, MatchedBy::kInReplyTo, in.in_reply_to);
      }
    }
    for (auto it = in.references.rbegin(); it != in.references.rend(); ++it) {
      if (it->empty() || *it == in.in_reply_to) continue;
      if (std::optional<SentRef> sent = find_sent(*it)) {
        return make(*sent, MatchedBy::kReferences, *it);
      }
    }
  }
  if (!find_by_sender_subject || forwarded || !HasReplyPrefix(in.subject) ||
      in.from_address.empty()) {
    return std::nullopt;
  }
  std::string normalized = NormalizeSubject(in.subject);
  if (normalized.empty()) return std::nullopt;
  std::optional<SentRef> sent = find_by_sender_subject(in.from_address, normalized);
  if (!sent || NormalizeSubject(sent->subject) != normalized) return std::nullopt;
  return make(*sent, MatchedBy::kSenderSubject, "");
}

}  // namespace mailmark
