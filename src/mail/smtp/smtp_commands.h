// The bytes Mailmark writes to an SMTP server, built without I/O: envelope commands with the
// parameters the server's extensions call for, the dot-stuffed message content, AUTH.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/model.h"
#include "core/result.h"
#include "mail/smtp/smtp_extensions.h"

namespace mailmark {

// CR, LF or NUL in an envelope address would let a message inject SMTP commands.
bool SafeEnvelopeAddress(std::string_view address);

// Host, port and EHLO name must be usable as they are: no spaces, controls or URL parts.
Status CheckSmtpEndpoint(const SmtpSettings& settings, std::string_view helo_name);

// "MAIL FROM:<from> SIZE=n BODY=8BITMIME SMTPUTF8\r\n", each parameter only when the server
// offers it and the message needs it (SIZE always when offered: the server can refuse early).
void AppendMailFrom(std::string& out, std::string_view from, std::string_view recipient,
                    std::string_view raw, const SmtpExtensions& ext);
void AppendRcptTo(std::string& out, std::string_view recipient);

// The message as DATA content (RFC 5321 4.5.2): a '.' doubled at every line start, a final
// CRLF if the message lacks one, then the "." line that ends it.
void AppendDataContent(std::string& out, std::string_view raw);

// Base64 on one line, for AUTH.
std::string Base64Line(std::string_view bytes);
// "AUTH PLAIN <base64 of \0user\0password>\r\n" (RFC 4616).
std::string AuthPlainCommand(std::string_view user, std::string_view password);

}  // namespace mailmark
