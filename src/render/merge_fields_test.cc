#include "render/merge_fields.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace mailmark {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::string_view kEmail = "alice@acme.com";

// The rendered text, or a marker that no expected output matches when the render failed.
std::string Render(std::string_view tmpl, const MergeFields& fields, std::string_view email,
                   Escape mode, const MergeFields& system = {}) {
  Result<std::string> out = RenderTemplate(tmpl, fields, email, mode, system);
  if (!out) return "<render failed: " + out.error().code + ">";
  return std::move(out).value();
}
std::string Html(std::string_view tmpl, const MergeFields& fields, const MergeFields& system = {}) {
  return Render(tmpl, fields, kEmail, Escape::kHtml, system);
}
std::string Text(std::string_view tmpl, const MergeFields& fields, const MergeFields& system = {}) {
  return Render(tmpl, fields, kEmail, Escape::kText, system);
}
std::string Subject(std::string_view tmpl, const MergeFields& fields,
                    const MergeFields& system = {}) {
  return Render(tmpl, fields, kEmail, Escape::kSubject, system);
}
RenderedContent StepOk(const Step& step, const MergeFields& fields,
                       const MergeFields& system = {}) {
  Result<RenderedContent> c = RenderStep(step, fields, kEmail, system);
  EXPECT_TRUE(c) << c.error().message;
  return c ? std::move(c).value() : RenderedContent{};
}

// --- Basic replacement --------------------------------------------------------------------

TEST(RenderTemplateTest, ReplacesKeysInEveryMode) {
  const MergeFields f{{"firstName", "Alice"}, {"company", "Acme"}};
  for (Escape mode : {Escape::kHtml, Escape::kText, Escape::kSubject}) {
    EXPECT_EQ(Render("Hi {{firstName}} from {{company}}", f, kEmail, mode), "Hi Alice from Acme");
  }
}

TEST(RenderTemplateTest, TemplateWithoutPlaceholdersIsUnchanged) {
  EXPECT_EQ(Html("<p>Hello & welcome</p>", {}), "<p>Hello & welcome</p>");
  EXPECT_EQ(Text("", {}), "");
  EXPECT_EQ(Html("", {{"a", "b"}}), "");
}

TEST(RenderTemplateTest, OptionalSpacesInsideBraces) {
  const MergeFields f{{"firstName", "Alice"}};
  EXPECT_EQ(Text("{{ firstName }}", f), "Alice");
  EXPECT_EQ(Text("{{firstName }}", f), "Alice");
  EXPECT_EQ(Text("{{   firstName}}", f), "Alice");
  EXPECT_EQ(Text("{{\tfirstName\t}}", f), "Alice");
}

TEST(RenderTemplateTest, KeysAreCaseSensitive) {
  const MergeFields f{{"firstName", "Alice"}};
  EXPECT_EQ(Text("{{firstname}} {{FirstName}} {{firstName}}", f),
            "{{firstname}} {{FirstName}} Alice");
}

TEST(RenderTemplateTest, KeysWithPunctuationAndDigits) {
  const MergeFields f{{"first_name", "A"}, {"last-name", "B"}, {"company.name", "C"}, {"x9", "D"}};
  EXPECT_EQ(Text("{{first_name}}{{last-name}}{{company.name}}{{x9}}", f), "ABCD");
}

TEST(RenderTemplateTest, KeysWithInnerSpacesLikeCsvHeaders) {
  const MergeFields f{{"First Name", "Jörg"}, {"Job  Title", "CTO"}};
  EXPECT_EQ(Text("{{First Name}} / {{ First Name }} / {{Job  Title}}", f), "Jörg / Jörg / CTO");
  // Inner spacing is part of the key.
  EXPECT_EQ(Text("{{First  Name}}", f), "{{First  Name}}");
  EXPECT_EQ(Text("{{FirstName}}", f), "{{FirstName}}");
}

TEST(RenderTemplateTest, NonAsciiKeys) {
  const MergeFields f{{"Prénom", "Zoé"}, {"名前", "太郎"}};
  EXPECT_EQ(Text("{{Prénom}} {{ 名前 }}", f), "Zoé 太郎");
}

TEST(RenderTemplateTest, SameKeyManyTimes) {
  EXPECT_EQ(Text("{{a}}{{a}}-{{ a }}", {{"a", "x"}}), "xx-x");
}

