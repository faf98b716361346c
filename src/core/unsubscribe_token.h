// Unsubscribe links (RFC 8058 one-click, RFC 2369 List-Unsubscribe): signed, unguessable
// tokens that name one enrollment, so a link works without a login and cannot be forged or
// pointed at another contact.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/model.h"

namespace mailmark {

// "<base64url(id)>.<base64url(HMAC-SHA-256(key, "mailmark-unsubscribe-v1:" + id))>", URL-safe
// without padding. `secret_key` is the server's "unsubscribe" secret (32 random bytes).
std::string MakeUnsubscribeToken(std::string_view secret_key, const Id& enrollment_id);

// The enrollment id, or nullopt when the token is malformed, not in canonical form, too long,
// or was signed with another key (or the key is empty). The MAC check is constant-time.
std::optional<Id> VerifyUnsubscribeToken(std::string_view secret_key, std::string_view token);

struct UnsubscribeLinks {
  std::string url;     // <public_url>/u/<token>: a page (GET) and RFC 8058 one-click (POST)
  std::string mailto;  // mailto:<from_email>?subject=unsubscribe (RFC 2369, RFC 6068)
};

// Both List-Unsubscribe targets for one enrollment. A trailing '/' of `public_url` is
// ignored; characters of the address that a mailto URI may not hold are percent-encoded.
UnsubscribeLinks MakeUnsubscribeLinks(std::string_view secret_key, std::string_view public_url,
                                      const Id& enrollment_id, std::string_view mailbox_from_email);

}  // namespace mailmark
