#include "csv/contact_rows.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/input_limits.h"

namespace mailmark {
namespace {

constexpr std::string_view kWhitespace = " \t\r\n\v\f";

std::string_view Trim(std::string_view s) {
  const auto begin = s.find_first_not_of(kWhitespace);
  if (begin == std::string_view::npos) return {};
  const auto end = s.find_last_not_of(kWhitespace);
  return s.substr(begin, end - begin + 1);
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

bool IsEmailColumn(std::string_view lower_name) {
  return lower_name == "email" || lower_name == "contactemail";
}

}  // namespace

Result<ContactColumns> MapHeader(const CsvRecord& header) {
  if (header.problem) return *header.problem;  // its names were not all read
  ContactColumns columns;
  columns.column_count = header.fields.size();
  std::map<std::string, std::size_t> seen;  // lower-cased name → column index
  std::optional<std::size_t> email_index;

  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string_view name = Trim(header.fields[i]);
    if (name.empty()) {
      return MakeError(ErrorKind::kInvalid, "csv_empty_header",
                       fmt::format("column {} of the CSV header has no name; every column needs "
                                   "one (remove trailing commas from the header)",
                                   i + 1),
                       {{"line", header.line}, {"column", i + 1}});
    }
    std::string lower = AsciiLower(name);
    // The two email spellings count as one name so that a file cannot carry two addresses.
    const std::string key = IsEmailColumn(lower) ? std::string("email") : lower;
    if (const auto it = seen.find(key); it != seen.end()) {
      return MakeError(
          ErrorKind::kInvalid, "csv_duplicate_column",
          fmt::format("CSV header columns {} (\"{}\") and {} (\"{}\") name the same field",
                      it->second + 1, Trim(header.fields[it->second]), i + 1, name),
          {{"line", header.line}, {"columns", nlohmann::json::array({it->second + 1, i + 1})}});
    }
    if (name.size() > kMaxMergeKeyBytes) {
      return MakeError(ErrorKind::kInvalid, "invalid_merge_fields",
                       fmt::format("column {} of the CSV header is longer than {} bytes; a merge "
                                   "field name is at most that long",
                                   i + 1, kMaxMergeKeyBytes),
                       {{"line", header.line}, {"column", i + 1}, {"maxBytes", kMaxMergeKeyBytes}});
    }
    seen.emplace(key, i);
    if (IsEmailColumn(lower)) {
      email_index = i;
    } else {
      columns.merge_fields.emplace_back(i, std::string(name));
    }
  }
  if (!email_index) {
    return MakeError(
        ErrorKind::kInvalid, "csv_no_email_column",
        "the CSV header has no email column: name one column \"email\" or "
        "\"contactEmail\" (case-insensitive)",
        {{"line", header.line}, {"accepted", nlohmann::json::array({"email", "contactEmail"})}});
  }
  if (columns.merge_fields.size() > kMaxMergeFields) {
    return MakeError(
        ErrorKind::kTooLarge, "too_many_merge_fields",
        fmt::format("the CSV header names {} merge fields besides the email; at "
                    "most {} are allowed",
                    columns.merge_fields.size(), kMaxMergeFields),
        {{"line", header.line}, {"max", kMaxMergeFields}, {"count", columns.merge_fields.size()}});
  }
  columns.email_index = *email_index;
  return columns;
}

std::variant<ContactRow, RowError> MapRow(const ContactColumns& columns, const CsvRecord& record) {
  std::string email;
  if (columns.email_index < record.fields.size()) {
    email = std::string(Trim(record.fields[columns.email_index]));
  }
  if (record.problem) {
    return RowError{record.line, std::move(email), record.problem->code, record.problem->message};
  }
  if (record.fields.size() != columns.column_count) {
    return RowError{record.line, std::move(email), "csv_column_count",
                    fmt::format("line {}: expected {} fields as in the header, found {}",
                                record.line, columns.column_count, record.fields.size())};
  }
  if (email.empty()) {
    return RowError{record.line, "", "missing_email",
                    fmt::format("line {}: the email is empty", record.line)};
  }
  ContactRow row{record.line, std::move(email), {}};
  std::size_t total = 0;
  for (const auto& [index, name] : columns.merge_fields) {
    const std::string_view value = Trim(record.fields[index]);
    total += name.size() + value.size();
    row.merge_fields.emplace(name, value);
  }
  // What the JSON API refuses for one contact is refused here too (long names can push a row
  // that fits kMaxCsvRowBytes past it).
  if (total > kMaxMergeFieldsBytes) {
    return RowError{record.line, std::move(row.email), "csv_row_too_large",
                    fmt::format("line {}: the merge fields (names and values) are larger than "
                                "{} bytes",
                                record.line, kMaxMergeFieldsBytes)};
  }
  return row;
}

}  // namespace mailmark
