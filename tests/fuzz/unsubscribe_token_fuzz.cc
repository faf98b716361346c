// Unsubscribe tokens (/u/<token>, anyone on the internet): only a token this key signed opens,
// and only in the one spelling MakeUnsubscribeToken writes.
//
// Input: the token text. Its bytes also serve as an enrollment id to round-trip, and the first
// byte picks one character of that id's token to change.
#include <string>

#include "core/unsubscribe_token.h"
#include "fuzz_support.h"

using namespace mailmark;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string key(32, 'k');
  std::string_view text = fuzz::AsText(data, size);
  if (std::optional<Id> id = VerifyUnsubscribeToken(key, text)) {
    FUZZ_CHECK(MakeUnsubscribeToken(key, *id) == text);
  }
  FUZZ_CHECK(!VerifyUnsubscribeToken("", text));

  Id id(text.substr(0, 128));
  if (id.empty()) return 0;
  std::string token = MakeUnsubscribeToken(key, id);
  // It goes in a URL path as is.
  FUZZ_CHECK(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                     "0123456789-_.") == std::string::npos);
  FUZZ_CHECK(VerifyUnsubscribeToken(key, token) == id);
  FUZZ_CHECK(!VerifyUnsubscribeToken(std::string(32, 'x'), token));
  std::string changed = token;
  std::size_t at = data[0] % changed.size();
  changed[at] = changed[at] == 'A' ? 'B' : 'A';
  FUZZ_CHECK(!VerifyUnsubscribeToken(key, changed));
  return 0;
}
