// The renderer: step content + merge fields -> subject, html, text (SPEC.md "Merge fields").
// Pure functions, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/input_limits.h"
#include "core/model.h"
#include "core/result.h"

namespace mailmark {

// Where the rendered text goes, which decides how inserted values are made safe.
enum class Escape {
  kHtml,     // values and fallbacks are HTML-escaped (& < > " ')
  kText,     // values inserted as is
  kSubject,  // values inserted as is, then the whole result is SanitizeSubject()ed
};

// Replaces {{key}} placeholders in `tmpl`.
//
// Grammar: "{{" blanks? key blanks? ( "|" fallback )? "}}"
// - blanks are spaces or tabs; key and fallback are trimmed of them.
// - key: ASCII letters, digits, '_', '-', '.', inner spaces ("First Name"), and well-formed
//   non-ASCII UTF-8 ("Prénom"). Case-sensitive. The fallback is anything but braces; it
//   starts after the first '|', so "{{a|b|c}}" has fallback "b|c".
//
// Lookup: `system` (e.g. unsubscribeUrl) wins over `fields`, so a contact cannot override
// it; `fields` win over the built-in "email" (= contact_email).
// - found, non-empty             -> the value
// - missing or empty, fallback   -> the fallback ("{{x|}}" renders empty)
// - found empty, no fallback     -> empty
// - missing, no fallback         -> the placeholder exactly as written, spaces included
//
// Text that does not fit the grammar is literal and copied unchanged:
// - "{{" with no "}}" after it, "{{}}", "{{ }}", "{{|x}}", "{{a/b}}", single braces.
// - In a run of opening braces only the last two open a placeholder, and a closing "}}"
//   is the first two closing braces: "{{{{x}}}}" -> "{{" value "}}" (the innermost valid
//   placeholder is replaced, outer braces stay literal).
// - A brace inside a placeholder makes it literal up to that brace, where scanning
//   resumes: "{{a{b}}" is all literal, "{{ {{x}} }}" -> "{{ " value " }}".
// Template text outside placeholders is never altered in kHtml/kText (kSubject sanitises
// the whole line). Ill-formed UTF-8 passes through. Values are never re-scanned, so a value
// "{{email}}" stays literal. Linear time in the size of the template and values.
//
// Bounded: once the output would pass `max_bytes` (in kSubject mode, before sanitising) the
// render stops with 413 `rendered_too_large` (details.maxBytes), so a template with a
// million placeholders and a large value costs no more than `max_bytes` of work and memory,
// never their product. The output may pass the bound by one escaped value before the check
// sees it, at most 6 x max_bytes in all.
Result<std::string> RenderTemplate(std::string_view tmpl, const MergeFields& fields,
                                   std::string_view contact_email, Escape mode,
                                   const MergeFields& system = {},
                                   std::size_t max_bytes = kMaxRenderedBytes);

struct RenderedContent {
  std::string subject;
  std::string html;
  std::optional<std::string> text;
};

// Renders one send_email step: subject in kSubject mode, html in kHtml, text (if the step
// has one) in kText. The step's type is not checked. The subject may take
// kMaxRenderedSubjectBytes, the html and text bodies kMaxRenderedBytes between them; past
// either, 413 `rendered_too_large` with details {"part": "subject"|"html"|"text", "maxBytes"}.
Result<RenderedContent> RenderStep(const Step& step, const MergeFields& fields,
                                   std::string_view contact_email, const MergeFields& system = {});

// The distinct keys a template's placeholders use (for UI hints / warnings), in order of
// first appearance, whatever the fields hold; "email" included when used.
std::vector<std::string> TemplateKeys(std::string_view tmpl);

}  // namespace mailmark
