// Splits a template into literal text and {{placeholder}} segments in one left-to-right pass.
// The grammar, and what happens to everything that does not fit it, is documented on
// RenderTemplate in render/merge_fields.h.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace mailmark {

struct TemplateSegment {
  enum class Kind { kText, kPlaceholder };
  Kind kind = Kind::kText;
  std::string_view raw;  // the exact source text of the segment, braces included
  std::string_view key;  // kPlaceholder: the trimmed key
  std::optional<std::string_view> fallback;  // kPlaceholder: trimmed text after '|', if any
};

// Yields segments in order; their `raw` views tile the template exactly. Views point into
// the template, which must outlive the scanner. Linear time: no byte is examined more
// than a constant number of times.
class TemplateScanner {
 public:
  explicit TemplateScanner(std::string_view tmpl) : tmpl_(tmpl) {}

  std::optional<TemplateSegment> Next();

 private:
  std::string_view tmpl_;
  std::size_t pos_ = 0;                     // start of the next segment
  std::optional<TemplateSegment> pending_;  // a placeholder found after a text segment
};

// Whether `key` (already trimmed) is a valid merge key: ASCII letters, digits, '_', '-',
// '.', inner spaces, and well-formed non-ASCII UTF-8 other than C1 controls and U+2028/9.
bool IsValidMergeKey(std::string_view key);

}  // namespace mailmark
