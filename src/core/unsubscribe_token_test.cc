#include "core/unsubscribe_token.h"

#include <set>

#include <gtest/gtest.h>

namespace mailmark {
namespace {

const std::string kKey(32, '\x42');
const std::string kOtherKey(32, '\x43');

bool UrlSafe(std::string_view s) {
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

TEST(UnsubscribeToken, RoundTrips) {
  for (const Id& id :
       {Id("enr_0123456789abcdef0123"), Id("x"), Id("enr_\xc3\xa9\x01 weird/+="), Id(128, 'z')}) {
    std::string token = MakeUnsubscribeToken(kKey, id);
    EXPECT_TRUE(UrlSafe(token)) << token;
    EXPECT_EQ(token.find('='), std::string::npos);
    EXPECT_EQ(VerifyUnsubscribeToken(kKey, token), id) << token;
    EXPECT_EQ(MakeUnsubscribeToken(kKey, id), token) << "deterministic";
  }
}

TEST(UnsubscribeToken, DiffersPerEnrollmentAndKey) {
  std::set<std::string> seen;
  seen.insert(MakeUnsubscribeToken(kKey, "enr_a"));
  seen.insert(MakeUnsubscribeToken(kKey, "enr_b"));
  seen.insert(MakeUnsubscribeToken(kOtherKey, "enr_a"));
  EXPECT_EQ(seen.size(), 3u);
}

TEST(UnsubscribeToken, ShapeIsIdDotMac) {
  std::string token = MakeUnsubscribeToken(kKey, "enr_0123456789abcdef0123");
  std::size_t dot = token.find('.');
  ASSERT_NE(dot, std::string::npos);
  EXPECT_EQ(token.substr(0, dot), "ZW5yXzAxMjM0NTY3ODlhYmNkZWYwMTIz");
  EXPECT_EQ(token.size() - dot - 1, 43u);  // 32 bytes, unpadded
}

TEST(UnsubscribeToken, AnotherKeyIsRefused) {
  std::string token = MakeUnsubscribeToken(kKey, "enr_1");
  EXPECT_FALSE(VerifyUnsubscribeToken(kOtherKey, token));
  EXPECT_FALSE(VerifyUnsubscribeToken(kKey.substr(0, 31), token));
  EXPECT_FALSE(VerifyUnsubscribeToken("", token));
  // An empty key never verifies, even a token made with it.
  EXPECT_FALSE(VerifyUnsubscribeToken("", MakeUnsubscribeToken("", "enr_1")));
}

TEST(UnsubscribeToken, TamperedTokensAreRefused) {
  const Id id = "enr_0123456789abcdef0123";
  std::string token = MakeUnsubscribeToken(kKey, id);
  std::size_t dot = token.find('.');
  // Every single-character change, anywhere, is refused.
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
  for (std::size_t i = 0; i < token.size(); ++i) {
    for (char c : alphabet) {
      if (c == token[i]) continue;
      std::string t = token;
      t[i] = c;
      auto got = VerifyUnsubscribeToken(kKey, t);
      EXPECT_FALSE(got) << t;
    }
  }
  // The id of another enrollment with this one's MAC.
  std::string other = MakeUnsubscribeToken(kKey, "enr_other");
  EXPECT_FALSE(VerifyUnsubscribeToken(kKey, other.substr(0, other.find('.')) + token.substr(dot)));
  // Truncated, extended, padded, split differently.
  EXPECT_FALSE(VerifyUnsubscribeToken(kKey, token.substr(0, token.size() - 1)));
  EXPECT_FALSE(VerifyUnsubscribeToken(kKey, token + "A"));
  EXPECT_FALSE(VerifyUnsubscribeToken(kKey, token + "="));
  EXPECT_FALSE(VerifyUnsubscribeToken(kKey, token + "."));
  EXPECT_FALSE(VerifyUnsubscribeToken(kKey, token.substr(0, dot)));
  EXPECT_FALSE(VerifyUnsubscribeToken(kKey, token.substr(dot)));
  EXPECT_FALSE(VerifyUnsubscribeToken(kKey, token.substr(0, dot + 1)));
  EXPECT_FALSE(VerifyUnsubscribeToken(kKey, " " + token));
  EXPECT_FALSE(VerifyUnsubscribeToken(kKey, token + "\n"));
  EXPECT_FALSE(VerifyUnsubscribeToken(kKey, std::string(token) + std::string(1, '\0')));
}

TEST(UnsubscribeToken, GarbageIsRefused) {
  for (std::string_view t :
       {"", ".", "..", "a.b", "enr_1", "enr_1.", ".abc", "!!!.???", "ZW5yXzE", "ZW5yXzE.",
        "ZW5yXzE.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "%2e%2e", "ZW5y=Xz.E"}) {
    EXPECT_FALSE(VerifyUnsubscribeToken(kKey, t)) << t;
  }
  std::string binary;
  for (int c = 0; c < 256; ++c) binary += static_cast<char>(c);
  EXPECT_FALSE(VerifyUnsubscribeToken(kKey, binary));
}

TEST(UnsubscribeToken, OverlongIsRefused) {
  // A correctly signed but absurdly long id is refused before it is decoded.
  std::string long_token = MakeUnsubscribeToken(kKey, Id(4096, 'a'));
  EXPECT_FALSE(VerifyUnsubscribeToken(kKey, long_token));
  EXPECT_FALSE(VerifyUnsubscribeToken(kKey, std::string(1 << 20, 'A') + ".x"));
  EXPECT_FALSE(VerifyUnsubscribeToken(kKey, "A." + std::string(1 << 20, 'A')));
}

TEST(UnsubscribeLinks, UrlAndMailto) {
  UnsubscribeLinks l =
      MakeUnsubscribeLinks(kKey, "https://mm.example.com", "enr_1", "ann@example.com");
  EXPECT_EQ(l.url, "https://mm.example.com/u/" + MakeUnsubscribeToken(kKey, "enr_1"));
  EXPECT_EQ(l.mailto, "mailto:ann@example.com?subject=unsubscribe");
  // A trailing slash (or several) and a path prefix.
  EXPECT_EQ(MakeUnsubscribeLinks(kKey, "https://x.io/mm//", "enr_1", "a@x.io").url,
            "https://x.io/mm/u/" + MakeUnsubscribeToken(kKey, "enr_1"));
  // Characters a mailto addr-spec may not hold are percent-encoded (RFC 6068).
  EXPECT_EQ(MakeUnsubscribeLinks(kKey, "", "enr_1", "a%b?c#d&e=f>g@x.io").mailto,
            "mailto:a%25b%3Fc%23d%26e%3Df%3Eg@x.io?subject=unsubscribe");
  EXPECT_EQ(MakeUnsubscribeLinks(kKey, "", "enr_1", "o'neil+tag@x.io").mailto,
            "mailto:o'neil+tag@x.io?subject=unsubscribe");
}

}  // namespace
}  // namespace mailmark