// --- Missing keys and fallbacks --------------------------------------------------------------

TEST(RenderTemplateTest, MissingKeyIsLeftExactlyAsWritten) {
  EXPECT_EQ(Text("Hi {{firstName}}!", {}), "Hi {{firstName}}!");
  EXPECT_EQ(Text("Hi {{  firstName   }}!", {}), "Hi {{  firstName   }}!");
  EXPECT_EQ(Text("Hi {{\tFirst Name }}!", {}), "Hi {{\tFirst Name }}!");
  EXPECT_EQ(Subject("Hi {{ firstName }}", {}), "Hi {{ firstName }}");
}

TEST(RenderTemplateTest, MissingKeyInHtmlIsNotEscaped) {
  // It is template text, which html mode never alters.
  EXPECT_EQ(Html("<b>{{ name }}</b>", {}), "<b>{{ name }}</b>");
}

TEST(RenderTemplateTest, FallbackUsedWhenMissing) {
  EXPECT_EQ(Text("Hi {{firstName|there}}", {}), "Hi there");
  EXPECT_EQ(Text("Hi {{ firstName | there }}", {}), "Hi there");
  EXPECT_EQ(Text("Hi {{firstName|  dear friend  }}!", {}), "Hi dear friend!");
}

TEST(RenderTemplateTest, FallbackUsedWhenEmpty) {
  EXPECT_EQ(Text("Hi {{firstName|there}}", {{"firstName", ""}}), "Hi there");
}

TEST(RenderTemplateTest, FallbackIgnoredWhenValuePresent) {
  EXPECT_EQ(Text("Hi {{firstName|there}}", {{"firstName", "Alice"}}), "Hi Alice");
  // A value of spaces is not empty: it is the contact's data.
  EXPECT_EQ(Text("[{{firstName|there}}]", {{"firstName", " "}}), "[ ]");
}

TEST(RenderTemplateTest, EmptyFallbackRendersNothing) {
  EXPECT_EQ(Text("Hi{{ title |}}!", {}), "Hi!");
  EXPECT_EQ(Text("Hi{{title|}}!", {{"title", ""}}), "Hi!");
  EXPECT_EQ(Text("Hi{{title| }}!", {}), "Hi!");
}

TEST(RenderTemplateTest, FallbackSplitsAtFirstBar) {
  EXPECT_EQ(Text("{{a|b|c}}", {}), "b|c");
  EXPECT_EQ(Text("{{a|b|c}}", {{"a", "v"}}), "v");
}

TEST(RenderTemplateTest, FallbackMayHoldPunctuationAndUnicode) {
  EXPECT_EQ(Text("{{name|mon ami, ça va? 😀}}", {}), "mon ami, ça va? 😀");
}

TEST(RenderTemplateTest, PresentEmptyValueWithoutFallbackRendersEmpty) {
  EXPECT_EQ(Text("Hi {{firstName}}!", {{"firstName", ""}}), "Hi !");
  EXPECT_EQ(Html("<b>{{firstName}}</b>", {{"firstName", ""}}), "<b></b>");
}

TEST(RenderTemplateTest, FallbackIsEscapedInHtml) {
  EXPECT_EQ(Html("{{name|Tom & Jerry <3}}", {}), "Tom &amp; Jerry &lt;3");
  EXPECT_EQ(Text("{{name|Tom & Jerry <3}}", {}), "Tom & Jerry <3");
}

TEST(RenderTemplateTest, EmptyKeyWithFallbackIsLiteral) {
  EXPECT_EQ(Text("{{|there}}", {{"", "x"}}), "{{|there}}");
  EXPECT_EQ(Text("{{ | there }}", {}), "{{ | there }}");
}

// --- Built-in email and system fields ----------------------------------------------------------

TEST(RenderTemplateTest, EmailIsBuiltIn) {
  EXPECT_EQ(Text("To: {{email}} / {{ email }}", {}), "To: alice@acme.com / alice@acme.com");
  EXPECT_EQ(Render("{{email}}", {}, "", Escape::kText), "");
  EXPECT_EQ(Render("{{email|nobody}}", {}, "", Escape::kText), "nobody");
  EXPECT_EQ(Text("{{Email}}", {}), "{{Email}}");  // case-sensitive
}

