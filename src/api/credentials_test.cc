#include "api/credentials.h"

#include <set>

#include <gtest/gtest.h>

namespace mailmark {
namespace {

TEST(CredentialsTest, TokensAreUrlSafeAndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string t = NewToken();
    ASSERT_EQ(t.size(), 3u + 43u) << t;
    EXPECT_EQ(t.substr(0, 3), "mm_");
    for (char c : t.substr(3)) {
      EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << t;
    }
    EXPECT_TRUE(seen.insert(t).second);
  }
}

TEST(CredentialsTest, HashTokenIsStableHexAndDistinct) {
  std::string a = HashToken("mm_abc");
  EXPECT_EQ(a, HashToken("mm_abc"));
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, HashToken("mm_abd"));
  EXPECT_NE(HashToken(""), a);
  // Known BLAKE2b-256 of the empty input.
  EXPECT_EQ(HashToken(""), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
}

TEST(CredentialsTest, PasswordsHashAndVerify) {
  Result<std::string> hash = HashPassword("correct horse");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horsE"));
  EXPECT_FALSE(VerifyPassword(*hash, ""));
  Result<std::string> again = HashPassword("correct horse");
  ASSERT_TRUE(again.ok());
  EXPECT_NE(*hash, *again) << "salted";
}

TEST(CredentialsTest, VerifyRejectsGarbageHashes) {
  EXPECT_FALSE(VerifyPassword("", "x"));
  EXPECT_FALSE(VerifyPassword("not a hash", "x"));
  EXPECT_FALSE(VerifyPassword(std::string(1000, '$'), "x"));
  EXPECT_FALSE(VerifyPassword(std::string("$argon2id$\0zz", 13), "x"));
}

TEST(CredentialsTest, EmptyPasswordStillHashes) {
  Result<std::string> hash = HashPassword("");
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(VerifyPassword(*hash, ""));
  EXPECT_FALSE(VerifyPassword(*hash, " "));
}

}  // namespace
}  // namespace mailmark
