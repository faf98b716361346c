// POST /api/sequences/{id}/enrollments/import: a CSV upload, streamed.
//
// The body is fed to the CSV parser chunk by chunk as it arrives; good rows are enrolled in
// batches of options.import_batch_size (one store transaction each), so memory stays flat
// however long the file is. Decisions:
// - Row problems (no email, invalid address, wrong column count, not UTF-8, already active,
//   suppressed, a field or the row over its size limit…) are reported with their line and the
//   import goes on. A contact that appears twice is refused the second time as
//   already_enrolled, naming the first row's enrollment.
// - The error list keeps the first 1000 entries; errorCount is the total and errorsTruncated
//   says whether entries were dropped.
// - A header problem is 422 before anything is enrolled (413 when it breaks a size limit:
//   more merge-field columns than a contact may have, a cell or the row too large).
// - Size limits (core/input_limits.h) make a row error, never a structural one: the parser
//   keeps no more than a row's worth of any record however long it is.
// - A structural error (a bad quote, an unterminated quoted field) or a body over
//   max_csv_bytes answers 400/413 and drops the batch in progress; batches committed before
//   it stay enrolled (a 1,000,000-row upload is not one transaction) and are counted in
//   details.enrolledBeforeError. A file shorter than one batch therefore changes nothing.
#include <algorithm>

#include "api/access.h"
#include "api/errors.h"
#include "api/routes.h"
#include "api/text_checks.h"
#include "core/enrollment_rules.h"
#include "csv/contact_rows.h"
#include "csv/csv_parser.h"

namespace mailmark {
namespace {

constexpr std::size_t kMaxReportedErrors = 1000;

class ContactImport {
 public:
  ContactImport(ApiContext& ctx, const Sequence& sequence)
      : ctx_(ctx),
        sequence_(sequence),
        batch_size_(std::max<std::size_t>(1, ctx.options.import_batch_size)) {}

  // The parser's record callback; false stops the parse.
  bool OnRecord(CsvRecord&& record) {
    if (fatal_) return false;
    if (!columns_) {
      Header(record);
      return !fatal_;
    }
    std::variant<ContactRow, RowError> mapped = MapRow(*columns_, record);
    if (auto* bad = std::get_if<RowError>(&mapped)) {
      AddError(bad->line, bad->email, bad->code, bad->message);
      return true;
    }
    ContactRow& row = std::get<ContactRow>(mapped);
    if (!RowIsUtf8(row)) {
      AddError(row.line, IsValidUtf8(row.email) ? row.email : "", "invalid_encoding",
               "Line " + std::to_string(row.line) + " is not valid UTF-8 text.");
      return true;
    }
    Result<std::string> email = CheckContactEmail(row.email);
    if (!email) {
      AddError(row.line, row.email, email.error().code, email.error().message);
      return true;
    }
    batch_.push_back({*email, std::move(row.merge_fields), false});
    batch_rows_.emplace_back(row.line, std::move(row.email));
    if (batch_.size() >= batch_size_) Flush();
    return !fatal_;
  }

  // Commits the batch in progress.
  void Flush() {
    if (batch_.empty() || fatal_) return;
    Result<std::vector<EnrollOutcome>> outcomes =
        ctx_.store.Enroll(sequence_.id, batch_, ctx_.clock.Now());
    if (!outcomes) {
      fatal_ = outcomes.error();
    } else {
      for (std::size_t k = 0; k < outcomes->size() && k < batch_rows_.size(); ++k) {
        const EnrollOutcome& o = (*outcomes)[k];
        if (o.enrollment) {
          ++enrolled_;
        } else if (o.error) {
          AddError(batch_rows_[k].first, batch_rows_[k].second, o.error->code, o.error->message);
        }
      }
    }
    batch_.clear();
    batch_rows_.clear();
    // First steps are due the moment a batch commits: start sending while the rest streams in.
    if (enrolled_ > enrolled_at_last_wake_) {
      enrolled_at_last_wake_ = enrolled_;
      WakeScheduler(ctx_);
    }
  }

  // Structural failure: the batch in progress is not committed.
  void Abandon() {
    batch_.clear();
    batch_rows_.clear();
  }

  const std::optional<Error>& fatal() const { return fatal_; }
  bool saw_header() const { return columns_.has_value(); }
  std::size_t enrolled() const { return enrolled_; }

  nlohmann::json Summary() const {
    return {{"enrolled", enrolled_},
            {"errors", SortedErrors()},
            {"errorCount", error_count_},
            {"errorsTruncated", error_count_ > errors_.size()}};
  }

  // An error that ends the import, with what already happened.
  Error Ended(Error e) const {
    if (!e.details.is_object()) e.details = nlohmann::json::object();
    e.details["enrolledBeforeError"] = enrolled_;
    e.details["errorCount"] = error_count_;
    e.details["errors"] = SortedErrors();
    return e;
  }