TEST(RenderTemplateTest, FieldsOverrideBuiltInEmail) {
  EXPECT_EQ(Text("{{email}}", {{"email", "work@acme.com"}}), "work@acme.com");
  EXPECT_EQ(Text("[{{email}}]", {{"email", ""}}), "[]");
  EXPECT_EQ(Text("{{email|none}}", {{"email", ""}}), "none");
}

TEST(RenderTemplateTest, BuiltInEmailIsEscapedInHtml) {
  EXPECT_EQ(Render("{{email}}", {}, "\"a<b>\"@x.com", Escape::kHtml),
            "&quot;a&lt;b&gt;&quot;@x.com");
}

TEST(RenderTemplateTest, SystemFieldsWinOverContactFields) {
  const MergeFields system{{"unsubscribeUrl", "https://m.example/u/abc"}};
  const MergeFields fields{{"unsubscribeUrl", "https://evil.example/"}, {"name", "Al"}};
  EXPECT_EQ(Html("<a href=\"{{unsubscribeUrl}}\">{{name}}</a>", fields, system),
            "<a href=\"https://m.example/u/abc\">Al</a>");
}

TEST(RenderTemplateTest, SystemFieldsWinOverEmail) {
  EXPECT_EQ(Text("{{email}}", {{"email", "b@x"}}, {{"email", "sys@x"}}), "sys@x");
}

TEST(RenderTemplateTest, EmptySystemFieldStillWins) {
  EXPECT_EQ(Text("[{{unsubscribeUrl}}]", {{"unsubscribeUrl", "evil"}}, {{"unsubscribeUrl", ""}}),
            "[]");
  EXPECT_EQ(Text("{{unsubscribeUrl|#}}", {{"unsubscribeUrl", "evil"}}, {{"unsubscribeUrl", ""}}),
            "#");
}

TEST(RenderTemplateTest, SystemFieldValuesAreEscapedInHtml) {
  EXPECT_EQ(Html("<a href=\"{{u}}\">", {}, {{"u", "https://x/?a=1&b=\"2\""}}),
            "<a href=\"https://x/?a=1&amp;b=&quot;2&quot;\">");
}

TEST(RenderTemplateTest, SystemFieldsAreUsedInEveryMode) {
  const MergeFields system{{"unsubscribeUrl", "https://m/u"}};
  EXPECT_EQ(Subject("{{unsubscribeUrl}}", {}, system), "https://m/u");
  EXPECT_EQ(Text("{{unsubscribeUrl}}", {}, system), "https://m/u");
}

// --- Escaping: hostile values ------------------------------------------------------------------

TEST(RenderTemplateTest, HtmlValuesAreText) {
  const MergeFields f{{"name", "</p><script>alert(1)</script>"}};
  EXPECT_EQ(Html("<p>Hi {{name}}</p>", f),
            "<p>Hi &lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>");
}

TEST(RenderTemplateTest, HtmlAttributeBreakoutIsEscaped) {
  const MergeFields f{{"u", "\" onclick=\"x()"}, {"v", "' onclick='x()"}};
  EXPECT_EQ(Html("<a title=\"{{u}}\" alt='{{v}}'>", f),
            "<a title=\"&quot; onclick=&quot;x()\" alt='&#39; onclick=&#39;x()'>");
}

TEST(RenderTemplateTest, HtmlEntitiesInValuesAreNotDecoded) {
  EXPECT_EQ(Html("{{a}}", {{"a", "&lt;b&gt;"}}), "&amp;lt;b&amp;gt;");
}

TEST(RenderTemplateTest, TextModeInsertsValuesAsIs) {
  const MergeFields f{{"name", "</p><script>alert(1)</script>\r\nBcc: x"}};
  EXPECT_EQ(Text("Hi {{name}}", f), "Hi </p><script>alert(1)</script>\r\nBcc: x");
}

TEST(RenderTemplateTest, TemplateTextIsNeverAltered) {
  const std::string tmpl = "<p class='x'>\r\n\t&amp; \"q\" {{a}} \x01 </p>";
  EXPECT_EQ(Html(tmpl, {{"a", "v"}}), "<p class='x'>\r\n\t&amp; \"q\" v \x01 </p>");
  EXPECT_EQ(Text(tmpl, {{"a", "v"}}), "<p class='x'>\r\n\t&amp; \"q\" v \x01 </p>");
}

