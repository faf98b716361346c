#include "render/template_scanner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mailmark {
namespace {

// A readable dump: text as-is in [], placeholders as <key|fallback> or <key>.
std::string Dump(std::string_view tmpl) {
  std::string out;
  std::string tiled;
  TemplateScanner scanner(tmpl);
  while (const std::optional<TemplateSegment> seg = scanner.Next()) {
    tiled.append(seg->raw);
    if (seg->kind == TemplateSegment::Kind::kText) {
      EXPECT_FALSE(seg->raw.empty()) << "empty text segment";
      out += "[" + std::string(seg->raw) + "]";
    } else {
      out += "<" + std::string(seg->key);
      if (seg->fallback) out += "|" + std::string(*seg->fallback);
      out += ">";
    }
  }
  EXPECT_EQ(tiled, tmpl) << "segments must tile the template";
  return out;
}

TEST(TemplateScannerTest, EmptyTemplateHasNoSegments) {
  TemplateScanner scanner("");
  EXPECT_FALSE(scanner.Next());
  EXPECT_FALSE(scanner.Next());
}

TEST(TemplateScannerTest, SplitsTextAndPlaceholders) {
  EXPECT_EQ(Dump("Hi {{name}}!"), "[Hi ]<name>[!]");
  EXPECT_EQ(Dump("{{a}}{{b}}"), "<a><b>");
  EXPECT_EQ(Dump("{{ a }} and {{b|x}}"), "<a>[ and ]<b|x>");
  EXPECT_EQ(Dump("no placeholders"), "[no placeholders]");
}

TEST(TemplateScannerTest, RawKeepsTheSourceSpelling) {
  TemplateScanner scanner("{{  First Name  |  there  }}");
  const std::optional<TemplateSegment> seg = scanner.Next();
  ASSERT_TRUE(seg);
  EXPECT_EQ(seg->raw, "{{  First Name  |  there  }}");
  EXPECT_EQ(seg->key, "First Name");
  EXPECT_EQ(seg->fallback, "there");
  EXPECT_FALSE(scanner.Next());
}

TEST(TemplateScannerTest, FallbackForms) {
  EXPECT_EQ(Dump("{{a|}}"), "<a|>");
  EXPECT_EQ(Dump("{{a | }}"), "<a|>");
  EXPECT_EQ(Dump("{{a|b|c}}"), "<a|b|c>");
  EXPECT_EQ(Dump("{{a|\tdear friend\t}}"), "<a|dear friend>");
  EXPECT_EQ(Dump("{{a|x\ny}}"), "<a|x\ny>");
  EXPECT_EQ(Dump("{{|x}}"), "[{{|x}}]");
}

TEST(TemplateScannerTest, InvalidBodiesAreText) {
  EXPECT_EQ(Dump("{{}}"), "[{{}}]");
  EXPECT_EQ(Dump("{{ }}"), "[{{ }}]");
  EXPECT_EQ(Dump("{{\t}}"), "[{{\t}}]");
  EXPECT_EQ(Dump("{{a/b}}"), "[{{a/b}}]");
  EXPECT_EQ(Dump("{{a\nb}}"), "[{{a\nb}}]");
  EXPECT_EQ(Dump("{{a\tb}}"), "[{{a\tb}}]");
  EXPECT_EQ(Dump("{{a}b}}"), "[{{a}b}}]");
  EXPECT_EQ(Dump("{{}}{{x}}"), "[{{}}]<x>");
}

TEST(TemplateScannerTest, BraceRuns) {
  EXPECT_EQ(Dump("{{{{x}}}}"), "[{{]<x>[}}]");
  EXPECT_EQ(Dump("{{{x}}}"), "[{]<x>[}]");
  EXPECT_EQ(Dump("{{a{b}}"), "[{{a{b}}]");
  EXPECT_EQ(Dump("{{a{{b}}"), "[{{a]<b>");
  EXPECT_EQ(Dump("{{ {{x}} }}"), "[{{ ]<x>[ }}]");
  EXPECT_EQ(Dump("{x}"), "[{x}]");
  EXPECT_EQ(Dump("}}{{"), "[}}{{]");
  EXPECT_EQ(Dump("{{"), "[{{]");
  EXPECT_EQ(Dump("{{x"), "[{{x]");
  EXPECT_EQ(Dump("{{x}"), "[{{x}]");
  EXPECT_EQ(Dump("{{x} }"), "[{{x} }]");
}

// Every string up to 7 characters over an alphabet of the tricky characters: segments
// tile the input, text segments are never empty, and no two text segments are adjacent.
TEST(TemplateScannerTest, ExhaustiveSmallInputsTileExactly) {
  constexpr std::string_view kAlphabet = "{} |a\n";
  std::string s;
  std::size_t checked = 0;
  const auto visit = [&](auto&& self, std::size_t depth) -> void {
    std::string tiled;
    bool last_was_text = false;
    TemplateScanner scanner(s);
    while (const std::optional<TemplateSegment> seg = scanner.Next()) {
      const bool is_text = seg->kind == TemplateSegment::Kind::kText;
      ASSERT_FALSE(is_text && seg->raw.empty()) << s;
      ASSERT_FALSE(is_text && last_was_text) << s;
      if (!is_text) {
        ASSERT_TRUE(IsValidMergeKey(seg->key)) << s;
        ASSERT_TRUE(seg->raw.starts_with("{{") && seg->raw.ends_with("}}")) << s;
      }
      last_was_text = is_text;
      tiled.append(seg->raw);
    }
    ASSERT_EQ(tiled, s);
    ++checked;
    if (depth == 7) return;
    for (const char c : kAlphabet) {
      s.push_back(c);
      self(self, depth + 1);
      s.pop_back();
    }
  };
  visit(visit, 0);
  EXPECT_EQ(checked, 335923u);  // 1 + 6 + ... + 6^7
}

TEST(IsValidMergeKeyTest, Accepts) {
  for (const char* key :
       {"a", "firstName", "first_name", "first-name", "contact.company", "First Name", "a  b", "X1",
        "9", "Pr\xC3\xA9nom", "\xE5\x90\x8D\xE5\x89\x8D"}) {
    EXPECT_TRUE(IsValidMergeKey(key)) << key;
  }
}

TEST(IsValidMergeKeyTest, Rejects) {
  for (const char* key :
       {"", " a", "a ", "a/b", "a\tb", "a:b", "a|b", "a{b", "a}b", "<a>", "a\xFF", "\xC2\x85",
        "a\xE2\x80\xA8"
        "b",
        "\xC3"}) {
    EXPECT_FALSE(IsValidMergeKey(key)) << key;
  }
}

}  // namespace
}  // namespace mailmark
