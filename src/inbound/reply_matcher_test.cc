#include "inbound/reply_matcher.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace mailmark {
namespace {

// A store of sent messages for the lookups, recording what was asked.
struct FakeStore {
  std::map<std::string, SentRef> by_id;
  std::vector<std::string> asked_ids;
  std::vector<std::pair<std::string, std::string>> asked_subjects;
  std::optional<SentRef> subject_answer;

  FindSentById ById() {
    return [this](std::string_view id) -> std::optional<SentRef> {
      asked_ids.emplace_back(id);
      auto it = by_id.find(std::string(id));
      if (it == by_id.end()) return std::nullopt;
      return it->second;
    };
  }
  FindSentBySenderSubject BySubject() {
    return [this](std::string_view from, std::string_view subject) {
      asked_subjects.emplace_back(from, subject);
      return subject_answer;
    };
  }
};

const SentRef kAlice{"enr_alice", "Alice@Acme.example", "Quick question"};

ParsedInbound Reply(std::string from, std::string subject, std::string in_reply_to = "",
                    std::vector<std::string> references = {}) {
  ParsedInbound in;
  in.from_address = std::move(from);
  in.subject = std::move(subject);
  in.in_reply_to = std::move(in_reply_to);
  in.references = std::move(references);
  return in;
}

TEST(MatchReply, InReplyToFirst) {
  FakeStore store;
  store.by_id["<m2@s.test>"] = kAlice;
  store.by_id["<m1@s.test>"] = SentRef{"enr_other", "x@y.example", "Other"};
  std::optional<ReplyMatch> match = MatchReply(Reply("alice@acme.example", "Re: Quick question",
                                                     "<m2@s.test>", {"<m1@s.test>", "<m2@s.test>"}),
                                               store.ById(), store.BySubject());
  ASSERT_TRUE(match);
  EXPECT_EQ(match->enrollment_id, "enr_alice");
  EXPECT_EQ(match->matched_by, MatchedBy::kInReplyTo);
  EXPECT_EQ(match->sent_message_id, "<m2@s.test>");
  EXPECT_TRUE(match->from_contact);
  EXPECT_FALSE(match->forwarded);
  EXPECT_EQ(store.asked_ids, (std::vector<std::string>{"<m2@s.test>"}));
}

TEST(MatchReply, ReferencesLatestFirst) {
  FakeStore store;
  store.by_id["<m1@s.test>"] = kAlice;
  store.by_id["<m2@s.test>"] = SentRef{"enr_two", "alice@acme.example", "Quick question"};
  std::optional<ReplyMatch> match =
      MatchReply(Reply("alice@acme.example", "Re: Quick question", "<theirs@acme.example>",
                       {"<m1@s.test>", "<m2@s.test>", "<theirs@acme.example>"}),
                 store.ById(), store.BySubject());
  ASSERT_TRUE(match);
  EXPECT_EQ(match->enrollment_id, "enr_two");
  EXPECT_EQ(match->matched_by, MatchedBy::kReferences);
  EXPECT_EQ(store.asked_ids, (std::vector<std::string>{"<theirs@acme.example>", "<m2@s.test>"}));
  EXPECT_TRUE(store.asked_subjects.empty());
}

TEST(MatchReply, SomeoneElseInTheThreadIsNotTheContact) {
  FakeStore store;
  store.by_id["<m1@s.test>"] = kAlice;
  std::optional<ReplyMatch> match =
      MatchReply(Reply("erin@acme.example", "Re: Quick question", "<m1@s.test>"), store.ById(),
                 store.BySubject());
  ASSERT_TRUE(match);
  EXPECT_EQ(match->enrollment_id, "enr_alice");
  EXPECT_FALSE(match->from_contact);
}

TEST(MatchReply, FallsBackToSenderAndSubject) {
  FakeStore store;
  store.subject_answer = kAlice;
  std::optional<ReplyMatch> match = MatchReply(
      Reply("alice@acme.example", "AW: Re:  QUICK question "), store.ById(), store.BySubject());
  ASSERT_TRUE(match);
  EXPECT_EQ(match->matched_by, MatchedBy::kSenderSubject);
  EXPECT_EQ(match->sent_message_id, "");
  EXPECT_TRUE(match->from_contact);
  ASSERT_EQ(store.asked_subjects.size(), 1u);
  EXPECT_EQ(store.asked_subjects[0],
            (std::pair<std::string, std::string>{"alice@acme.example", "quick question"}));
}

TEST(MatchReply, FallbackNeedsAReplyPrefixAndTheSameSubject) {
  FakeStore store;
  store.subject_answer = kAlice;
  EXPECT_FALSE(
      MatchReply(Reply("alice@acme.example", "Quick question"), store.ById(), store.BySubject()));
  EXPECT_FALSE(MatchReply(Reply("alice@acme.example", "Fwd: Quick question"), store.ById(),
                          store.BySubject()));
  EXPECT_FALSE(MatchReply(Reply("alice@acme.example", "Fw: Re: Quick question"), store.ById(),
                          store.BySubject()));
  EXPECT_TRUE(store.asked_subjects.empty());
  store.subject_answer = SentRef{"enr_alice", "alice@acme.example", "Something else"};
  EXPECT_FALSE(MatchReply(Reply("alice@acme.example", "Re: Quick question"), store.ById(),
                          store.BySubject()));
  EXPECT_FALSE(MatchReply(Reply("", "Re: Quick question"), store.ById(), store.BySubject()));
  EXPECT_FALSE(MatchReply(Reply("alice@acme.example", "Re:"), store.ById(), store.BySubject()));
  EXPECT_FALSE(MatchReply(Reply("alice@acme.example", "Re: Quick question"), nullptr, nullptr));
}

TEST(MatchReply, ForwardWithThreadingIsFlagged) {
  FakeStore store;
  store.by_id["<m1@s.test>"] = kAlice;
  std::optional<ReplyMatch> match = MatchReply(
      Reply("alice@acme.example", "WG: Quick question", "<m1@s.test>"), store.ById(), nullptr);
  ASSERT_TRUE(match);
  EXPECT_TRUE(match->forwarded);
}

TEST(NormalizeSubject, StripsPrefixesInManyLanguages) {
  const std::pair<const char*, const char*> cases[] = {
      {"Re: Hello", "hello"},
      {"RE: RE: Hello", "hello"},
      {"Aw: Hello", "hello"},
      {"SV: Hello", "hello"},
      {"Antw: Hello", "hello"},
      {"Réf. : Hello", "réf. : hello"},
      {"Réf : Hello", "hello"},
      {"Re[2]: Hello", "hello"},
      {"Re^3: Hello", "hello"},
      {"Re : Hello", "hello"},
      {"Fwd: Re: Hello", "hello"},
      {"回复：Hello", "hello"},
      {"  re:   Hello   world ", "hello world"},
      {"Regarding: Hello", "regarding: hello"},
      {"Re:Hello", "hello"},
      {"", ""},
      {"Überblick", "überblick"},
  };
  for (const auto& [subject, want] : cases) EXPECT_EQ(NormalizeSubject(subject), want) << subject;
  EXPECT_TRUE(HasReplyPrefix("Re: x"));
  EXPECT_TRUE(HasReplyPrefix("AW: x"));
  EXPECT_FALSE(HasReplyPrefix("Fwd: Re: x"));
  EXPECT_TRUE(HasForwardPrefix("Fwd: Re: x"));
  EXPECT_TRUE(HasForwardPrefix("TR: x"));
  EXPECT_FALSE(HasReplyPrefix("Return policy"));
  EXPECT_FALSE(HasForwardPrefix("Free trial: x"));
}

}  // namespace
}  // namespace mailmark
