#include "api/unsubscribe_page.h"

#include "render/text_escape.h"

namespace mailmark {
namespace {

constexpr std::string_view kStyle =
    "body{margin:0;background:#f4f5f7;color:#1f2328;"
    "font:16px/1.5 -apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,"
    "sans-serif}"
    "main{max-width:28rem;margin:12vh auto;padding:2rem;background:#fff;border-radius:12px;"
    "box-shadow:0 1px 3px rgba(0,0,0,.12)}"
    "h1{font-size:1.4rem;margin:0 0 1rem}p{margin:0 0 1rem}"
    "b{word-break:break-all}"
    "button{font:inherit;font-weight:600;color:#fff;background:#c62828;border:0;"
    "border-radius:8px;padding:.7rem 1.4rem;cursor:pointer}"
    "button:hover,button:focus{background:#a31f1f}"
    ".muted{color:#656d76;font-size:.9rem;margin:1.5rem 0 0}";

std::string Escaped(std::string_view text) {
  std::string out;
  AppendHtmlEscaped(out, text);
  return out;
}

// `body` is markup made from escaped values only.
std::string Page(std::string_view title, std::string_view body) {
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<meta name=\"robots\" content=\"noindex,nofollow\">"
      "<meta name=\"referrer\" content=\"no-referrer\"><title>";
  AppendHtmlEscaped(html, title);
  html += "</title><style>";
  html += kStyle;
  html += "</style></head><body><main><h1>";
  AppendHtmlEscaped(html, title);
  html += "</h1>";
  html += body;
  html += "</main></body></html>\n";
  return html;
}

std::string FromSender(std::string_view sender) {
  return sender.empty() ? std::string() : " from <b>" + Escaped(sender) + "</b>";
}

// The length of the UTF-8 sequence `lead` starts (1 for anything that is not a lead byte).
std::size_t SequenceLength(unsigned char lead) {
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  return 1;
}

}  // namespace

std::string MaskAddress(std::string_view email) {
  std::size_t at = email.rfind('@');
  std::string_view local = at == std::string_view::npos ? email : email.substr(0, at);
  std::string_view domain = at == std::string_view::npos ? "" : email.substr(at);
  std::string out;
  if (!local.empty()) {
    std::size_t n = SequenceLength(static_cast<unsigned char>(local[0]));
    out.append(local.substr(0, n < local.size() ? n : local.size()));
  }
  out += "***";
  out.append(domain);
  return out;
}

std::string ConfirmPage(std::string_view masked_email, std::string_view sender) {
  return Page("Unsubscribe?",
              "<p>Stop emails to <b>" + Escaped(masked_email) + "</b>" + FromSender(sender) +
                  "?</p>"
                  "<form method=\"post\">"
                  "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
                  "<button type=\"submit\">Unsubscribe</button></form>"
                  "<p class=\"muted\">Nothing changes until you press the button.</p>");
}

std::string UnsubscribedPage(std::string_view masked_email, std::string_view sender) {
  return Page("You are unsubscribed",
              "<p><b>" + Escaped(masked_email) + "</b> will get no more emails" +
                  FromSender(sender) + ".</p>" + "<p class=\"muted\">You can close this page.</p>");
}

std::string InvalidLinkPage() {
  return Page("This link is not valid",
              "<p>This unsubscribe link is incomplete, was changed, or is no longer in use.</p>"
              "<p class=\"muted\">Open the link from the email again, copying all of it, or "
              "reply to the email and ask to be removed.</p>");
}

std::string FailurePage() {
  return Page("Something went wrong",
              "<p>We could not handle your request just now, and nothing was changed.</p>"
              "<p class=\"muted\">Please try again in a few minutes.</p>");
}

}  // namespace mailmark
