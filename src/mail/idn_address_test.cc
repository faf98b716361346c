#include "mail/idn_address.h"

#include <gtest/gtest.h>

namespace mailmark {
namespace {

TEST(IdnAddressTest, NonAsciiDomainsBecomePunycode) {
  EXPECT_EQ(WithAsciiDomain("jörg@bücher.test"), "jörg@xn--bcher-kva.test");
  EXPECT_EQ(WithAsciiDomain("a@b@münchen.example"), "a@b@xn--mnchen-3ya.example");
}

TEST(IdnAddressTest, OtherAddressesStayAsGiven) {
  EXPECT_EQ(WithAsciiDomain("ann@example.com"), "ann@example.com");
  EXPECT_EQ(WithAsciiDomain("zoë@example.org"), "zoë@example.org");
  EXPECT_EQ(WithAsciiDomain("no-at-sign-ü"), "no-at-sign-ü");
  EXPECT_EQ(WithAsciiDomain(""), "");
  EXPECT_EQ(WithAsciiDomain("a@bad\xFF.test"), "a@bad\xFF.test");  // not UTF-8: no conversion
}

}  // namespace
}  // namespace mailmark
