#include "render/merge_fields.h"

#include <set>

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

}  // namespace

std::string RenderTemplate(std::string_view tmpl, const MergeFields& fields,
                           std::string_view contact_email, Escape mode, const MergeFields& system) {
  std::string out;
  out.reserve(tmpl.size());
  TemplateScanner scanner(tmpl);
  while (const std::optional<TemplateSegment> seg = scanner.Next()) {
    if (seg->kind == TemplateSegment::Kind::kText) {
      out.append(seg->raw);
      continue;
    }
    const std::optional<std::string_view> value = Lookup(seg->key, fields, contact_email, system);
    std::string_view insert;
    if (value && !value->empty()) {
      insert = *value;
    } else if (seg->fallback) {
      insert = *seg->fallback;
    } else if (value) {
      continue;  // present but empty
    } else {
      out.append(seg->raw);  // template text, so never escaped
      continue;
    }
    if (mode == Escape::kHtml) {
      AppendHtmlEscaped(out, insert);
    } else {
      out.append(insert);
    }
  }
  if (mode == Escape::kSubject) return SanitizeSubject(out);
  return out;
}

RenderedContent RenderStep(const Step& step, const MergeFields& fields,
                           std::string_view contact_email, const MergeFields& system) {
  RenderedContent content;
  content.subject = RenderTemplate(step.subject, fields, contact_email, Escape::kSubject, system);
  content.html = RenderTemplate(step.html, fields, contact_email, Escape::kHtml, system);
  if (step.text) {
    content.text = RenderTemplate(*step.text, fields, contact_email, Escape::kText, system);
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
