#include "csv/csv_parser.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mailmark {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using Fields = std::vector<std::string>;
// (line, fields): easy to compare and to print on failure.
using Rec = std::pair<std::size_t, Fields>;

struct Parsed {
  std::vector<Rec> records;
  std::optional<Error> error;
  std::vector<std::pair<std::size_t, std::string>>
      problems;  // (line, code) of records over a limit
};

Parsed ParseChunks(const std::vector<std::string_view>& chunks, CsvLimits limits = {}) {
  Parsed out;
  CsvParser parser(
      [&](CsvRecord&& r) {
        if (r.problem) out.problems.emplace_back(r.line, r.problem->code);
        out.records.emplace_back(r.line, std::move(r.fields));
        return true;
      },
      limits);
  for (std::string_view chunk : chunks) {
    Status s = parser.Feed(chunk);
    if (!s.ok()) {
      out.error = s.error();
      // A failed parser keeps failing with the same error.
      Status again = parser.Finish();
      EXPECT_FALSE(again.ok());
      if (!again.ok()) {
        EXPECT_EQ(again.error().code, s.error().code);
      }
      return out;
    }
  }
  Status s = parser.Finish();
  if (!s.ok()) out.error = s.error();
  return out;
}

Parsed Parse(std::string_view input, CsvLimits limits = {}) { return ParseChunks({input}, limits); }

// Splits input at the given ascending byte positions.
std::vector<std::string_view> SplitAt(std::string_view input, const std::vector<std::size_t>& at) {
  std::vector<std::string_view> chunks;
  std::size_t start = 0;
  for (std::size_t pos : at) {
    chunks.push_back(input.substr(start, pos - start));
    start = pos;
  }
  chunks.push_back(input.substr(start));
  return chunks;
}

std::size_t ErrorLine(const Error& e) { return e.details.at("line").get<std::size_t>(); }

// --- RFC 4180 basics -----------------------------------------------------------------------

TEST(CsvParser, SimpleRecordsWithLineNumbers) {
  Parsed p = Parse("a,b,c\n1,2,3\n");
  ASSERT_FALSE(p.error);
  EXPECT_THAT(p.records, ElementsAre(Rec{1, {"a", "b", "c"}}, Rec{2, {"1", "2", "3"}}));
}

TEST(CsvParser, LastRecordWithoutLineBreakIsFlushedByFinish) {
  Parsed p = Parse("a,b\n1,2");
  ASSERT_FALSE(p.error);
  EXPECT_THAT(p.records, ElementsAre(Rec{1, {"a", "b"}}, Rec{2, {"1", "2"}}));
}

TEST(CsvParser, NothingIsEmittedBeforeTheLineEnds) {
  std::vector<Rec> seen;
  CsvParser parser([&](CsvRecord&& r) {
    seen.emplace_back(r.line, std::move(r.fields));
    return true;
  });
  ASSERT_TRUE(parser.Feed("a,b").ok());
  EXPECT_THAT(seen, IsEmpty());
  ASSERT_TRUE(parser.Feed("\n").ok());
  EXPECT_THAT(seen, ElementsAre(Rec{1, {"a", "b"}}));
  ASSERT_TRUE(parser.Finish().ok());
  EXPECT_EQ(seen.size(), 1u);
}

TEST(CsvParser, CrlfLfAndLoneCrLineEndings) {
  EXPECT_THAT(Parse("a\r\nb\r\n").records, ElementsAre(Rec{1, {"a"}}, Rec{2, {"b"}}));
  EXPECT_THAT(Parse("a\nb\n").records, ElementsAre(Rec{1, {"a"}}, Rec{2, {"b"}}));
  EXPECT_THAT(Parse("a\rb\r").records, ElementsAre(Rec{1, {"a"}}, Rec{2, {"b"}}));
  EXPECT_THAT(Parse("a\rb\nc\r\nd").records,
              ElementsAre(Rec{1, {"a"}}, Rec{2, {"b"}}, Rec{3, {"c"}}, Rec{4, {"d"}}));
}

