#include "csv/contact_rows.h"

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/input_limits.h"

namespace mailmark {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

CsvRecord Rec(std::vector<std::string> fields, std::size_t line = 1) {
  CsvRecord record;
  record.fields = std::move(fields);
  record.line = line;
  return record;
}

ContactColumns Header(std::vector<std::string> fields) {
  Result<ContactColumns> columns = MapHeader(Rec(std::move(fields)));
  EXPECT_TRUE(columns.ok()) << (columns.ok() ? "" : columns.error().message);
  return columns.ok() ? *columns : ContactColumns{};
}

ContactRow ExpectRow(const ContactColumns& columns, const CsvRecord& record) {
  auto mapped = MapRow(columns, record);
  if (const auto* error = std::get_if<RowError>(&mapped)) {
    ADD_FAILURE() << error->code << ": " << error->message;
    return {};
  }
  return std::get<ContactRow>(std::move(mapped));
}

RowError ExpectRowError(const ContactColumns& columns, const CsvRecord& record) {
  auto mapped = MapRow(columns, record);
  if (std::holds_alternative<ContactRow>(mapped)) {
    ADD_FAILURE() << "expected a row error";
    return {};
  }
  return std::get<RowError>(std::move(mapped));
}

// --- Header --------------------------------------------------------------------------------

TEST(MapHeader, AcceptsBothEmailSpellingsInAnyCase) {
  for (std::string name : {"email", "EMAIL", "Email", " email\t", "contactEmail", "CONTACTEMAIL",
                           "contactemail", "  ContactEmail "}) {
    Result<ContactColumns> columns = MapHeader(Rec({"first", name, "last"}));
    ASSERT_TRUE(columns.ok()) << name;
    EXPECT_EQ(columns->email_index, 1u) << name;
    EXPECT_EQ(columns->column_count, 3u);
  }
}

TEST(MapHeader, OtherColumnsBecomeTrimmedMergeFieldsInTheirOwnSpelling) {
  ContactColumns columns = Header({" firstName ", "Email", "company name", "ZIP"});
  EXPECT_EQ(columns.email_index, 1u);
  EXPECT_EQ(columns.column_count, 4u);
  EXPECT_THAT(columns.merge_fields,
              ElementsAre(Pair(0u, "firstName"), Pair(2u, "company name"), Pair(3u, "ZIP")));
}

TEST(MapHeader, EmailOnlyHeader) {
  ContactColumns columns = Header({"email"});
  EXPECT_EQ(columns.email_index, 0u);
  EXPECT_EQ(columns.column_count, 1u);
  EXPECT_THAT(columns.merge_fields, IsEmpty());
}

TEST(MapHeader, NearMissesAreNotTheEmailColumn) {
  for (std::string name : {"e-mail", "emails", "mail", "contact email", "contact_email"}) {
    Result<ContactColumns> columns = MapHeader(Rec({"name", name}));
    ASSERT_FALSE(columns.ok()) << name;
    EXPECT_EQ(columns.error().code, "csv_no_email_column");
  }
}

TEST(MapHeader, MissingEmailColumnNamesTheAcceptedNames) {
  Result<ContactColumns> columns = MapHeader(Rec({"name", "company"}));
  ASSERT_FALSE(columns.ok());
  EXPECT_EQ(columns.error().kind, ErrorKind::kInvalid);
  EXPECT_EQ(columns.error().code, "csv_no_email_column");
  EXPECT_THAT(columns.error().message, HasSubstr("\"email\""));
  EXPECT_THAT(columns.error().message, HasSubstr("\"contactEmail\""));
  EXPECT_EQ(columns.error().details.at("accepted"),
            nlohmann::json::array({"email", "contactEmail"}));
}

TEST(MapHeader, DuplicateColumnsAreRejectedCaseInsensitively) {
  Result<ContactColumns> columns = MapHeader(Rec({"email", "firstName", "FIRSTNAME "}));
  ASSERT_FALSE(columns.ok());
  EXPECT_EQ(columns.error().kind, ErrorKind::kInvalid);
  EXPECT_EQ(columns.error().code, "csv_duplicate_column");
  EXPECT_THAT(columns.error().message, HasSubstr("firstName"));
  EXPECT_THAT(columns.error().message, HasSubstr("FIRSTNAME"));
  EXPECT_EQ(columns.error().details.at("columns"), nlohmann::json::array({2, 3}));
}

TEST(MapHeader, TwoEmailColumnsAreDuplicates) {
  for (auto fields : std::vector<std::vector<std::string>>{
           {"email", "Email"}, {"email", "contactEmail"}, {"contactEmail", "x", "EMAIL"}}) {
    Result<ContactColumns> columns = MapHeader(Rec(fields));
    ASSERT_FALSE(columns.ok());
    EXPECT_EQ(columns.error().code, "csv_duplicate_column");
  }
}

TEST(MapHeader, EveryColumnNeedsAName) {
  for (auto fields : std::vector<std::vector<std::string>>{
           {"email", "", "name"}, {"email", "name", ""}, {"email", "  "}, {"", "email"}}) {
    Result<ContactColumns> columns = MapHeader(Rec(fields));
    ASSERT_FALSE(columns.ok());
    EXPECT_EQ(columns.error().kind, ErrorKind::kInvalid);
    EXPECT_EQ(columns.error().code, "csv_empty_header");
  }
  Result<ContactColumns> columns = MapHeader(Rec({"email", "name", ""}));
  ASSERT_FALSE(columns.ok());
  EXPECT_EQ(columns.error().details.at("column"), 3);
  EXPECT_THAT(columns.error().message, HasSubstr("column 3"));
}

// --- Rows ----------------------------------------------------------------------------------

TEST(MapRow, MapsEmailAndMergeFields) {
  ContactColumns columns = Header({"firstName", "email", "company"});
  ContactRow row = ExpectRow(columns, Rec({"Ada", "ada@example.com", "Analytical"}, 7));
  EXPECT_EQ(row.line, 7u);
  EXPECT_EQ(row.email, "ada@example.com");
  EXPECT_THAT(row.merge_fields,
              ElementsAre(Pair("company", "Analytical"), Pair("firstName", "Ada")));
}

TEST(MapRow, TrimsEmailAndValuesButKeepsInnerText) {
  ContactColumns columns = Header({"email", "name", "note"});
  ContactRow row = ExpectRow(columns, Rec({"  Ada@Example.COM\t", " Ada  Lovelace ", "a\nb"}));
  EXPECT_EQ(row.email, "Ada@Example.COM");  // case is the enrollment rules' business
  EXPECT_EQ(row.merge_fields.at("name"), "Ada  Lovelace");
  EXPECT_EQ(row.merge_fields.at("note"), "a\nb");
}

TEST(MapRow, EmptyValuesAreKeptSoFallbacksApply) {
  ContactColumns columns = Header({"email", "firstName", "company"});
  ContactRow row = ExpectRow(columns, Rec({"a@b.c", "", "   "}));
  EXPECT_THAT(row.merge_fields, ElementsAre(Pair("company", ""), Pair("firstName", "")));
}

TEST(MapRow, DoesNotValidateTheAddress) {
  ContactColumns columns = Header({"email"});
  EXPECT_EQ(ExpectRow(columns, Rec({"not an address"})).email, "not an address");
}

TEST(MapRow, WrongFieldCountIsARowError) {
  ContactColumns columns = Header({"name", "email", "company"});
  RowError fewer = ExpectRowError(columns, Rec({"Ada", "ada@example.com"}, 12));
  EXPECT_EQ(fewer.code, "csv_column_count");
  EXPECT_EQ(fewer.line, 12u);
  EXPECT_EQ(fewer.email, "ada@example.com");
  EXPECT_THAT(fewer.message, HasSubstr("expected 3"));
  EXPECT_THAT(fewer.message, HasSubstr("found 2"));

  RowError more = ExpectRowError(columns, Rec({"Ada", " x@y.z ", "c", "extra"}, 3));
  EXPECT_EQ(more.code, "csv_column_count");
  EXPECT_EQ(more.email, "x@y.z");
  EXPECT_THAT(more.message, HasSubstr("found 4"));

  RowError no_email_column = ExpectRowError(columns, Rec({"Ada"}, 4));
  EXPECT_EQ(no_email_column.code, "csv_column_count");
  EXPECT_EQ(no_email_column.email, "");
}

TEST(MapRow, EmptyEmailIsMissingEmail) {
  ContactColumns columns = Header({"email", "name"});
  for (std::string email : {"", "   ", "\t"}) {
    RowError error = ExpectRowError(columns, Rec({email, "Ada"}, 5));
    EXPECT_EQ(error.code, "missing_email");
    EXPECT_EQ(error.line, 5u);
    EXPECT_EQ(error.email, "");
    EXPECT_THAT(error.message, HasSubstr("line 5"));
  }
}

TEST(MapRow, ARecordOverASizeLimitIsARowErrorWithItsCode) {
  ContactColumns columns = Header({"email", "bio"});
  CsvRecord record = Rec({" big@x.co ", ""}, 7);
  record.problem = MakeError(ErrorKind::kTooLarge, "csv_field_too_large", "line 7: field 2 …");
  RowError error = ExpectRowError(columns, record);
  EXPECT_EQ(error.code, "csv_field_too_large");
  EXPECT_EQ(error.line, 7u);
  EXPECT_EQ(error.email, "big@x.co");
  EXPECT_EQ(error.message, "line 7: field 2 …");
}

TEST(MapRow, MergeFieldsOverTheirTotalLimitAreARowError) {
  // Long names push what a row that fits kMaxCsvRowBytes holds past kMaxMergeFieldsBytes.
  std::vector<std::string> names = {"email"};
  for (int i = 0; i < 8; ++i) names.push_back(std::string(190, static_cast<char>('a' + i)));
  ContactColumns columns = Header(names);
  std::vector<std::string> fields = {"a@x.co"};
  std::size_t total = 8 * 190;
  for (int i = 0; i < 8; ++i) {
    std::size_t room = std::min(kMaxCsvFieldBytes, kMaxMergeFieldsBytes - total);
    fields.push_back(std::string(room, 'v'));
    total += room;
  }
  ASSERT_EQ(total, kMaxMergeFieldsBytes);
  EXPECT_EQ(ExpectRow(columns, Rec(fields)).merge_fields.size(), 8u);
  fields.back() += "v";
  RowError error = ExpectRowError(columns, Rec(fields, 9));
  EXPECT_EQ(error.code, "csv_row_too_large");
  EXPECT_EQ(error.email, "a@x.co");
}

TEST(MapHeader, AtMostKMaxMergeFieldColumnsBesidesTheEmail) {
  std::vector<std::string> names = {"email"};
  for (std::size_t i = 0; i < kMaxMergeFields; ++i) names.push_back("f" + std::to_string(i));
  EXPECT_TRUE(MapHeader(Rec(names)).ok());
  names.push_back("one_more");
  Result<ContactColumns> over = MapHeader(Rec(names));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().kind, ErrorKind::kTooLarge);
  EXPECT_EQ(over.error().code, "too_many_merge_fields");
  EXPECT_EQ(over.error().details["max"], kMaxMergeFields);
  EXPECT_EQ(over.error().details["count"], kMaxMergeFields + 1);
}

