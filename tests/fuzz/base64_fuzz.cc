// Round trip of the base64 body encoder (html parts and attachments of every message sent):
// lines of 76 characters joined by CRLF, the size Base64LinesSize announces, and libsodium's
// strict decoder gives back the bytes.
#include <sodium.h>

#include <string>

#include "fuzz_support.h"
#include "mail/base64.h"

using namespace mailmark;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes = fuzz::AsText(data, size);
  std::string encoded = "prefix";  // appended to, not replaced
  AppendBase64Lines(bytes, encoded);
  FUZZ_CHECK(encoded.starts_with("prefix"));
  std::string_view lines = std::string_view(encoded).substr(6);
  FUZZ_CHECK(lines.size() == Base64LinesSize(size));

  std::string joined;
  for (std::size_t start = 0; start < lines.size();) {
    std::size_t end = lines.find("\r\n", start);
    std::string_view line = lines.substr(start, end == std::string_view::npos ? end : end - start);
    FUZZ_CHECK(!line.empty() && line.size() <= 76);
    // Every line but the last is full.
    if (end != std::string_view::npos) FUZZ_CHECK(line.size() == 76);
    joined.append(line);
    start = end == std::string_view::npos ? lines.size() : end + 2;
  }
  FUZZ_CHECK(!lines.ends_with("\r\n"));

  std::string decoded(size, '\0');
  std::size_t length = 0;
  const char* end = nullptr;
  FUZZ_CHECK(sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(),
                               joined.data(), joined.size(), nullptr, &length, &end,
                               sodium_base64_VARIANT_ORIGINAL) == 0);
  FUZZ_CHECK(end == joined.data() + joined.size());
  decoded.resize(length);
  FUZZ_CHECK(decoded == bytes);
  return 0;
}