TEST(CsvParser, QuotedFieldsWithSeparatorsAndDoubledQuotes) {
  Parsed p = Parse(R"("a,b","say ""hi""","""",x)"
                   "\n");
  ASSERT_FALSE(p.error);
  EXPECT_THAT(p.records, ElementsAre(Rec{1, {"a,b", "say \"hi\"", "\"", "x"}}));
}

TEST(CsvParser, QuotedFieldAtEndOfInput) {
  EXPECT_THAT(Parse("a,\"b c\"").records, ElementsAre(Rec{1, {"a", "b c"}}));
  EXPECT_THAT(Parse("\"\"").records, ElementsAre(Rec{1, {""}}));
}

TEST(CsvParser, EmbeddedLineBreaksKeepPhysicalLineNumbers) {
  Parsed p = Parse("h1,h2\n\"a\nb\",c\n\"x\r\ny\r\nz\",w\r\n\"p\rq\",r\nlast,1\n");
  ASSERT_FALSE(p.error);
  EXPECT_THAT(p.records,
              ElementsAre(Rec{1, {"h1", "h2"}}, Rec{2, {"a\nb", "c"}}, Rec{4, {"x\r\ny\r\nz", "w"}},
                          Rec{7, {"p\rq", "r"}}, Rec{9, {"last", "1"}}));
}

TEST(CsvParser, EmptyFields) {
  EXPECT_THAT(Parse(",,\n").records, ElementsAre(Rec{1, {"", "", ""}}));
  EXPECT_THAT(Parse("a,,b\n").records, ElementsAre(Rec{1, {"a", "", "b"}}));
  EXPECT_THAT(Parse(",\n").records, ElementsAre(Rec{1, {"", ""}}));
  EXPECT_THAT(Parse("\"\",\"\"\n").records, ElementsAre(Rec{1, {"", ""}}));
}

TEST(CsvParser, TrailingComma) {
  EXPECT_THAT(Parse("a,b,\n").records, ElementsAre(Rec{1, {"a", "b", ""}}));
  EXPECT_THAT(Parse("a,b,").records, ElementsAre(Rec{1, {"a", "b", ""}}));
  EXPECT_THAT(Parse("a,b,\r\n").records, ElementsAre(Rec{1, {"a", "b", ""}}));
}

TEST(CsvParser, BlankLinesAreSkippedButCounted) {
  Parsed p = Parse("\n\r\n\ra\n\n\nb\r\r\nc");
  ASSERT_FALSE(p.error);
  EXPECT_THAT(p.records, ElementsAre(Rec{4, {"a"}}, Rec{7, {"b"}}, Rec{9, {"c"}}));
}

TEST(CsvParser, QuotedEmptyLineIsARecord) {
  // Only a truly empty line is skipped; "" is an explicit empty field.
  EXPECT_THAT(Parse("a\n\"\"\nb\n").records,
              ElementsAre(Rec{1, {"a"}}, Rec{2, {""}}, Rec{3, {"b"}}));
}

TEST(CsvParser, WhitespaceAndUtf8ArePreservedByteForByte) {
  EXPECT_THAT(Parse(" a , b \n").records, ElementsAre(Rec{1, {" a ", " b "}}));
  EXPECT_THAT(Parse("Zoë,日本,\"😀,x\"\n").records, ElementsAre(Rec{1, {"Zoë", "日本", "😀,x"}}));
  EXPECT_THAT(Parse(std::string_view("a\0b,c\n", 6)).records,
              ElementsAre(Rec{1, {std::string("a\0b", 3), "c"}}));
}

TEST(CsvParser, EmptyInputs) {
  EXPECT_THAT(Parse("").records, IsEmpty());
  EXPECT_THAT(Parse("\n\n\r\n").records, IsEmpty());
  EXPECT_THAT(Parse("\xEF\xBB\xBF").records, IsEmpty());
  EXPECT_THAT(ParseChunks({}).records, IsEmpty());
  EXPECT_THAT(ParseChunks({"", "", ""}).records, IsEmpty());
}

// --- BOM -----------------------------------------------------------------------------------

