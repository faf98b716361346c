// Internationalised domains in header addresses, as GMime wrote them before the builder
// stopped using it: a reader without SMTPUTF8 can only take an ASCII (punycode) domain.
#pragma once

#include <string>
#include <string_view>

namespace mailmark {

// `address` with the domain after its last '@' in IDNA2008 ASCII form ("xn--...") when that
// domain holds non-ASCII; unchanged when it does not, or cannot be converted. The local part
// is never touched: it has no ASCII form.
std::string WithAsciiDomain(std::string_view address);

}  // namespace mailmark