TEST(RenderTemplateTest, SubjectHeaderInjectionIsRemoved) {
  const MergeFields f{{"name", "\r\nBcc: x@evil"}};
  EXPECT_EQ(Subject("Hi {{name}}", f), "Hi Bcc: x@evil");
  EXPECT_EQ(Subject("{{name}}", f), "Bcc: x@evil");
  EXPECT_EQ(Subject("{{name}} there", {{"name", "Al\n\nX-Evil: 1\r\n"}}), "Al X-Evil: 1 there");
}

TEST(RenderTemplateTest, SubjectUnicodeLineBreaksAndControlsAreRemoved) {
  EXPECT_EQ(Subject("a{{x}}b", {{"x", "\xE2\x80\xA8"}}), "a b");
  EXPECT_EQ(Subject("a{{x}}b", {{"x", "\xE2\x80\xA9"}}), "a b");
  EXPECT_EQ(Subject("a{{x}}b", {{"x", "\xC2\x85"}}), "a b");
  EXPECT_EQ(Subject("a{{x}}b", {{"x", std::string("\0\x1B\x7F\t", 4)}}), "ab");
}

TEST(RenderTemplateTest, SubjectIsNotHtmlEscaped) {
  EXPECT_EQ(Subject("Re: {{x}}", {{"x", "<b>Tom & Jerry's</b>"}}), "Re: <b>Tom & Jerry's</b>");
}

TEST(RenderTemplateTest, WholeSubjectIsSanitizedAndTrimmed) {
  // The template's own line breaks too, and the fallback.
  EXPECT_EQ(Subject("  Hello\r\n{{name|friend\nX: y}}  ", {}), "Hello friend X: y");
  EXPECT_EQ(Subject("{{name}}", {{"name", "   "}}), "");
  EXPECT_EQ(Subject("{{a}} {{b}}", {{"a", ""}, {"b", ""}}), "");
}

// --- Unicode -----------------------------------------------------------------------------------

TEST(RenderTemplateTest, UnicodeValuesPassThrough) {
  const MergeFields f{{"name", "Jörg Müller"},
                      {"emoji", "🎉👩‍👩‍👧"},
                      {"rtl", "שלום עולם"},
                      {"mixed",
                       "\xE2\x80\xAE"
                       "evil\xE2\x80\xAC"}};
  EXPECT_EQ(Html("{{name}} {{emoji}} {{rtl}}", f),
            "Jörg Müller 🎉👩‍👩‍👧 שלום עולם");
  EXPECT_EQ(Subject("{{name}} {{emoji}} {{rtl}}", f),
            "Jörg Müller 🎉👩‍👩‍👧 שלום עולם");
  EXPECT_EQ(Text("{{rtl}}: {{mixed}}", f),
            "שלום עולם: \xE2\x80\xAE"
            "evil\xE2\x80\xAC");
}

TEST(RenderTemplateTest, UnicodeTemplateText) {
  EXPECT_EQ(Html("Grüße, {{name}} — שלום 👋", {{"name", "Zoë"}}), "Grüße, Zoë — שלום 👋");
}

TEST(RenderTemplateTest, IllFormedUtf8PassesThrough) {
  const std::string bad = "\xFF\xC3(\xE2\x80";
  EXPECT_EQ(Html(bad + "{{a}}" + bad, {{"a", bad}}), bad + bad + bad);
  EXPECT_EQ(Text(bad + "{{a}}", {{"a", bad}}), bad + bad);
  EXPECT_EQ(Subject(bad + "{{a}}", {{"a", bad}}), bad + bad);
  // A key with ill-formed bytes is not a key: literal.
  EXPECT_EQ(Text("{{a\xFF}}", {{"a\xFF", "x"}}), "{{a\xFF}}");
}

TEST(RenderTemplateTest, NulBytesSurvive) {
  const std::string tmpl("a\0{{k}}\0b", 9);
  EXPECT_EQ(Text(tmpl, {{"k", std::string("\0", 1)}}), std::string("a\0\0\0b", 5));
}

// --- Robustness: braces ------------------------------------------------------------------------