TEST(CsvParser, LeadingBomIsDropped) {
  EXPECT_THAT(Parse("\xEF\xBB\xBF"
                    "email,name\nx,y\n")
                  .records,
              ElementsAre(Rec{1, {"email", "name"}}, Rec{2, {"x", "y"}}));
  EXPECT_THAT(Parse("\xEF\xBB\xBF\"q\"\n").records, ElementsAre(Rec{1, {"q"}}));
}

TEST(CsvParser, BomAnywhereElseIsData) {
  EXPECT_THAT(Parse("a\n\xEF\xBB\xBF"
                    "b\n")
                  .records,
              ElementsAre(Rec{1, {"a"}}, Rec{2,
                                             {"\xEF\xBB\xBF"
                                              "b"}}));
  // Only one BOM is stripped.
  EXPECT_THAT(Parse("\xEF\xBB\xBF\xEF\xBB\xBF"
                    "a")
                  .records,
              ElementsAre(Rec{1,
                              {"\xEF\xBB\xBF"
                               "a"}}));
}

TEST(CsvParser, PartialBomIsData) {
  EXPECT_THAT(Parse("\xEF\xBBx\n").records, ElementsAre(Rec{1, {"\xEF\xBBx"}}));
  EXPECT_THAT(Parse("\xEF,b\n").records, ElementsAre(Rec{1, {"\xEF", "b"}}));
  EXPECT_THAT(Parse("\xEF\xBB").records, ElementsAre(Rec{1, {"\xEF\xBB"}}));
  EXPECT_THAT(ParseChunks({"\xEF", "\xBB"}).records, ElementsAre(Rec{1, {"\xEF\xBB"}}));
  EXPECT_THAT(ParseChunks({"\xEF\xBB", "\n"}).records, ElementsAre(Rec{1, {"\xEF\xBB"}}));
  // A partial BOM followed by a quote is a quote inside an unquoted field.
  Parsed p = ParseChunks({"\xEF", "\"a\""});
  ASSERT_TRUE(p.error);
  EXPECT_EQ(p.error->code, "csv_bad_quote");
}

TEST(CsvParser, BomSplitAcrossChunks) {
  const std::vector<Rec> expected{Rec{1, {"email"}}, Rec{2, {"a"}}};
  EXPECT_EQ(ParseChunks({"\xEF", "\xBB", "\xBF", "email\na\n"}).records, expected);
  EXPECT_EQ(ParseChunks({"\xEF\xBB",
                         "\xBF"
                         "email\na"})
                .records,
            expected);
  EXPECT_EQ(ParseChunks({"", "\xEF", "", "\xBB\xBF", "", "email\n", "a"}).records, expected);
}

TEST(CsvParser, CrlfSplitAcrossChunks) {
  EXPECT_THAT(ParseChunks({"a\r", "\nb\r", "\n", "c"}).records,
              ElementsAre(Rec{1, {"a"}}, Rec{2, {"b"}}, Rec{3, {"c"}}));
  EXPECT_THAT(ParseChunks({"\"x\r", "\ny\",z\r", "\nw"}).records,
              ElementsAre(Rec{1, {"x\r\ny", "z"}}, Rec{3, {"w"}}));
  // A CR at the end of one chunk and a non-LF at the start of the next is a lone CR.
  EXPECT_THAT(ParseChunks({"a\r", "b"}).records, ElementsAre(Rec{1, {"a"}}, Rec{2, {"b"}}));
}

// --- Chunking invariance -------------------------------------------------------------------

const std::vector<std::string> kTrickyInputs = {
    "\xEF\xBB\xBF"
    "email,\"na,me\",x\r\n\"a\"\"b\",\"line1\r\nline2\rline3\nline4\",\r\n\r\n\n,,\r"
    "\"\"\"\",Zoë,\"\"\n last ,\"\",z",
    "a,b\r\n\r\n\"q\r\n\",\"\"\r\n\xEF\xBB\xBF,\xEF\xBB\r\n",
    "\xEF\xBB\xBF\"\xE2\x82\xAC\",\"\xF0\x9F\x98\x80\"\r\r\n\r\"x\"",
    // Errors must not depend on chunking either.
    "a,b\n\"x\ny\"z,w\n",
    "h\r\n\"open\r\nfield",
    "x,y\r\nfoo\"bar\n",
};

