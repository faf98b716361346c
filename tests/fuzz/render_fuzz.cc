// A step's templates and a contact's merge values (both from users): the scanner, the bounded
// renderer in its three modes, the key listing and the subject sanitiser.
//
// Input: template, then "@@"-separated parts alternating merge key and value. One byte first
// picks the output bound.
#include <map>
#include <string>

#include "fuzz_support.h"
#include "render/merge_fields.h"
#include "render/template_scanner.h"
#include "render/text_escape.h"

using namespace mailmark;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  std::size_t max_bytes = 1 + input.Byte() * 16;
  std::string_view tmpl = input.Part();
  MergeFields fields;
  while (!input.empty()) {
    std::string key(input.Part());
    fields[key] = std::string(input.Part());
  }
  MergeFields system{{"unsubscribeUrl", "https://x.test/u/tok"}};

  // The segments tile the template; placeholders carry valid keys.
  std::string tiled;
  TemplateScanner scanner(tmpl);
  std::size_t segments = 0;
  while (auto segment = scanner.Next()) {
    FUZZ_CHECK(++segments <= tmpl.size());
    FUZZ_CHECK(!segment->raw.empty());
    tiled.append(segment->raw);
    if (segment->kind == TemplateSegment::Kind::kPlaceholder) {
      FUZZ_CHECK(IsValidMergeKey(segment->key));
      FUZZ_CHECK(segment->raw.starts_with("{{") && segment->raw.ends_with("}}"));
    }
  }
  FUZZ_CHECK(tiled == tmpl);

  for (Escape mode : {Escape::kHtml, Escape::kText, Escape::kSubject}) {
    Result<std::string> out =
        RenderTemplate(tmpl, fields, "ann@example.com", mode, system, max_bytes);
    if (out) {
      // The bound holds, with at most one escaped value over it.
      FUZZ_CHECK(out->size() <= 6 * max_bytes);
      if (mode == Escape::kSubject) FUZZ_CHECK(SanitizeSubject(*out) == *out);
    } else {
      FUZZ_CHECK(out.error().code == "rendered_too_large");
    }
  }
  // Without placeholders nothing changes in html and text.
  if (segments <= 1 && tmpl.find("{{") == std::string_view::npos) {
    Result<std::string> out =
        RenderTemplate(tmpl, fields, "a@b.c", Escape::kText, system, tmpl.size() + 1);
    FUZZ_CHECK(out.ok() && *out == tmpl);
  }
  for (const std::string& key : TemplateKeys(tmpl)) FUZZ_CHECK(IsValidMergeKey(key));

  std::string subject = SanitizeSubject(tmpl);
  FUZZ_CHECK(SanitizeSubject(subject) == subject);
  FUZZ_CHECK(subject.find_first_of("\r\n\t") == std::string::npos);
  FUZZ_CHECK(subject.empty() || (subject.front() != ' ' && subject.back() != ' '));

  Step step;
  step.subject = std::string(tmpl.substr(0, 998));
  step.html = std::string(tmpl);
  step.text = std::string(tmpl);
  (void)RenderStep(step, fields, "ann@example.com", system);
  return 0;
}