TEST(RenderTemplateTest, UnterminatedOpenIsLiteral) {
  const MergeFields f{{"a", "X"}};
  EXPECT_EQ(Text("Hi {{a", f), "Hi {{a");
  EXPECT_EQ(Text("Hi {{", f), "Hi {{");
  EXPECT_EQ(Text("{{a}", f), "{{a}");
  EXPECT_EQ(Text("{{a} }", f), "{{a} }");
  EXPECT_EQ(Text("{{a}} then {{a", f), "X then {{a");
  EXPECT_EQ(Text("{{", f), "{{");
  EXPECT_EQ(Text("{", f), "{");
}

TEST(RenderTemplateTest, EmptyPlaceholdersAreLiteral) {
  const MergeFields f{{"", "X"}, {" ", "Y"}};
  EXPECT_EQ(Text("{{}}", f), "{{}}");
  EXPECT_EQ(Text("{{ }}", f), "{{ }}");
  EXPECT_EQ(Text("{{   }}", f), "{{   }}");
  EXPECT_EQ(Html("a{{}}b{{ }}c", f), "a{{}}b{{ }}c");
}

TEST(RenderTemplateTest, SingleBracesAreLiteral) {
  const MergeFields f{{"a", "X"}};
  EXPECT_EQ(Text("{a} } { {a}", f), "{a} } { {a}");
  EXPECT_EQ(Html("function() { return {a: 1}; }", f), "function() { return {a: 1}; }");
  EXPECT_EQ(Text("}}{{", f), "}}{{");
  EXPECT_EQ(Text("{ {a} }", f), "{ {a} }");
}

TEST(RenderTemplateTest, NestedBracesReplaceTheInnermostPlaceholder) {
  const MergeFields f{{"x", "X"}};
  EXPECT_EQ(Text("{{{{x}}}}", f), "{{X}}");
  EXPECT_EQ(Text("{{{x}}}", f), "{X}");
  EXPECT_EQ(Text("{{{{{{x}}", f), "{{{{X");
  EXPECT_EQ(Text("{{x}}}}}}", f), "X}}}}");
  EXPECT_EQ(Text("{{ {{x}} }}", f), "{{ X }}");
  EXPECT_EQ(Text("{{a{{x}}", f), "{{aX");
  EXPECT_EQ(Text("{{x{{x}}}}", f), "{{xX}}");
  // Missing inner key: everything literal, as written.
  EXPECT_EQ(Text("{{{{y}}}}", f), "{{{{y}}}}");
}

TEST(RenderTemplateTest, BraceInsideBodyMakesItLiteral) {
  const MergeFields f{{"a", "A"}, {"b", "B"}, {"a{b", "no"}};
  EXPECT_EQ(Text("{{a{b}}", f), "{{a{b}}");
  EXPECT_EQ(Text("{{a}b}}", f), "{{a}b}}");
  EXPECT_EQ(Text("{{a|{b}}}", f), "{{a|{b}}}");
  EXPECT_EQ(Text("{{a|b}c}}", f), "{{a|b}c}}");
  EXPECT_EQ(Text("{{a{b}} {{b}}", f), "{{a{b}} B");
}

TEST(RenderTemplateTest, InvalidKeyCharactersAreLiteral) {
  const MergeFields f{{"a/b", "X"}, {"a:b", "X"}, {"a\nb", "X"}, {"<a>", "X"}};
  EXPECT_EQ(Text("{{a/b}}{{a:b}}{{a\nb}}{{<a>}}", f), "{{a/b}}{{a:b}}{{a\nb}}{{<a>}}");
  // Left as written in html too: template text is never escaped.
  EXPECT_EQ(Html("{{<a>}}", f), "{{<a>}}");
}

TEST(RenderTemplateTest, ValuesAreNeverRescanned) {
  const MergeFields f{{"a", "{{email}}"}, {"b", "{{"}, {"c", "b}}"}, {"self", "{{self}}"}};
  EXPECT_EQ(Text("{{a}}", f), "{{email}}");
  EXPECT_EQ(Text("{{b}}c}}", f), "{{c}}");
  EXPECT_EQ(Text("{{b}}{{c}}", f), "{{b}}");
  EXPECT_EQ(Text("{{self}}{{self}}", f), "{{self}}{{self}}");
  EXPECT_EQ(Html("{{a}}", f), "{{email}}");
  EXPECT_EQ(Text("{{x|{{email}}}}", f), "{{x|alice@acme.com}}");
}