void ExpectSameParse(const Parsed& got, const Parsed& want, const std::string& context) {
  EXPECT_EQ(got.records, want.records) << context;
  ASSERT_EQ(got.error.has_value(), want.error.has_value()) << context;
  if (want.error) {
    EXPECT_EQ(got.error->code, want.error->code) << context;
    EXPECT_EQ(got.error->details, want.error->details) << context;
  }
}

TEST(CsvParser, EveryTwoWaySplitGivesTheSameRecords) {
  for (const std::string& input : kTrickyInputs) {
    const Parsed want = Parse(input);
    for (std::size_t i = 0; i <= input.size(); ++i) {
      ExpectSameParse(ParseChunks(SplitAt(input, {i})), want, "split at " + std::to_string(i));
    }
  }
}

TEST(CsvParser, EveryThreeWaySplitGivesTheSameRecords) {
  for (const std::string& input : kTrickyInputs) {
    const Parsed want = Parse(input);
    for (std::size_t i = 0; i <= input.size(); ++i) {
      for (std::size_t j = i; j <= input.size(); ++j) {
        ExpectSameParse(ParseChunks(SplitAt(input, {i, j})), want,
                        "split at " + std::to_string(i) + "," + std::to_string(j));
      }
    }
  }
}

TEST(CsvParser, ByteByByteGivesTheSameRecords) {
  for (const std::string& input : kTrickyInputs) {
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < input.size(); ++i)
      bytes.push_back(std::string_view(input).substr(i, 1));
    ExpectSameParse(ParseChunks(bytes), Parse(input), input);
  }
}

TEST(CsvParser, TrickyInputParsesAsExpected) {
  Parsed p = Parse(kTrickyInputs[0]);
  ASSERT_FALSE(p.error);
  EXPECT_THAT(p.records, ElementsAre(Rec{1, {"email", "na,me", "x"}},
                                     Rec{2, {"a\"b", "line1\r\nline2\rline3\nline4", ""}},
                                     Rec{8, {"", "", ""}}, Rec{9, {"\"", "Zoë", ""}},
                                     Rec{10, {" last ", "", "z"}}));
}

// --- Errors --------------------------------------------------------------------------------

TEST(CsvParser, QuoteInsideUnquotedFieldIsBadQuote) {
  Parsed p = Parse("x,y\nab\"c,d\n");
  ASSERT_TRUE(p.error);
  EXPECT_EQ(p.error->kind, ErrorKind::kBadRequest);
  EXPECT_EQ(p.error->code, "csv_bad_quote");
  EXPECT_EQ(ErrorLine(*p.error), 2u);
  EXPECT_THAT(p.error->message, HasSubstr("line 2"));
  EXPECT_THAT(p.records, ElementsAre(Rec{1, {"x", "y"}}));  // what came before was delivered

  // Leading whitespace makes the field unquoted, so its quote is misplaced.
  Parsed q = Parse(" \"a\",b\n");
  ASSERT_TRUE(q.error);
  EXPECT_EQ(q.error->code, "csv_bad_quote");
}

TEST(CsvParser, TextAfterClosingQuoteIsBadQuote) {
  for (std::string_view input : {"\"ab\"c\n", "\"ab\" ,c\n", "\"a\"\"\"x"}) {
    Parsed p = Parse(input);
    ASSERT_TRUE(p.error) << input;
    EXPECT_EQ(p.error->code, "csv_bad_quote") << input;
    EXPECT_EQ(ErrorLine(*p.error), 1u);
  }
}

TEST(CsvParser, BadQuoteLineCountsEmbeddedLineBreaks) {
  Parsed p = Parse("h\n\"a\r\nb\nc\"d\n");
  ASSERT_TRUE(p.error);
  EXPECT_EQ(p.error->code, "csv_bad_quote");
  EXPECT_EQ(ErrorLine(*p.error), 4u);
  EXPECT_THAT(p.error->message, HasSubstr("line 4"));
}

