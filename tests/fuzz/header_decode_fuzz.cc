// RFC 2047 decoding of header text (Subject, display names) from any sender: total, UTF-8
// out, one line.
#include "core/utf8.h"
#include "fuzz_support.h"
#include "inbound/header_decode.h"

using namespace mailmark;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view raw = fuzz::AsText(data, size);
  std::string unfolded = inbound::UnfoldHeader(raw);
  FUZZ_CHECK(unfolded.find_first_of("\r\n") == std::string::npos);
  FUZZ_CHECK(unfolded.size() <= raw.size());

  std::string text = inbound::DecodeHeaderText(raw);
  FUZZ_CHECK(IsValidUtf8(text));
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    FUZZ_CHECK(u >= 0x20 && u != 0x7F);
  }
  // Decoding a decoded text again changes nothing unless it still holds encoded-words.
  if (text.find("=?") == std::string::npos && text == inbound::UnfoldHeader(text)) {
    FUZZ_CHECK(inbound::DecodeHeaderText(text) == text);
  }
  return 0;
}