// With no fields and no fallbacks every placeholder is missing, so rendering must reproduce
// the template byte for byte: checked for every string up to 8 characters over the tricky
// characters.
TEST(RenderTemplateTest, ExhaustiveSmallInputsWithoutFieldsAreUnchanged) {
  constexpr std::string_view kAlphabet = "{} a\n";
  std::string s;
  const auto visit = [&](auto&& self, std::size_t depth) -> void {
    ASSERT_EQ(Html(s, {}), s);
    if (depth == 8) return;
    for (const char c : kAlphabet) {
      s.push_back(c);
      self(self, depth + 1);
      s.pop_back();
    }
  };
  visit(visit, 0);
}

// --- Large inputs: output only, never time -----------------------------------------------------

TEST(RenderTemplateTest, HugeRunOfOpenBraces) {
  const std::string tmpl(1 << 20, '{');
  EXPECT_EQ(Html(tmpl, {{"x", "X"}}), tmpl);
  EXPECT_EQ(Subject(tmpl, {}), tmpl);
  EXPECT_THAT(TemplateKeys(tmpl), IsEmpty());
}

TEST(RenderTemplateTest, HugeRunOfOpenBracesEndingInAPlaceholder) {
  const std::string tmpl = std::string(1 << 20, '{') + "x}}";
  EXPECT_EQ(Text(tmpl, {{"x", "X"}}), std::string((1 << 20) - 2, '{') + "X");
}

TEST(RenderTemplateTest, HugeRepeatedUnterminatedOpeners) {
  std::string tmpl;
  for (int i = 0; i < 100000; ++i) tmpl += "{{a ";
  EXPECT_EQ(Text(tmpl, {{"a", "X"}}), tmpl);
  tmpl += "}}";
  // Only the last opener is followed by "}}" without a brace in between.
  const std::string out = Text(tmpl, {{"a", "X"}});
  EXPECT_EQ(out, tmpl.substr(0, tmpl.size() - 6) + "X");
}

TEST(RenderTemplateTest, HugeAlternatingBraces) {
  std::string tmpl;
  for (int i = 0; i < 200000; ++i) tmpl += "{{}";
  EXPECT_EQ(Text(tmpl, {}), tmpl);
  std::string closers;
  for (int i = 0; i < 200000; ++i) closers += "}}{";
  EXPECT_EQ(Text(closers, {}), closers);
}

TEST(RenderTemplateTest, ManyPlaceholders) {
  std::string tmpl;
  std::string expected;
  for (int i = 0; i < 100000; ++i) {
    tmpl += "<{{name}}|{{missing}}>";
    expected += "<&amp;|{{missing}}>";
  }
  EXPECT_EQ(Html(tmpl, {{"name", "&"}}), expected);
  EXPECT_THAT(TemplateKeys(tmpl), ElementsAre("name", "missing"));
}

TEST(RenderTemplateTest, HugeValue) {
  const std::string value(1 << 18, '<');
  const std::string out = Html("{{v}}", {{"v", value}});
  EXPECT_EQ(out.size(), value.size() * 4);
  EXPECT_EQ(out.substr(0, 8), "&lt;&lt;");
}

// --- RenderStep ----------------------------------------------------------------------------------

TEST(RenderStepTest, RendersEachPartInItsMode) {
  Step step;
  step.subject = "Hi {{name}}";
  step.html = "<p>{{name}}</p><a href=\"{{unsubscribeUrl}}\">unsubscribe</a>";
  step.text = "{{name}}\n{{unsubscribeUrl}}";
  const MergeFields fields{{"name", "<Al>\r\nBcc: x"}, {"unsubscribeUrl", "evil"}};
  const MergeFields system{{"unsubscribeUrl", "https://m/u?a=1&b=2"}};
  const RenderedContent c = StepOk(step, fields, system);
  EXPECT_EQ(c.subject, "Hi <Al> Bcc: x");
  EXPECT_EQ(c.html,
            "<p>&lt;Al&gt;\r\nBcc: x</p><a href=\"https://m/u?a=1&amp;b=2\">unsubscribe</a>");
  ASSERT_TRUE(c.text.has_value());
  EXPECT_EQ(*c.text, "<Al>\r\nBcc: x\nhttps://m/u?a=1&b=2");
}

