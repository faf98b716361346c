// The pages a contact sees at an unsubscribe link (/u/{token}): small, self-contained HTML
// (inline style, no scripts, no external resources), every value escaped.
#pragma once

#include <string>
#include <string_view>

namespace mailmark {

// "alice@acme.com" → "a***@acme.com": enough for the contact to recognise the address, too
// little for whoever else holds the link to learn it. The first character is kept whole even
// when it is a multi-byte UTF-8 sequence.
std::string MaskAddress(std::string_view email);

// GET: asks before unsubscribing (a link scanner's GET must change nothing). The form posts
// `List-Unsubscribe=One-Click` to the page's own URL, exactly as an RFC 8058 client would.
std::string ConfirmPage(std::string_view masked_email, std::string_view sender);
// After the POST, or a GET once the address is unsubscribed.
std::string UnsubscribedPage(std::string_view masked_email, std::string_view sender);
// A token that does not verify, or names nothing any more.
std::string InvalidLinkPage();
// The store failed: nothing was changed, trying again later may work.
std::string FailurePage();

}  // namespace mailmark
