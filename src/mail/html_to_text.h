// Plain-text rendering of an html body, for the text/plain alternative of a message.
#pragma once

#include <string>
#include <string_view>

namespace mailmark {

// Readable text from html: script/style/head content and comments are dropped; block
// elements break lines (paragraphs, headings, lists, tables and quotes by a blank line);
// list items read "- item"; links read "text (url)" when the url differs from the text;
// entities are decoded (&amp; &lt; &gt; &quot; &apos; &nbsp; and numeric ones, to UTF-8);
// runs of blanks collapse to one space, at most one blank line in a row, no surrounding
// blank lines. Pure and total: malformed html (unclosed tags, a bare '<') never fails and
// costs linear time.
std::string HtmlToText(std::string_view html);

// Decodes character references in one piece of html text or attribute value; unknown or
// malformed references stay as they are. Exposed for tests and for other html helpers.
std::string DecodeHtmlEntities(std::string_view text);

}  // namespace mailmark
