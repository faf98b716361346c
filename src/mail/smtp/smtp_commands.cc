#include "mail/smtp/smtp_commands.h"

#include <algorithm>

#include "mail/base64.h"

namespace mailmark {
namespace {

bool HasEightBit(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) > 127; });
}

}  // namespace

bool SafeEnvelopeAddress(std::string_view address) {
  return address.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

Status CheckSmtpEndpoint(const SmtpSettings& settings, std::string_view helo_name) {
  constexpr std::string_view kForbidden("/?#@\\ \t\r\n[]%\0", 14);
  const std::string& host = settings.host;
  if (host.empty() || host.find_first_of(kForbidden) != std::string::npos || HasEightBit(host)) {
    return MakeError(ErrorKind::kInvalid, "invalid_smtp_host", "invalid SMTP host: " + host);
  }
  if (helo_name.find_first_of(kForbidden) != std::string_view::npos || HasEightBit(helo_name)) {
    return MakeError(ErrorKind::kInvalid, "invalid_helo_name",
                     "invalid EHLO name: " + std::string(helo_name));
  }
  if (settings.port < 1 || settings.port > 65535) {
    return MakeError(ErrorKind::kInvalid, "invalid_smtp_port",
                     "invalid SMTP port: " + std::to_string(settings.port));
  }
  return Ok{};
}

void AppendMailFrom(std::string& out, std::string_view from, std::string_view recipient,
                    std::string_view raw, const SmtpExtensions& ext) {
  out.append("MAIL FROM:<").append(from).append(">");
  if (ext.size_offered) out.append(" SIZE=").append(std::to_string(raw.size()));
  if (ext.eight_bit_mime && HasEightBit(raw)) out.append(" BODY=8BITMIME");
  if (ext.smtputf8 && (HasEightBit(from) || HasEightBit(recipient))) out.append(" SMTPUTF8");
  out.append("\r\n");
}

void AppendRcptTo(std::string& out, std::string_view recipient) {
  out.append("RCPT TO:<").append(recipient).append(">\r\n");
}

void AppendDataContent(std::string& out, std::string_view raw) {
  out.reserve(out.size() + raw.size() + raw.size() / 32 + 8);
  bool line_start = true;
  std::size_t from = 0;
  // Copies runs between line starts; only a '.' right after a line feed needs doubling.
  while (from < raw.size()) {
    if (line_start && raw[from] == '.') out.push_back('.');
    std::size_t lf = raw.find('\n', from);
    std::size_t end = lf == std::string_view::npos ? raw.size() : lf + 1;
    out.append(raw.substr(from, end - from));
    line_start = lf != std::string_view::npos;
    from = end;
  }
  if (!raw.empty() && !raw.ends_with("\r\n")) {
    if (raw.back() == '\r') {
      out.push_back('\n');
    } else {
      out.append("\r\n");
    }
  }
  out.append(".\r\n");
}

std::string Base64Line(std::string_view bytes) {
  std::string out;
  AppendBase64Lines(bytes, out);
  std::erase(out, '\r');
  std::erase(out, '\n');
  return out;
}

std::string AuthPlainCommand(std::string_view user, std::string_view password) {
  std::string credentials;
  credentials.push_back('\0');
  credentials.append(user);
  credentials.push_back('\0');
  credentials.append(password);
  return "AUTH PLAIN " + Base64Line(credentials) + "\r\n";
}

}  // namespace mailmark
