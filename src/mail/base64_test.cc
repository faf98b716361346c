#include "mail/base64.h"

#include <random>
#include <string>

#include <gmime/gmime.h>
#include <gtest/gtest.h>

#include "mail/gmime_runtime.h"

namespace mailmark {
namespace {

std::string Encode(std::string_view bytes) {
  std::string out;
  AppendBase64Lines(bytes, out);
  return out;
}

std::string DecodeWithGMime(std::string_view encoded) {
  EnsureGMimeInitialized();
  GMimeEncoding state;
  g_mime_encoding_init_decode(&state, GMIME_CONTENT_ENCODING_BASE64);
  std::string out(g_mime_encoding_outlen(&state, encoded.size()) + 16, '\0');
  std::size_t n = g_mime_encoding_step(&state, encoded.data(), encoded.size(), out.data());
  n += g_mime_encoding_flush(&state, "", 0, out.data() + n);
  out.resize(n);
  return out;
}

TEST(Base64Test, Rfc4648Vectors) {
  EXPECT_EQ(Encode(""), "");
  EXPECT_EQ(Encode("f"), "Zg==");
  EXPECT_EQ(Encode("fo"), "Zm8=");
  EXPECT_EQ(Encode("foo"), "Zm9v");
  EXPECT_EQ(Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Encode(std::string("\xFF\xFE\x00", 3)), "//4A");
}

TEST(Base64Test, LinesHold76Characters) {
  EXPECT_EQ(Encode(std::string(57, 'a')).size(), 76u);  // one full line, no line break
  std::string two = Encode(std::string(58, 'a'));
  EXPECT_EQ(two.find("\r\n"), 76u);
  EXPECT_EQ(two.substr(78), "YQ==");
  std::string three = Encode(std::string(57 * 3, 'a'));
  EXPECT_EQ(three.size(), 76u * 3 + 4);
  EXPECT_FALSE(three.ends_with("\r\n"));
}

TEST(Base64Test, RandomBytesRoundTripThroughGMime) {
  std::mt19937 rng(11);
  for (int round = 0; round < 500; ++round) {
    std::string bytes(rng() % 2000, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    std::string encoded = Encode(bytes);
    EXPECT_EQ(encoded.size(), Base64LinesSize(bytes.size()));
    std::size_t start = 0;
    for (std::size_t end; (end = encoded.find("\r\n", start)) != std::string::npos;
         start = end + 2) {
      ASSERT_EQ(end - start, 76u);
    }
    ASSERT_LE(encoded.size() - start, 76u);
    ASSERT_EQ(DecodeWithGMime(encoded), bytes);
  }
}

}  // namespace
}  // namespace mailmark
