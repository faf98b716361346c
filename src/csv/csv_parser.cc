#include "csv/csv_parser.h"

#include <utility>

#include <fmt/format.h>

namespace mailmark {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

}  // namespace

CsvParser::CsvParser(RecordFn on_record, CsvLimits limits)
    : on_record_(std::move(on_record)), limits_(limits) {}

Status CsvParser::Feed(std::string_view chunk) {
  if (error_) return *error_;
  if (finished_) {
    return MakeError(ErrorKind::kInternal, "csv_fed_after_finish",
                     "CSV input was fed after Finish()");
  }
  if (stopped_) return Ok{};
  // The BOM may arrive split across chunks, so it is matched byte by byte; a near-miss is data.
  while (!bom_done_ && !chunk.empty()) {
    if (chunk.front() == kBom[bom_matched_]) {
      chunk.remove_prefix(1);
      if (++bom_matched_ == kBom.size()) bom_done_ = true;
    } else {
      bom_done_ = true;
      Consume(kBom.substr(0, bom_matched_));
    }
  }
  Consume(chunk);
  if (error_) return *error_;
  return Ok{};
}

Status CsvParser::Finish() {
  if (error_) return *error_;
  if (finished_ || stopped_) {
    finished_ = true;
    return Ok{};
  }
  finished_ = true;
  if (!bom_done_) {
    bom_done_ = true;
    Consume(kBom.substr(0, bom_matched_));
  }
  if (!Halted()) {
    if (state_ == State::kQuoted) {
      Fail("csv_unterminated_quote",
           fmt::format("unterminated quoted field starting on line {}", quote_line_), quote_line_);
    } else {
      EndRecord();
    }
  }
  if (error_) return *error_;
  return Ok{};
}

void CsvParser::Consume(std::string_view bytes) {
  for (char c : bytes) {
    if (Halted()) return;
    Step(c);
  }
}

void CsvParser::Step(char c) {
  const bool after_cr = prev_cr_;
  prev_cr_ = (c == '\r');
  if (c == '\n' && after_cr) {
    // The CR already counted the line and, outside quotes, already ended the record.
    if (state_ == State::kQuoted) AppendToField(c);
    return;
  }
  if (state_ == State::kFieldStart && fields_.empty()) record_line_ = line_;

  switch (state_) {
    case State::kFieldStart:
      if (c == '"') {
        ++record_bytes_;
        field_quoted_ = true;
        quote_line_ = line_;
        state_ = State::kQuoted;
      } else if (c == ',') {
        ++record_bytes_;
        EndField();
      } else if (c == '\r' || c == '\n') {
        EndRecord();
      } else {
        AppendToField(c);
        state_ = State::kUnquoted;
      }
      break;
    case State::kUnquoted:
      if (c == ',') {
        ++record_bytes_;
        EndField();
      } else if (c == '\r' || c == '\n') {
        EndRecord();
      } else if (c == '"') {
        Fail("csv_bad_quote",
             fmt::format("line {}: a quote inside an unquoted field (quote the whole field and "
                         "double the quote)",
                         line_),
             line_);
      } else {
        AppendToField(c);
      }
      break;
    case State::kQuoted:
      if (c == '"') {
        ++record_bytes_;
        state_ = State::kQuoteInQuoted;
      } else {
        AppendToField(c);
      }
      break;
    case State::kQuoteInQuoted:
      if (c == '"') {
        AppendToField('"');  // a doubled quote stands for one
        state_ = State::kQuoted;
      } else if (c == ',') {
        ++record_bytes_;
        EndField();
      } else if (c == '\r' || c == '\n') {
        EndRecord();
      } else {
        Fail("csv_bad_quote",
             fmt::format("line {}: text after the closing quote of a quoted field", line_), line_);
      }
      break;
  }
  if (record_bytes_ > limits_.max_record_bytes && !record_over_ && !error_) {
    record_over_ = true;
    // The field being read is cut short: dropped, so a half-read address is never reported.
    field_over_ = true;
    field_.clear();
    Problem("csv_row_too_large",
            fmt::format("line {}: the row is larger than {} bytes", record_line_,
                        limits_.max_record_bytes),
            {{"maxBytes", limits_.max_record_bytes}});
  }
  if (c == '\r' || c == '\n') ++line_;
}

void CsvParser::AppendToField(char c) {
  ++record_bytes_;
  // Past a limit the bytes are still parsed (quotes decide where the record ends) but no
  // longer kept, so a 2 MB cell costs no more memory than a full one.
  if (field_over_ || record_over_) return;
  if (field_.size() >= limits_.max_field_bytes) {
    field_over_ = true;
    field_.clear();
    Problem("csv_field_too_large",
            fmt::format("line {}: field {} is larger than {} bytes", record_line_,
                        fields_.size() + 1, limits_.max_field_bytes),
            {{"column", fields_.size() + 1}, {"maxBytes", limits_.max_field_bytes}});
    return;
  }
  field_.push_back(c);
}

void CsvParser::EndField() {
  if (fields_.size() >= limits_.max_fields) {
    Problem(
        "csv_too_many_fields",
        fmt::format("line {}: the row has more than {} fields", record_line_, limits_.max_fields),
        {{"max", limits_.max_fields}});
  } else {
    fields_.push_back(std::move(field_));
  }
  field_.clear();
  field_quoted_ = false;
  field_over_ = false;
  state_ = State::kFieldStart;
}

void CsvParser::EndRecord() {
  const bool blank_line =
      fields_.empty() && field_.empty() && !field_quoted_ && !field_over_ && !record_problem_;
  if (!blank_line) {
    EndField();
    CsvRecord record{std::move(fields_), record_line_, std::move(record_problem_)};
    fields_.clear();
    record_problem_.reset();
    if (!on_record_(std::move(record))) stopped_ = true;
  }
  record_bytes_ = 0;
  record_over_ = false;
  state_ = State::kFieldStart;
}

void CsvParser::Problem(std::string code, std::string message, nlohmann::json details) {
  if (record_problem_) return;  // the first one says enough
  details["line"] = record_line_;
  record_problem_ =
      MakeError(ErrorKind::kTooLarge, std::move(code), std::move(message), std::move(details));
}

void CsvParser::Fail(std::string code, std::string message, std::size_t line) {
  error_ = MakeError(ErrorKind::kBadRequest, std::move(code), std::move(message), {{"line", line}});
}

}  // namespace mailmark
