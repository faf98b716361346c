// Round trip of the quoted-printable encoder (text bodies of every message sent): the output is
// well-formed RFC 2045 (lines of at most 76 characters, CRLF only, printable ASCII, '=' only
// in =XX or a soft break), and decoding it gives back the text with each LF as CRLF.
#include <string>

#include "fuzz_support.h"
#include "mail/quoted_printable.h"

using namespace mailmark;

namespace {

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // RFC 2045 encoders write upper case
}

// A strict decoder: anything but what the encoder may write aborts.
std::string Decode(std::string_view qp) {
  std::string out;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < qp.size();) {
    char c = qp[i];
    if (c == '\r') {
      FUZZ_CHECK(i + 1 < qp.size() && qp[i + 1] == '\n');
      FUZZ_CHECK(i - line_start <= 76);
      // A blank before a line break would be lost in transit.
      FUZZ_CHECK(i == line_start || (qp[i - 1] != ' ' && qp[i - 1] != '\t'));
      out += "\r\n";
      i += 2;
      line_start = i;
    } else if (c == '=') {
      FUZZ_CHECK(i + 2 < qp.size());
      if (qp.substr(i + 1, 2) == "\r\n") {  // soft break
        FUZZ_CHECK(i + 1 - line_start <= 76);
        i += 3;
        line_start = i;
        continue;
      }
      int hi = Hex(qp[i + 1]);
      int lo = Hex(qp[i + 2]);
      FUZZ_CHECK(hi >= 0 && lo >= 0);
      out += static_cast<char>(hi * 16 + lo);
      i += 3;
    } else {
      FUZZ_CHECK((c >= 33 && c <= 126) || c == ' ' || c == '\t');
      out += c;
      ++i;
    }
  }
  FUZZ_CHECK(qp.size() - line_start <= 76);
  FUZZ_CHECK(qp.empty() || (qp.back() != ' ' && qp.back() != '\t'));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::AsText(data, size);
  std::string encoded;
  AppendQuotedPrintable(text, encoded);
  // No "From " at a line start (mbox readers would mangle it).
  FUZZ_CHECK(!encoded.starts_with("From ") && encoded.find("\r\nFrom ") == std::string::npos);
  std::string expected;
  for (char c : text) {
    if (c == '\n') expected += '\r';
    expected += c;
  }
  FUZZ_CHECK(Decode(encoded) == expected);
  return 0;
}
