#include "mail/idn_address.h"

#include <algorithm>
#include <memory>

#include <idn2.h>

namespace mailmark {

std::string WithAsciiDomain(std::string_view address) {
  std::size_t at = address.rfind('@');
  if (at == std::string_view::npos) return std::string(address);
  std::string domain(address.substr(at + 1));
  bool ascii = std::all_of(domain.begin(), domain.end(),
                           [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) return std::string(address);
  char* converted = nullptr;
  // Flags 0, as GMime used: plain IDNA2008 lookup rules.
  if (idn2_to_ascii_8z(domain.c_str(), &converted, 0) != IDN2_OK) return std::string(address);
  std::unique_ptr<char, decltype(&idn2_free)> owned(converted, &idn2_free);
  return std::string(address.substr(0, at + 1)) + owned.get();
}

}  // namespace mailmark
