#include "mail/message_id.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace mailmark {
namespace {

TEST(NewMessageIdTest, ShapeIsAngleHexAtDomain) {
  std::string id = NewMessageId("example.com");
  ASSERT_EQ(id.size(), 1 + 32 + 1 + 11 + 1);
  EXPECT_EQ(id.front(), '<');
  EXPECT_EQ(id.back(), '>');
  EXPECT_EQ(id.substr(33), "@example.com>");
  for (char c : id.substr(1, 32)) {
    EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << c;
  }
}

TEST(NewMessageIdTest, Unique) {
  std::set<std::string> ids;
  for (int i = 0; i < 10000; ++i) ids.insert(NewMessageId("x.test"));
  EXPECT_EQ(ids.size(), 10000u);
}

TEST(NewMessageIdTest, EmptyDomainFallsBackToLocalhost) {
  EXPECT_TRUE(NewMessageId("").ends_with("@localhost>"));
}

TEST(DomainOfTest, PartAfterLastAtLowerCased) {
  EXPECT_EQ(DomainOf("Ann@Example.COM"), "example.com");
  EXPECT_EQ(DomainOf("\"a@b\"@c.org"), "c.org");
  EXPECT_EQ(DomainOf("nobody"), "localhost");
  EXPECT_EQ(DomainOf(""), "localhost");
  EXPECT_EQ(DomainOf("trailing@"), "localhost");
}

TEST(MessageIdFileNameTest, StripsBracketsAndAddsExtension) {
  EXPECT_EQ(MessageIdFileName("<abc123@example.com>"), "abc123@example.com.eml");
  EXPECT_EQ(MessageIdFileName("abc@x"), "abc@x.eml");
  EXPECT_EQ(MessageIdFileName("<a.b_c+d-e@x>"), "a.b_c+d-e@x.eml");
}

TEST(MessageIdFileNameTest, ReplacesUnsafeCharacters) {
  EXPECT_EQ(MessageIdFileName("<../../etc/passwd>"), "_.._.._etc_passwd.eml");
  EXPECT_EQ(MessageIdFileName("<a b/c\\d:e*f\n\0g>"), "a_b_c_d_e_f_.eml");
  EXPECT_EQ(MessageIdFileName(std::string("<a\0b>", 5)), "a_b.eml");
  EXPECT_EQ(MessageIdFileName("<jörg@x>"), "j__rg@x.eml");
}

TEST(MessageIdFileNameTest, NeverEmptyDotOrHidden) {
  for (std::string id : {"", "<>", ".", "..", "<.>", "<..>", "<.hidden@x>", "<", ">"}) {
    std::string name = MessageIdFileName(id);
    EXPECT_NE(name, ".") << id;
    EXPECT_NE(name, "..") << id;
    EXPECT_NE(name, ".eml") << id;
    EXPECT_NE(name.front(), '.') << id;
    EXPECT_TRUE(name.ends_with(".eml")) << id;
    EXPECT_GT(name.size(), 4u) << id;
  }
}

TEST(MessageIdFileNameTest, AtMost200CharactersAndOnlySafeOnes) {
  std::string hostile;
  for (int i = 0; i < 5000; ++i) hostile.push_back(static_cast<char>(i % 256));
  for (const std::string& id :
       {std::string(1000, 'a'), hostile, "<" + std::string(300, '/') + ">"}) {
    std::string name = MessageIdFileName(id);
    EXPECT_LE(name.size(), 200u);
    EXPECT_TRUE(name.ends_with(".eml"));
    for (char c : name) {
      bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '@' || c == '+' || c == '-';
      EXPECT_TRUE(safe) << static_cast<int>(c);
    }
  }
}

TEST(MessageIdFileNameTest, GeneratedIdsMapOneToOne) {
  std::string id = NewMessageId("example.com");
  EXPECT_EQ(MessageIdFileName(id), id.substr(1, id.size() - 2) + ".eml");
}

}  // namespace
}  // namespace mailmark