TEST(MapHeader, NamesAtMostKMaxMergeKeyBytes) {
  EXPECT_TRUE(MapHeader(Rec({"email", std::string(kMaxMergeKeyBytes, 'k')})).ok());
  Result<ContactColumns> over = MapHeader(Rec({"email", std::string(kMaxMergeKeyBytes + 1, 'k')}));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, "invalid_merge_fields");
  EXPECT_EQ(over.error().details["column"], 2);
  EXPECT_EQ(over.error().details["maxBytes"], kMaxMergeKeyBytes);
}

TEST(MapHeader, AHeaderRecordOverASizeLimitIsRefused) {
  CsvRecord header = Rec({"email", ""});
  header.problem = MakeError(ErrorKind::kTooLarge, "csv_field_too_large", "line 1: …");
  Result<ContactColumns> columns = MapHeader(header);
  ASSERT_FALSE(columns.ok());
  EXPECT_EQ(columns.error().code, "csv_field_too_large");
  EXPECT_EQ(columns.error().kind, ErrorKind::kTooLarge);
}

// --- Parser and mapping together -----------------------------------------------------------

TEST(ContactCsv, ParsesAndMapsAnUpload) {
  const std::string upload =
      "\xEF\xBB\xBF"
      "Email,firstName,Company\r\n"
      "ada@example.com,Ada,\"Analytical, Ltd\"\r\n"
      "\r\n"
      ",Nobody,\r\n"
      "bob@example.com,Bob\r\n"
      "\"carol@example.com\",\"Carol\nC.\",\r\n";
  std::optional<ContactColumns> columns;
  std::vector<ContactRow> rows;
  std::vector<RowError> errors;
  CsvParser parser([&](CsvRecord&& record) {
    if (!columns) {
      Result<ContactColumns> header = MapHeader(record);
      EXPECT_TRUE(header.ok());
      if (!header.ok()) return false;
      columns = *header;
      return true;
    }
    auto mapped = MapRow(*columns, record);
    if (auto* row = std::get_if<ContactRow>(&mapped)) {
      rows.push_back(std::move(*row));
    } else {
      errors.push_back(std::get<RowError>(std::move(mapped)));
    }
    return true;
  });
  ASSERT_TRUE(parser.Feed(upload).ok());
  ASSERT_TRUE(parser.Finish().ok());

  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].line, 2u);
  EXPECT_EQ(rows[0].email, "ada@example.com");
  EXPECT_THAT(rows[0].merge_fields,
              ElementsAre(Pair("Company", "Analytical, Ltd"), Pair("firstName", "Ada")));
  EXPECT_EQ(rows[1].line, 6u);
  EXPECT_EQ(rows[1].email, "carol@example.com");
  EXPECT_EQ(rows[1].merge_fields.at("firstName"), "Carol\nC.");

  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].line, 4u);
  EXPECT_EQ(errors[0].code, "missing_email");
  EXPECT_EQ(errors[1].line, 5u);
  EXPECT_EQ(errors[1].code, "csv_column_count");
  EXPECT_EQ(errors[1].email, "bob@example.com");
}

}  // namespace
}  // namespace mailmark