TEST(CsvParser, UnterminatedQuoteIsReportedAtFinishWithItsStartLine) {
  std::vector<Rec> seen;
  CsvParser parser([&](CsvRecord&& r) {
    seen.emplace_back(r.line, std::move(r.fields));
    return true;
  });
  ASSERT_TRUE(parser.Feed("a\nb,\"never\nclosed\n").ok());
  Status s = parser.Finish();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::kBadRequest);
  EXPECT_EQ(s.error().code, "csv_unterminated_quote");
  EXPECT_EQ(ErrorLine(s.error()), 2u);
  EXPECT_THAT(s.error().message, HasSubstr("line 2"));
  EXPECT_THAT(seen, ElementsAre(Rec{1, {"a"}}));
}

TEST(CsvParser, DoubledQuoteAtEndOfInputIsStillUnterminated) {
  Parsed p = Parse("\"abc\"\"");
  ASSERT_TRUE(p.error);
  EXPECT_EQ(p.error->code, "csv_unterminated_quote");
}

TEST(CsvParser, ParserStaysFailed) {
  std::vector<Rec> seen;
  CsvParser parser([&](CsvRecord&& r) {
    seen.emplace_back(r.line, std::move(r.fields));
    return true;
  });
  Status first = parser.Feed("a\"b\n");
  ASSERT_FALSE(first.ok());
  Status second = parser.Feed("fine,row\n");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "csv_bad_quote");
  EXPECT_EQ(second.error().details, first.error().details);
  Status finish = parser.Finish();
  ASSERT_FALSE(finish.ok());
  EXPECT_EQ(finish.error().code, "csv_bad_quote");
  EXPECT_THAT(seen, IsEmpty());
}

TEST(CsvParser, FeedAfterFinishIsAnError) {
  CsvParser parser([](CsvRecord&&) { return true; });
  ASSERT_TRUE(parser.Finish().ok());
  ASSERT_TRUE(parser.Finish().ok());
  Status s = parser.Feed("a\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "csv_fed_after_finish");
}

// --- Limits --------------------------------------------------------------------------------

using Problems = std::vector<std::pair<std::size_t, std::string>>;

TEST(CsvParser, RecordSizeLimitIsInclusiveAndARowProblem) {
  const CsvLimits limits{.max_record_bytes = 10, .max_fields = 1000};
  // Line breaks do not count; quotes and separators do.
  for (std::string_view fits : {"0123456789\r\n0123456789\n", "\"12345678\"\n", "1234,56789\n",
                                "\n\n\n\n\n\n\n\n\n\n\n\n0123456789"}) {
    Parsed p = Parse(fits, limits);
    EXPECT_FALSE(p.error) << fits;
    EXPECT_THAT(p.problems, IsEmpty()) << fits;
  }

  // The record over the limit is delivered with its problem, and reading goes on after it.
  Parsed p = Parse("ok\n0123456789a\nnext\n", limits);
  EXPECT_FALSE(p.error);
  EXPECT_EQ(p.problems, (Problems{{2, "csv_row_too_large"}}));
  ASSERT_EQ(p.records.size(), 3u);
  EXPECT_EQ(p.records[0], (Rec{1, {"ok"}}));
  EXPECT_EQ(p.records[1].first, 2u);
  EXPECT_EQ(p.records[2], (Rec{3, {"next"}}));

  EXPECT_EQ(Parse("\"123456789\"", limits).problems, (Problems{{1, "csv_row_too_large"}}));
}

TEST(CsvParser, ARowOverItsLimitKeepsTheFieldsBeforeAndDropsTheRest) {
  const CsvLimits limits{.max_record_bytes = 20, .max_fields = 1000};
  Parsed p = Parse("a@x.co,0123456789abcdef,tail\n", limits);
  ASSERT_EQ(p.records.size(), 1u);
  EXPECT_EQ(p.problems, (Problems{{1, "csv_row_too_large"}}));
  // The field that crossed the limit and those after it are empty: never half a value.
  EXPECT_THAT(p.records[0].second, ElementsAre("a@x.co", "", ""));
}

TEST(CsvParser, FieldSizeLimitIsInclusiveAndARowProblem) {
  const CsvLimits limits{.max_record_bytes = 1000, .max_fields = 1000, .max_field_bytes = 5};
  Parsed fits = Parse("12345,\"ab\"\"de\"\n", limits);  // a doubled quote is one byte
  EXPECT_THAT(fits.problems, IsEmpty());
  EXPECT_THAT(fits.records, ElementsAre(Rec{1, {"12345", "ab\"de"}}));

  Parsed p = Parse("a,123456,c\n\"x\",\"1234\n56\",z\nlast\n", limits);
  EXPECT_FALSE(p.error);
  EXPECT_EQ(p.problems, (Problems{{1, "csv_field_too_large"}, {2, "csv_field_too_large"}}));
  ASSERT_EQ(p.records.size(), 3u);
  EXPECT_EQ(p.records[0], (Rec{1, {"a", "", "c"}}));
  EXPECT_EQ(p.records[1], (Rec{2, {"x", "", "z"}}));
  EXPECT_EQ(p.records[2], (Rec{4, {"last"}}));
}

TEST(CsvParser, FieldProblemNamesTheColumnAndTheLimit) {
  const CsvLimits limits{.max_record_bytes = 1000, .max_fields = 1000, .max_field_bytes = 3};
  std::optional<Error> problem;
  CsvParser parser(
      [&](CsvRecord&& r) {
        problem = r.problem;
        return true;
      },
      limits);
  ASSERT_TRUE(parser.Feed("h\nab,abcd\n").ok());
  ASSERT_TRUE(parser.Finish().ok());
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->kind, ErrorKind::kTooLarge);
  EXPECT_EQ(problem->code, "csv_field_too_large");
  EXPECT_EQ(problem->details["line"], 2);
  EXPECT_EQ(problem->details["column"], 2);
  EXPECT_EQ(problem->details["maxBytes"], 3);
  EXPECT_THAT(problem->message, HasSubstr("line 2"));
}

