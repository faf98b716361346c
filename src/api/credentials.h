// Secrets: API/session tokens and password hashes (libsodium). Shared with the CLI, which
// prints new tokens and hashes passwords for `mailmark user create`.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace mailmark {

// "mm_" + 43 URL-safe base64 characters (32 random bytes): what `token create` prints.
std::string NewToken();

// Hex BLAKE2b (crypto_generichash) of a token: what the store keeps. Tokens carry 256 bits of
// entropy, so a fast unsalted hash is enough; passwords use HashPassword instead.
std::string HashToken(std::string_view token);

// argon2id (crypto_pwhash_str) with the interactive limits. Fails only when out of memory.
Result<std::string> HashPassword(std::string_view password);

// Constant-time check of `password` against a HashPassword string; false for an empty or
// malformed hash.
bool VerifyPassword(std::string_view hash, std::string_view password);

}  // namespace mailmark
