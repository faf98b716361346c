// What a server offers in its EHLO reply (RFC 5321 4.1.1.1 and the extensions Mailmark uses).
#pragma once

#include <cstdint>
#include <string_view>

namespace mailmark {

struct SmtpExtensions {
  bool pipelining = false;      // RFC 2920: MAIL, RCPT and DATA in one write
  bool starttls = false;        // RFC 3207
  bool smtputf8 = false;        // RFC 6531: UTF-8 addresses
  bool eight_bit_mime = false;  // RFC 6152
  std::uint64_t size = 0;       // RFC 1870: SIZE offered (0: no limit given or not offered)
  bool size_offered = false;
  bool auth_plain = false;  // RFC 4616
  bool auth_login = false;  // the de facto LOGIN mechanism
};

// `reply_text` is a whole EHLO reply as SmtpReply::text ("250-host\n250-PIPELINING\n250 SIZE 1").
// Keywords are case-insensitive; the first line (the server's name) is not a keyword.
SmtpExtensions ParseEhloReply(std::string_view reply_text);

}  // namespace mailmark