TEST(CsvParser, AHugeUnquotedFieldIsOneRecordNotABlankLine) {
  const CsvLimits limits{.max_record_bytes = 100, .max_fields = 1000, .max_field_bytes = 10};
  Parsed p = Parse(std::string(5000, 'x') + "\nok\n", limits);
  EXPECT_EQ(p.problems, (Problems{{1, "csv_field_too_large"}}));
  ASSERT_EQ(p.records.size(), 2u);
  EXPECT_EQ(p.records[1], (Rec{2, {"ok"}}));
}

TEST(CsvParser, EndlessQuotedFieldKeepsNoMoreThanTheLimit) {
  const CsvLimits limits{.max_record_bytes = 1000, .max_fields = 1000};
  std::vector<CsvRecord> records;
  CsvParser parser(
      [&](CsvRecord&& r) {
        records.push_back(std::move(r));
        return true;
      },
      limits);
  ASSERT_TRUE(parser.Feed("email\n\"").ok());
  const std::string chunk(600, 'x');
  // Far past the limit: the bytes are parsed but not kept, so this costs no memory.
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(parser.Feed(chunk).ok());
  ASSERT_TRUE(parser.Feed("\"\nnext\n").ok());
  ASSERT_TRUE(parser.Finish().ok());
  ASSERT_EQ(records.size(), 3u);
  ASSERT_TRUE(records[1].problem);
  EXPECT_EQ(records[1].problem->code, "csv_row_too_large");
  EXPECT_EQ(records[1].problem->details["line"], 2);
  EXPECT_THAT(records[1].fields, ElementsAre(""));
  EXPECT_THAT(records[2].fields, ElementsAre("next"));
  // Input that ends inside it is still an unterminated quote.
  CsvParser open([](CsvRecord&&) { return true; }, limits);
  ASSERT_TRUE(open.Feed("email\n\"" + std::string(5000, 'x')).ok());
  Status s = open.Finish();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "csv_unterminated_quote");
}

