#include "mail/threading.h"

#include <gtest/gtest.h>

namespace mailmark {
namespace {

TEST(ReplySubjectTest, PrefixesRe) {
  EXPECT_EQ(ReplySubject("Hello"), "Re: Hello");
  EXPECT_EQ(ReplySubject("Jörg's 🚀 launch"), "Re: Jörg's 🚀 launch");
}

TEST(ReplySubjectTest, NeverDoublesRe) {
  EXPECT_EQ(ReplySubject("Re: Hello"), "Re: Hello");
  EXPECT_EQ(ReplySubject("RE: Hello"), "RE: Hello");
  EXPECT_EQ(ReplySubject("re:Hello"), "re:Hello");
  EXPECT_EQ(ReplySubject("  rE: Hello"), "  rE: Hello");
  EXPECT_EQ(ReplySubject(ReplySubject(ReplySubject("Hi"))), "Re: Hi");
}

TEST(ReplySubjectTest, WordsMerelyStartingWithReAreNotReplies) {
  EXPECT_EQ(ReplySubject("Reminder"), "Re: Reminder");
  EXPECT_EQ(ReplySubject("Re"), "Re: Re");
  EXPECT_EQ(ReplySubject("Re - x"), "Re: Re - x");
}

TEST(ReplySubjectTest, EmptyPrevious) { EXPECT_EQ(ReplySubject(""), "Re: "); }

}  // namespace
}  // namespace mailmark
