// The two strict UTF-8 decoders (core/utf8 for validation, render/utf8 for the renderer's code
// points) and ValidUtf8 (mail/rfc2047) agree on every byte string.
#include <string>

#include "core/utf8.h"
#include "fuzz_support.h"
#include "mail/rfc2047.h"
#include "render/utf8.h"

using namespace mailmark;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::AsText(data, size);
  bool valid = true;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = Utf8SequenceLength(text, i);
    std::optional<Utf8Char> c = DecodeUtf8(text, i);
    FUZZ_CHECK(c.has_value() == (length != 0));
    if (!c) {
      valid = false;
      ++i;
      continue;
    }
    FUZZ_CHECK(c->length == length && length <= 4);
    FUZZ_CHECK(c->code_point <= 0x10FFFF && (c->code_point < 0xD800 || c->code_point > 0xDFFF));
    i += length;
  }
  FUZZ_CHECK(IsValidUtf8(text) == valid);
  FUZZ_CHECK((ValidUtf8(text) == text) == valid);
  return 0;
}
