// A push-based RFC 4180 CSV reader: feed body chunks of any size, get records one at a time.
//
// Memory stays bounded by CsvLimits however long the input is, and time is linear in its size.
// Accepted beyond RFC 4180: a UTF-8 BOM at the very start (dropped), LF and lone CR line endings
// as well as CRLF, and blank lines (skipped: they produce no record). Fields are bytes; no
// character-set validation happens here.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/input_limits.h"
#include "core/result.h"

namespace mailmark {

struct CsvRecord {
  std::vector<std::string> fields;
  std::size_t line = 0;  // 1-based physical line where the record starts
  // Set when the record broke a size limit (ErrorKind::kTooLarge, details {"line", "maxBytes"
  // or "max", and "column" for a field}). Its fields are then incomplete: a field over the
  // limit is empty, and once the record is over its limit nothing more of it is kept. It is
  // still read to its end, so the records after it are whole.
  //   csv_field_too_large   a field longer than max_field_bytes (the first such one)
  //   csv_row_too_large     a record longer than max_record_bytes
  //   csv_too_many_fields   a record with more than max_fields fields
  std::optional<Error> problem;
};

struct CsvLimits {
  std::size_t max_record_bytes = kMaxCsvRowBytes;  // raw bytes of one record, quotes included
  std::size_t max_fields = kMaxCsvFields;
  std::size_t max_field_bytes = kMaxCsvFieldBytes;  // one field's content, quotes undone
};

// Errors (ErrorKind::kBadRequest, details {"line": N}), which end the parse:
//   csv_bad_quote           a quote inside an unquoted field, or text after a closing quote
//   csv_unterminated_quote  input ended inside a quoted field (reported by Finish)
// After an error every later call returns the same error. A record over a size limit is no
// error of the parse: it is delivered with CsvRecord::problem set.
class CsvParser {
 public:
  // Return false to stop early: Feed then returns Ok and ignores the rest of the input.
  using RecordFn = std::function<bool(CsvRecord&&)>;

  explicit CsvParser(RecordFn on_record, CsvLimits limits = {});

  Status Feed(std::string_view chunk);
  // End of input: flushes a last record that has no line break after it.
  Status Finish();

 private:
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };

  void Consume(std::string_view bytes);
  void Step(char c);
  void AppendToField(char c);
  void EndField();
  void EndRecord();
  void Fail(std::string code, std::string message, std::size_t line);
  void Problem(std::string code, std::string message, nlohmann::json details);
  bool Halted() const { return error_.has_value() || stopped_; }

  RecordFn on_record_;
  CsvLimits limits_;

  std::size_t bom_matched_ = 0;  // bytes of a leading BOM seen so far
  bool bom_done_ = false;

  State state_ = State::kFieldStart;
  std::vector<std::string> fields_;
  std::string field_;
  bool field_quoted_ = false;
  bool field_over_ = false;              // field_ passed max_field_bytes: the rest is dropped
  bool record_over_ = false;             // the record passed max_record_bytes: likewise
  std::optional<Error> record_problem_;  // the first limit the record broke
  std::size_t record_bytes_ = 0;
  std::size_t record_line_ = 1;
  std::size_t quote_line_ = 1;  // where the open quoted field began, for error messages

  std::size_t line_ = 1;
  bool prev_cr_ = false;  // the LF of a CRLF pair starts no new line

  bool stopped_ = false;
  bool finished_ = false;
  std::optional<Error> error_;
};

}  // namespace mailmark
