#include "core/secret_box.h"

#include <gtest/gtest.h>

namespace mailmark {
namespace {

TEST(SecretBox, SealsAndOpensUnderTheSameKeyOnly) {
  SecretBox box = SecretBox::Generate();
  std::string sealed = box.Seal("app-password");
  EXPECT_TRUE(SecretBox::IsSealed(sealed));
  EXPECT_EQ(sealed.find("app-password"), std::string::npos);
  EXPECT_EQ(box.Open(sealed), "app-password");
  EXPECT_NE(box.Seal("app-password"), sealed) << "a fresh nonce each time";
  EXPECT_EQ(box.Open(box.Seal("")), "");
  EXPECT_FALSE(SecretBox::Generate().Open(sealed)) << "another key opens nothing";
}

TEST(SecretBox, DetectsEveryAlteration) {
  SecretBox box = SecretBox::Generate();
  std::string sealed = box.Seal("a longer secret, so the ciphertext has some body");
  for (std::size_t i = 4; i < sealed.size(); ++i) {
    std::string altered = sealed;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(box.Open(altered)) << "altered at " << i;
  }
  EXPECT_FALSE(box.Open(sealed.substr(0, sealed.size() - 1)));
  EXPECT_FALSE(box.Open(sealed + "A"));
  EXPECT_FALSE(box.Open("sb1:"));
  EXPECT_FALSE(box.Open("sb1:not base64!"));
  EXPECT_FALSE(box.Open("app-password")) << "a clear value is not sealed";
  EXPECT_FALSE(SecretBox::IsSealed("app-password"));
}

TEST(SecretBox, KeysFromHexAndBytes) {
  SecretBox box = SecretBox::Generate();
  std::string hex = box.Hex();
  EXPECT_EQ(hex.size(), 64u);
  auto again = SecretBox::FromHex(hex);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->Open(box.Seal("x")), "x");
  EXPECT_FALSE(SecretBox::FromHex(hex.substr(1)));
  EXPECT_FALSE(SecretBox::FromHex(hex + "0"));
  EXPECT_FALSE(SecretBox::FromHex(std::string(63, '0') + "g"));
  EXPECT_EQ(SecretBox::FromHex(hex.substr(2)).error().code, "invalid_secret_key");
  auto bytes = SecretBox::FromBytes(std::string(32, '\x07'));
  ASSERT_TRUE(bytes);
  std::string sevens;
  for (int i = 0; i < 32; ++i) sevens += "07";
  EXPECT_EQ(bytes->Hex(), sevens);
  EXPECT_FALSE(SecretBox::FromBytes(std::string(31, 'k')));
}

}  // namespace
}  // namespace mailmark