TEST(RenderStepTest, NoTextStaysNoText) {
  Step step;
  step.subject = "S";
  step.html = "<p>{{email}}</p>";
  const RenderedContent c = StepOk(step, {});
  EXPECT_EQ(c.subject, "S");
  EXPECT_EQ(c.html, "<p>alice@acme.com</p>");
  EXPECT_FALSE(c.text.has_value());
}

TEST(RenderStepTest, EmptyTextStaysEmptyText) {
  Step step;
  step.text = "";
  const RenderedContent c = StepOk(step, {});
  ASSERT_TRUE(c.text.has_value());
  EXPECT_EQ(*c.text, "");
  EXPECT_EQ(c.subject, "");
  EXPECT_EQ(c.html, "");
}

TEST(RenderStepTest, EmptySubjectStaysEmptyForReplyThreading) {
  Step step;
  step.subject = "  {{missing|}} ";
  step.html = "x";
  EXPECT_EQ(StepOk(step, {}).subject, "");
}

// --- The output bound ---------------------------------------------------------------------------

void ExpectTooLarge(const Result<std::string>& out, std::size_t max_bytes) {
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, ErrorKind::kTooLarge);
  EXPECT_EQ(out.error().code, "rendered_too_large");
  EXPECT_EQ(out.error().details["maxBytes"], max_bytes);
}

TEST(RenderBoundTest, AValueFitsAtTheBoundAndFailsOneByteOver) {
  const std::string value(100, 'v');
  for (Escape mode : {Escape::kHtml, Escape::kText, Escape::kSubject}) {
    Result<std::string> fits = RenderTemplate("{{v}}", {{"v", value}}, kEmail, mode, {}, 100);
    ASSERT_TRUE(fits);
    EXPECT_EQ(*fits, value);
    ExpectTooLarge(RenderTemplate("{{v}}!", {{"v", value}}, kEmail, mode, {}, 100), 100);
    ExpectTooLarge(RenderTemplate("{{v}}", {{"v", value}}, kEmail, mode, {}, 99), 99);
  }
}

TEST(RenderBoundTest, TemplateTextFallbacksAndMissingKeysCount) {
  const std::string text(50, 't');
  EXPECT_TRUE(RenderTemplate(text, {}, kEmail, Escape::kText, {}, 50));
  ExpectTooLarge(RenderTemplate(text + "t", {}, kEmail, Escape::kText, {}, 50), 50);
  ExpectTooLarge(RenderTemplate("{{a|" + text + "}}", {}, kEmail, Escape::kText, {}, 49), 49);
  ExpectTooLarge(RenderTemplate("{{missing}}", {}, kEmail, Escape::kText, {}, 10), 10);
  EXPECT_TRUE(RenderTemplate("{{missing}}", {}, kEmail, Escape::kText, {}, 11));
}

TEST(RenderBoundTest, EscapedSizeIsWhatCounts) {
  const MergeFields f{{"v", std::string(20, '<')}};  // 80 bytes once escaped
  Result<std::string> fits = RenderTemplate("{{v}}", f, kEmail, Escape::kHtml, {}, 80);
  ASSERT_TRUE(fits);
  EXPECT_EQ(fits->size(), 80u);
  ExpectTooLarge(RenderTemplate("{{v}}", f, kEmail, Escape::kHtml, {}, 79), 79);
  EXPECT_TRUE(RenderTemplate("{{v}}", f, kEmail, Escape::kText, {}, 20));
}

TEST(RenderBoundTest, EmptyOutputFitsABoundOfZero) {
  EXPECT_TRUE(RenderTemplate("{{empty}}", {{"empty", ""}}, kEmail, Escape::kText, {}, 0));
  ExpectTooLarge(RenderTemplate("x", {}, kEmail, Escape::kText, {}, 0), 0);
}

