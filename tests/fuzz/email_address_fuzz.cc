// Contact and sender addresses (API bodies, CSV rows): normalisation, validation, and the
// punycode domain of header addresses. A valid address is safe to put in a header and an SMTP
// command as is.
#include <string>

#include "core/email_address.h"
#include "core/enrollment_rules.h"
#include "fuzz_support.h"
#include "mail/idn_address.h"

using namespace mailmark;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view raw = fuzz::AsText(data, size);
  std::string email = NormalizeEmail(raw);
  FUZZ_CHECK(NormalizeEmail(email) == email);

  bool valid = IsValidEmail(email);
  Result<std::string> checked = CheckContactEmail(raw);
  FUZZ_CHECK(checked.ok() == valid);
  if (checked) FUZZ_CHECK(*checked == email);
  if (valid) {
    FUZZ_CHECK(email.size() <= 254);
    // Nothing that would end a header, an SMTP command or an address list.
    FUZZ_CHECK(email.find_first_of(std::string_view(" \t\r\n\0,;<>\"()[]\\:", 17)) ==
               std::string::npos);
    FUZZ_CHECK(email.find('@') != std::string::npos);
  }

  std::string ascii = WithAsciiDomain(email);
  std::size_t at = email.rfind('@');
  if (at == std::string::npos) {
    FUZZ_CHECK(ascii == email);
  } else {
    // The local part is never touched; a converted domain is ASCII.
    FUZZ_CHECK(ascii.compare(0, at + 1, email, 0, at + 1) == 0);
    if (ascii != email) {
      for (std::size_t i = at + 1; i < ascii.size(); ++i) {
        FUZZ_CHECK(static_cast<unsigned char>(ascii[i]) < 0x80);
      }
    }
  }
  return 0;
}
