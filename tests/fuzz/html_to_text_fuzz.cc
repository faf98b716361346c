// Html bodies: the step html a user writes (its text alternative) and the html-only replies
// the inbound parser reads.
#include <string>

#include "core/utf8.h"
#include "fuzz_support.h"
#include "mail/html_to_text.h"

using namespace mailmark;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view html = fuzz::AsText(data, size);
  std::string text = HtmlToText(html);
  // At most one blank line in a row, none around the text.
  FUZZ_CHECK(text.find("\n\n\n") == std::string::npos);
  FUZZ_CHECK(text.empty() || (text.front() != '\n' && text.back() != '\n'));
  if (IsValidUtf8(html)) FUZZ_CHECK(IsValidUtf8(text));

  std::string decoded = DecodeHtmlEntities(html);
  if (html.find('&') == std::string_view::npos) FUZZ_CHECK(decoded == html);
  return 0;
}