 private:
  void Header(const CsvRecord& record) {
    for (const std::string& f : record.fields) {
      if (!IsValidUtf8(f)) {
        fatal_ = Invalid("csv_invalid_encoding", "The header row is not valid UTF-8 text.",
                         {{"line", record.line}});
        return;
      }
    }
    Result<ContactColumns> columns = MapHeader(record);
    if (!columns) {
      fatal_ = columns.error();
      return;
    }
    columns_ = std::move(*columns);
  }

  // Store refusals surface when a batch commits, after later rows' own problems: report
  // them all in file order.
  nlohmann::json SortedErrors() const {
    nlohmann::json sorted = errors_;
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
      return a["line"].template get<std::size_t>() < b["line"].template get<std::size_t>();
    });
    return sorted;
  }

  static bool RowIsUtf8(const ContactRow& row) {
    if (!IsValidUtf8(row.email)) return false;
    for (const auto& [k, v] : row.merge_fields) {
      if (!IsValidUtf8(v)) return false;
    }
    return true;
  }

  void AddError(std::size_t line, std::string email, const std::string& code,
                const std::string& message) {
    ++error_count_;
    if (errors_.size() >= kMaxReportedErrors) return;
    errors_.push_back(
        {{"line", line}, {"contactEmail", std::move(email)}, {"code", code}, {"message", message}});
  }

  ApiContext& ctx_;
  const Sequence& sequence_;
  std::size_t batch_size_;
  std::optional<ContactColumns> columns_;
  std::vector<NewEnrollment> batch_;
  std::vector<std::pair<std::size_t, std::string>> batch_rows_;  // line, email as written
  std::size_t enrolled_ = 0;
  std::size_t enrolled_at_last_wake_ = 0;
  std::size_t error_count_ = 0;
  nlohmann::json errors_ = nlohmann::json::array();
  std::optional<Error> fatal_;
};

// The upload's consumer: the server feeds it the body chunk by chunk as it arrives.
class ImportSink : public BodySink {
 public:
  ImportSink(ApiContext& ctx, Sequence sequence)
      : ctx_(ctx),
        sequence_(std::move(sequence)),
        import_(ctx, sequence_),
        parser_([this](CsvRecord&& r) { return import_.OnRecord(std::move(r)); }) {}

  Status Feed(std::string_view chunk) override {
    if (Status st = parser_.Feed(chunk); !st) csv_error_ = st.error();
    if (!csv_error_ && !import_.fatal()) return Ok{};
    // The file cannot go on: answer now rather than read the rest.
    Result<Reply> end = Conclude(std::nullopt);
    if (end) return Ok{};
    return end.error();
  }

  Result<Reply> Finish() override {
    if (Status st = parser_.Finish(); !st) csv_error_ = st.error();
    return Conclude(std::nullopt);
  }

  Error Abort(Error why) override {
    Result<Reply> end = Conclude(why);
    return end ? why : end.error();
  }

 private:
  Result<Reply> Conclude(const std::optional<Error>& read_error) {
    Result<Reply> answer = [&]() -> Result<Reply> {
      if (read_error) {
        import_.Abandon();
        return import_.Ended(*read_error);
      }
      if (csv_error_) {
        import_.Abandon();
        return import_.Ended(*csv_error_);
      }
      if (!import_.fatal()) import_.Flush();
      if (import_.fatal()) return import_.Ended(*import_.fatal());
      if (!import_.saw_header()) {
        return Invalid("csv_no_header",
                       "The file is empty: the first row must name the columns (email, …).");
      }
      return Reply::Json(import_.Summary());
    }();
    if (import_.enrolled() > 0) WakeScheduler(ctx_);
    return answer;
  }

  ApiContext& ctx_;
  Sequence sequence_;
  ContactImport import_;
  CsvParser parser_;
  std::optional<Error> csv_error_;
};

Result<BodyOpening> OpenImport(ApiContext& ctx, Call& call) {
  Result<Sequence> seq = OwnedSequence(ctx.store, *call.user, call.Param(0));
  if (!seq) return seq.error();
  if (MediaType(call.request.get_header_value("Content-Type")) != "text/csv") {
    return BodyOpening(UnsupportedMediaType("text/csv"));
  }
  if (Status open = CheckSequenceEditable(seq->status); !open) return open.error();
  return BodyOpening(std::make_unique<ImportSink>(ctx, std::move(*seq)));
}

}  // namespace

std::vector<Route> ImportRoutes(ApiContext& ctx) {
  return {
      {"POST", "/api/sequences/{id}/enrollments/import", Access::kUser, BodyKind::kStream,
       [&ctx](Call& call) { return OpenImport(ctx, call); }},
  };
}

}  // namespace mailmark