TEST(CsvParser, FieldCountLimitIsInclusiveAndARowProblem) {
  const CsvLimits limits{.max_record_bytes = 1 << 20, .max_fields = 3};
  EXPECT_THAT(Parse("a,b,c\n,,\n", limits).problems, IsEmpty());
  for (std::string_view input : {"a,b,c,d\n", "a,b,c,\n", ",,,", "\"\",\"\",\"\",\"\""}) {
    Parsed p = Parse(input, limits);
    EXPECT_FALSE(p.error) << input;
    EXPECT_EQ(p.problems, (Problems{{1, "csv_too_many_fields"}})) << input;
    ASSERT_EQ(p.records.size(), 1u);
    EXPECT_EQ(p.records[0].second.size(), 3u) << "no more fields kept than the limit";
  }
  Parsed p = Parse("a\nb\n1,2,3,4,5\n6\n", limits);
  EXPECT_EQ(p.problems, (Problems{{3, "csv_too_many_fields"}}));
  EXPECT_EQ(p.records.back(), (Rec{4, {"6"}}));
}

// --- Early stop ----------------------------------------------------------------------------

TEST(CsvParser, CallbackCanStopParsing) {
  std::vector<Rec> seen;
  CsvParser parser([&](CsvRecord&& r) {
    seen.emplace_back(r.line, std::move(r.fields));
    return seen.size() < 2;
  });
  ASSERT_TRUE(parser.Feed("a\nb\nc\nd\n").ok());
  ASSERT_TRUE(parser.Feed("e\n\"bad").ok());  // ignored, so its errors are too
  ASSERT_TRUE(parser.Finish().ok());
  EXPECT_THAT(seen, ElementsAre(Rec{1, {"a"}}, Rec{2, {"b"}}));
}

TEST(CsvParser, StopOnLastRecordAtFinish) {
  int calls = 0;
  CsvParser parser([&](CsvRecord&&) {
    ++calls;
    return false;
  });
  ASSERT_TRUE(parser.Feed("only").ok());
  ASSERT_TRUE(parser.Finish().ok());
  ASSERT_TRUE(parser.Finish().ok());
  EXPECT_EQ(calls, 1);
}

// --- Volume --------------------------------------------------------------------------------

TEST(CsvParser, StreamsALargeFileInFixedChunks) {
  constexpr std::size_t kRows = 200000;
  std::string input =
      "\xEF\xBB\xBF"
      "id,email,note\r\n";
  for (std::size_t i = 1; i <= kRows; ++i) {
    input += std::to_string(i) + ",user" + std::to_string(i) + "@example.com,";
    // Every 1000th row carries a line break inside a quoted field.
    input += (i % 1000 == 0) ? "\"multi\r\nline, \"\"quoted\"\"\"\r\n" : "\"plain, quoted\"\r\n";
  }

  std::size_t count = 0;
  std::size_t expected_line = 1;
  bool in_order = true;
  CsvRecord last;
  CsvParser parser([&](CsvRecord&& r) {
    if (r.line != expected_line || r.fields.size() != 3) in_order = false;
    if (count > 0 && r.fields[0] != std::to_string(count)) in_order = false;
    expected_line += (count > 0 && count % 1000 == 0) ? 2 : 1;
    ++count;
    last = std::move(r);
    return true;
  });
  constexpr std::size_t kChunk = 64 * 1024;
  for (std::size_t pos = 0; pos < input.size(); pos += kChunk) {
    ASSERT_TRUE(parser.Feed(std::string_view(input).substr(pos, kChunk)).ok());
  }
  ASSERT_TRUE(parser.Finish().ok());

  EXPECT_EQ(count, kRows + 1);
  EXPECT_TRUE(in_order);
  EXPECT_EQ(last.line, 1 + kRows + kRows / 1000 - 1);
  EXPECT_THAT(last.fields, ElementsAre(std::to_string(kRows), "user200000@example.com",
                                       "multi\r\nline, \"quoted\""));
}

}  // namespace
}  // namespace mailmark
