#include "render/merge_fields.h"

#include <algorithm>
#include <set>
#include <utility>

#include "render/template_scanner.h"
#include "render/text_escape.h"

namespace mailmark {

namespace {

// The value a key resolves to, before any fallback; nullopt when no source holds it.
std::optional<std::string_view> Lookup(std::string_view key, const MergeFields& fields,
                                       std::string_view contact_email, const MergeFields& system) {
  // MergeFields is std::map<std::string, std::string>: no heterogeneous lookup, so a copy.
  const std::string k(key);
  if (const auto it = system.find(k); it != system.end()) return it->second;
  if (const auto it = fields.find(k); it != fields.end()) return it->second;
  if (key == "email") return contact_email;
  return std::nullopt;
}

Error TooLarge(std::size_t max_bytes) {
  return MakeError(ErrorKind::kTooLarge, "rendered_too_large",
                   "the rendered text would be larger than " + std::to_string(max_bytes) + " bytes",
                   {{"maxBytes", max_bytes}});
}

}  // namespace

Result<std::string> RenderTemplate(std::string_view tmpl, const MergeFields& fields,
                                   std::string_view contact_email, Escape mode,
                                   const MergeFields& system, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(tmpl.size(), max_bytes));
  // Checked before each append: escaping never shrinks a value, so its raw size already says
  // whether it can fit, and nothing is copied once the bound is passed.
  const auto over = [&](std::size_t more) {
    return more > max_bytes - std::min(out.size(), max_bytes);
  };
  TemplateScanner scanner(tmpl);
  while (const std::optional<TemplateSegment> seg = scanner.Next()) {
    std::string_view insert;
    bool escape = false;
    if (seg->kind == TemplateSegment::Kind::kText) {
      insert = seg->raw;
    } else if (const std::optional<std::string_view> value =
                   Lookup(seg->key, fields, contact_email, system);
               value && !value->empty()) {
      insert = *value;
      escape = mode == Escape::kHtml;
    } else if (seg->fallback) {
      insert = *seg->fallback;
      escape = mode == Escape::kHtml;
    } else if (value) {
      continue;  // present but empty
    } else {
      insert = seg->raw;  // template text, so never escaped
    }
    if (over(insert.size())) return TooLarge(max_bytes);
    if (escape) {
      AppendHtmlEscaped(out, insert);
    } else {
      out.append(insert);
    }
  }
  if (out.size() > max_bytes) return TooLarge(max_bytes);
  if (mode == Escape::kSubject) return SanitizeSubject(out);
  return out;
}

Result<RenderedContent> RenderStep(const Step& step, const MergeFields& fields,
                                   std::string_view contact_email, const MergeFields& system) {
  const auto in_part = [](Error e, std::string_view part) {
    e.details["part"] = std::string(part);
    return e;
  };
  RenderedContent content;
  Result<std::string> subject = RenderTemplate(step.subject, fields, contact_email,
                                               Escape::kSubject, system, kMaxRenderedSubjectBytes);
  if (!subject) return in_part(subject.error(), "subject");
  content.subject = std::move(*subject);
  Result<std::string> html =
      RenderTemplate(step.html, fields, contact_email, Escape::kHtml, system, kMaxRenderedBytes);
  if (!html) return in_part(html.error(), "html");
  content.html = std::move(*html);
  if (step.text) {
    // The bodies share one budget: together they are what the message carries.
    Result<std::string> text = RenderTemplate(*step.text, fields, contact_email, Escape::kText,
                                              system, kMaxRenderedBytes - content.html.size());
    if (!text) {
      Error e = in_part(text.error(), "text");
      e.details["maxBytes"] = kMaxRenderedBytes;
      e.message = "the rendered html and text bodies together would be larger than " +
                  std::to_string(kMaxRenderedBytes) + " bytes";
      return e;
    }
    content.text = std::move(*text);
  }
  return content;
}

std::vector<std::string> TemplateKeys(std::string_view tmpl) {
  std::vector<std::string> keys;
  std::set<std::string_view> seen;
  TemplateScanner scanner(tmpl);
  while (const std::optional<TemplateSegment> seg = scanner.Next()) {
    if (seg->kind != TemplateSegment::Kind::kPlaceholder) continue;
    if (seen.insert(seg->key).second) keys.emplace_back(seg->key);
  }
  return keys;
}

}  // namespace mailmark
