#include "core/email_address.h"

#include <gtest/gtest.h>

namespace mailmark {
namespace {

TEST(EmailAddress, NormalisesCaseAndSpace) {
  EXPECT_EQ(NormalizeEmail("  Alice@ACME.com\t"), "alice@acme.com");
  EXPECT_EQ(NormalizeEmail("alice@acme.com"), "alice@acme.com");
  EXPECT_EQ(NormalizeEmail(""), "");
  EXPECT_EQ(NormalizeEmail("   "), "");
}

TEST(EmailAddress, AcceptsOrdinaryAddresses) {
  for (const char* a : {"alice@acme.com", "a.b+tag@sub.example.co.uk", "x_y-z@a-b.io",
                        "o'neil@example.ie", "1@2.de", "j\xc3\xb6rg@m\xc3\xbcller.de"}) {
    EXPECT_TRUE(IsValidEmail(a)) << a;
  }
}

TEST(EmailAddress, RefusesMalformedAddresses) {
  for (const char* a :
       {"", "alice", "@acme.com", "alice@", "alice@acme", "alice@@acme.com", ".alice@acme.com",
        "alice.@acme.com", "al..ice@acme.com", "alice@-acme.com", "alice@acme-.com",
        "alice@acme..com", "ali ce@acme.com", "alice@ac me.com", "\"q\"@acme.com",
        "alice@[127.0.0.1]", "alice@acme.com\r\nBcc: x@y.z", "a<b>@acme.com"}) {
    EXPECT_FALSE(IsValidEmail(a)) << a;
  }
  EXPECT_FALSE(IsValidEmail(std::string(65, 'a') + "@acme.com"));
  EXPECT_FALSE(IsValidEmail("a@" + std::string(250, 'b') + ".com"));
}

}  // namespace
}  // namespace mailmark