// The poison row of issue 11: unbounded, this renders to terabytes. Bounded, it stops after
// about kMaxRenderedBytes of output.
TEST(RenderBoundTest, AMillionPlaceholdersAndAHugeValueFailFast) {
  std::string tmpl;
  tmpl.reserve(5'000'000);
  for (int i = 0; i < 1'000'000; ++i) tmpl += "{{x}}";
  const MergeFields huge{{"x", std::string(6 * kMiB, '"')}};
  for (Escape mode : {Escape::kHtml, Escape::kText, Escape::kSubject}) {
    ExpectTooLarge(RenderTemplate(tmpl, huge, kEmail, mode), kMaxRenderedBytes);
  }
  // Within every input limit (a 256 KiB body, one 8 KiB value) the product still fails.
  const std::string body = tmpl.substr(0, kMaxStepHtmlBytes - kMaxStepHtmlBytes % 5);
  const MergeFields big{{"x", std::string(kMaxMergeValueBytes, '\'')}};
  ExpectTooLarge(RenderTemplate(body, big, kEmail, Escape::kHtml), kMaxRenderedBytes);
  // The same body with an ordinary value renders.
  Result<std::string> fine = RenderTemplate(body, {{"x", "Ann"}}, kEmail, Escape::kHtml);
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->size(), body.size() / 5 * 3);
}

TEST(RenderBoundTest, StepSubjectHasItsOwnBound) {
  Step step;
  step.html = "<p>x</p>";
  step.subject = "{{s}}";
  Result<RenderedContent> fits =
      RenderStep(step, {{"s", std::string(kMaxRenderedSubjectBytes, 's')}}, kEmail);
  ASSERT_TRUE(fits);
  EXPECT_EQ(fits->subject.size(), kMaxRenderedSubjectBytes);
  Result<RenderedContent> over =
      RenderStep(step, {{"s", std::string(kMaxRenderedSubjectBytes + 1, 's')}}, kEmail);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, "rendered_too_large");
  EXPECT_EQ(over.error().details["part"], "subject");
  EXPECT_EQ(over.error().details["maxBytes"], kMaxRenderedSubjectBytes);
}

TEST(RenderBoundTest, StepBodiesShareOneBound) {
  Step step;
  step.subject = "Hi";
  step.html = "{{h}}";
  step.text = "{{t}}";
  const std::size_t half = kMaxRenderedBytes / 2;
  Result<RenderedContent> fits = RenderStep(
      step, {{"h", std::string(half, 'h')}, {"t", std::string(kMaxRenderedBytes - half, 't')}},
      kEmail);
  ASSERT_TRUE(fits);
  EXPECT_EQ(fits->html.size() + fits->text->size(), kMaxRenderedBytes);

  Result<RenderedContent> text_over = RenderStep(
      step, {{"h", std::string(half, 'h')}, {"t", std::string(kMaxRenderedBytes - half + 1, 't')}},
      kEmail);
  ASSERT_FALSE(text_over);
  EXPECT_EQ(text_over.error().details["part"], "text");
  EXPECT_EQ(text_over.error().details["maxBytes"], kMaxRenderedBytes);

  Result<RenderedContent> html_over =
      RenderStep(step, {{"h", std::string(kMaxRenderedBytes + 1, 'h')}, {"t", ""}}, kEmail);
  ASSERT_FALSE(html_over);
  EXPECT_EQ(html_over.error().details["part"], "html");
}

// --- TemplateKeys --------------------------------------------------------------------------------

TEST(TemplateKeysTest, DistinctKeysInOrderOfFirstAppearance) {
  EXPECT_THAT(TemplateKeys("{{b}} {{a}} {{ b }} {{c|x}} {{a|y}} {{email}}"),
              ElementsAre("b", "a", "c", "email"));
}

TEST(TemplateKeysTest, KeysAreTrimmedAndKeepInnerSpaces) {
  EXPECT_THAT(TemplateKeys("{{ First Name }}{{First Name|x}}{{Prénom}}"),
              ElementsAre("First Name", "Prénom"));
}

TEST(TemplateKeysTest, IgnoresWhatIsNotAPlaceholder) {
  EXPECT_THAT(TemplateKeys(""), IsEmpty());
  EXPECT_THAT(TemplateKeys("plain text {a} {{}} {{ }} {{|x}} {{a/b}} {{a{b}} {{open"), IsEmpty());
  EXPECT_THAT(TemplateKeys("{{{{x}}}} {{ {{y}} }} {{a{{z}}"), ElementsAre("x", "y", "z"));
}

TEST(TemplateKeysTest, CaseSensitive) {
  EXPECT_THAT(TemplateKeys("{{Name}}{{name}}{{NAME}}"), ElementsAre("Name", "name", "NAME"));
}

}  // namespace
}  // namespace mailmark
