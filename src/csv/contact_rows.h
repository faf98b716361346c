// Maps parsed CSV records to enrollment contacts: the header names the columns, one of them the
// email, every other one a merge field (SPEC.md "Enrollment", Bulk). Pure: no I/O, no storage.
//
// Decisions:
// - Header names are trimmed; the email column is "email" or "contactEmail" (ASCII
//   case-insensitive). Merge field names keep the header's spelling ("firstName").
// - Every header cell must be named, trailing ones included: a header ending in a comma is
//   rejected (csv_empty_header) rather than silently guessing which columns matter.
// - Values are trimmed of surrounding ASCII whitespace, as spreadsheet users expect; empty values
//   stay as empty strings so a template's {{key|fallback}} applies.
// - The email is only trimmed here; address validation belongs to the enrollment rules.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/model.h"
#include "core/result.h"
#include "csv/csv_parser.h"

namespace mailmark {

struct ContactColumns {
  std::size_t email_index = 0;
  std::vector<std::pair<std::size_t, std::string>> merge_fields;  // column index → field name
  std::size_t column_count = 0;
};

// Errors (ErrorKind::kInvalid): csv_no_email_column, csv_duplicate_column, csv_empty_header,
// invalid_merge_fields (a name over kMaxMergeKeyBytes; details column, maxBytes).
// ErrorKind::kTooLarge: too_many_merge_fields (over kMaxMergeFields columns besides the email;
// details max, count), or the header record's own CsvRecord::problem.
Result<ContactColumns> MapHeader(const CsvRecord& header);

struct ContactRow {
  std::size_t line = 0;
  std::string email;
  MergeFields merge_fields;
};

// A row that cannot become a contact; the import reports it and goes on.
struct RowError {
  std::size_t line = 0;
  std::string email;  // as far as it could be read, else empty
  // csv_column_count | missing_email | csv_field_too_large | csv_row_too_large |
  // csv_too_many_fields (the last three: CsvRecord::problem, or merge fields over
  // kMaxMergeFieldsBytes as csv_row_too_large)
  std::string code;
  std::string message;
};

std::variant<ContactRow, RowError> MapRow(const ContactColumns& columns, const CsvRecord& record);

}  // namespace mailmark
