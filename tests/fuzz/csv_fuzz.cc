// A CSV upload (POST .../enrollments/import): the streaming parser under small limits, and the
// mapping of its header and rows to contacts.
//
// Input: a byte for the chunk size, three for the limits, then the CSV text.
#include <variant>
#include <vector>

#include "csv/contact_rows.h"
#include "csv/csv_parser.h"
#include "fuzz_support.h"

using namespace mailmark;

namespace {

struct Parse {
  std::vector<CsvRecord> records;
  std::optional<Error> error;
};

Parse Read(std::string_view text, std::size_t chunk, CsvLimits limits) {
  Parse out;
  CsvParser parser(
      [&](CsvRecord&& record) {
        out.records.push_back(std::move(record));
        return true;
      },
      limits);
  for (std::size_t at = 0; at < text.size() && !out.error; at += chunk) {
    if (auto fed = parser.Feed(text.substr(at, chunk)); !fed) out.error = fed.error();
  }
  if (!out.error) {
    if (auto done = parser.Finish(); !done) out.error = done.error();
  }
  return out;
}

bool Same(const CsvRecord& a, const CsvRecord& b) {
  return a.fields == b.fields && a.line == b.line &&
         a.problem.has_value() == b.problem.has_value() &&
         (!a.problem || a.problem->code == b.problem->code);
}

// Every field quoted, so that the text reads back as exactly these fields.
std::string Write(const std::vector<CsvRecord>& records) {
  std::string out;
  for (const CsvRecord& record : records) {
    for (std::size_t i = 0; i < record.fields.size(); ++i) {
      if (i > 0) out += ',';
      out += '"';
      for (char c : record.fields[i]) {
        if (c == '"') out += '"';
        out += c;
      }
      out += '"';
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  std::size_t chunk = 1 + input.Byte() % 32;
  CsvLimits limits;
  limits.max_field_bytes = 1 + input.Byte() % 64;
  limits.max_record_bytes = 1 + input.Byte();
  limits.max_fields = 1 + input.Byte() % 16;
  std::string_view text = input.Rest();

  Parse parse = Read(text, chunk, limits);
  // How the upload is cut into chunks changes nothing.
  Parse whole = Read(text, text.size() + 1, limits);
  FUZZ_CHECK(parse.records.size() == whole.records.size());
  for (std::size_t i = 0; i < parse.records.size(); ++i) {
    FUZZ_CHECK(Same(parse.records[i], whole.records[i]));
  }
  FUZZ_CHECK(parse.error.has_value() == whole.error.has_value());
  if (parse.error) FUZZ_CHECK(parse.error->code == whole.error->code);

  std::size_t line = 0;
  std::vector<CsvRecord> whole_records;
  for (const CsvRecord& record : parse.records) {
    FUZZ_CHECK(record.line > line);
    line = record.line;
    FUZZ_CHECK(record.fields.size() <= limits.max_fields);
    for (const std::string& field : record.fields) {
      FUZZ_CHECK(field.size() <= limits.max_field_bytes);
    }
    if (!record.problem) whole_records.push_back(record);
  }

  // The records that were read whole read back the same from a CSV that quotes everything.
  CsvLimits unbounded{SIZE_MAX, SIZE_MAX, SIZE_MAX};
  Parse again = Read(Write(whole_records), 7, unbounded);
  FUZZ_CHECK(!again.error);
  FUZZ_CHECK(again.records.size() == whole_records.size());
  for (std::size_t i = 0; i < whole_records.size(); ++i) {
    FUZZ_CHECK(again.records[i].fields == whole_records[i].fields);
  }

  // The import's mapping: the first record names the columns.
  if (parse.records.empty()) return 0;
  Result<ContactColumns> columns = MapHeader(parse.records.front());
  if (!columns) return 0;
  FUZZ_CHECK(columns->email_index < columns->column_count);
  FUZZ_CHECK(columns->merge_fields.size() < columns->column_count);
  for (std::size_t i = 1; i < parse.records.size(); ++i) {
    auto row = MapRow(*columns, parse.records[i]);
    if (auto* contact = std::get_if<ContactRow>(&row)) {
      FUZZ_CHECK(contact->line == parse.records[i].line);
      FUZZ_CHECK(!parse.records[i].problem);
      FUZZ_CHECK(contact->merge_fields.size() <= columns->merge_fields.size());
    } else {
      FUZZ_CHECK(!std::get<RowError>(row).code.empty());
    }
  }
  return 0;
}
