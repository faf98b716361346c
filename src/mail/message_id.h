// Message-IDs: minting them and turning them into safe file names.
#pragma once

#include <string>
#include <string_view>

namespace mailmark {

// "<32 random hex chars@domain>", unguessable and unique (128 random bits).
std::string NewMessageId(std::string_view domain);

// The part of an address after its last '@', lower-cased; "localhost" when there is none.
std::string DomainOf(std::string_view email);

// A file name for a Message-ID: angle brackets stripped, every character outside
// [A-Za-z0-9._@+-] replaced by '_', ".eml" appended. Never empty, never "." or "..", never
// longer than 200 characters, never contains '/'.
std::string MessageIdFileName(std::string_view message_id);

}  // namespace mailmark
