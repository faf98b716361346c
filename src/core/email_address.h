// Contact addresses: how they are normalised and what is accepted.
#pragma once

#include <string>
#include <string_view>

namespace mailmark {

// Trimmed and lower-cased, so "  Alice@ACME.com " and "alice@acme.com" are one contact.
std::string NormalizeEmail(std::string_view raw);

// A pragmatic check of addr-spec (dot-atom local part @ a domain of dot-separated labels),
// on a normalised address. Quoted local parts and IP literals are refused: sequences are
// sent to people, and such addresses are almost always typos or abuse.
bool IsValidEmail(std::string_view normalized);

}  // namespace mailmark
