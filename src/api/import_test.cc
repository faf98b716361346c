// The CSV import route: streamed parsing, batches, and every way a file can be wrong.
#include "api/api_test_fixture.h"
#include "core/input_limits.h"

namespace mailmark {
namespace {

using nlohmann::json;

class ImportTest : public ApiTest {
 protected:
  ImportTest() { options_.import_batch_size = 100; }

  void SetUp() override {
    ApiTest::SetUp();
    sequence_ = CreateSequence(alice_, CreateMailbox(alice_));
  }

  std::string Path() const { return "/api/sequences/" + sequence_ + "/enrollments/import"; }

  Answer Upload(const std::string& csv, const std::string& type = "text/csv") {
    return Send("POST", Path(), alice_, csv, type);
  }

  // Sends the body in small chunks without a Content-Length (chunked transfer).
  Answer UploadChunked(const std::string& csv, std::size_t chunk) {
    httplib::Client cli = Client();
    std::size_t sent = 0;
    return From(cli.Post(
        Path(), Auth(alice_),
        [&](std::size_t, httplib::DataSink& sink) {
          if (sent >= csv.size()) {
            sink.done();
            return true;
          }
          std::size_t n = std::min(chunk, csv.size() - sent);
          sink.write(csv.data() + sent, n);
          sent += n;
          return true;
        },
        "text/csv"));
  }

  std::vector<json> Enrollments() {
    Answer a = Get("/api/sequences/" + sequence_ + "/enrollments?limit=1000", alice_);
    return std::vector<json>(a.json["enrollments"].begin(), a.json["enrollments"].end());
  }

  std::string sequence_;
};

TEST_F(ImportTest, SimpleFileWithMergeFields) {
  int wakes_before = wakes_;
  Answer a = Upload("email,firstName,company\nann@x.co,Ann,Acme\nBOB@X.CO , Bob ,\n");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.json["enrolled"], 2);
  EXPECT_TRUE(a.json["errors"].empty());
  EXPECT_EQ(a.json["errorCount"], 0);
  EXPECT_EQ(a.json["errorsTruncated"], false);
  EXPECT_GT(wakes_.load(), wakes_before);
  std::vector<json> list = Enrollments();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["contactEmail"], "ann@x.co");
  EXPECT_EQ(list[0]["mergeFields"], json({{"firstName", "Ann"}, {"company", "Acme"}}));
  EXPECT_EQ(list[1]["contactEmail"], "bob@x.co");
  EXPECT_EQ(list[1]["mergeFields"]["firstName"], "Bob");
}

TEST_F(ImportTest, BomCrlfQuotesAndContactEmailHeader) {
  std::string csv =
      "\xEF\xBB\xBF"
      "ContactEmail,note,\"city, state\"\r\n"
      "a@x.co,\"Hello, \"\"friend\"\"\",\"Austin, TX\"\r\n"
      "b@x.co,\"two\r\nlines\",Paris\r\n"
      "\r\n"
      "c@x.co,,\r\n";
  Answer a = Upload(csv);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.json["enrolled"], 3) << a.body;
  std::vector<json> list = Enrollments();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0]["mergeFields"]["note"], "Hello, \"friend\"");
  EXPECT_EQ(list[0]["mergeFields"]["city, state"], "Austin, TX");
  EXPECT_EQ(list[1]["mergeFields"]["note"], "two\r\nlines");
  EXPECT_EQ(list[2]["mergeFields"]["note"], "");
}

TEST_F(ImportTest, BadRowsAreReportedWithTheirLines) {
  ASSERT_EQ(Post("/api/sequences/" + sequence_ + "/enrollments", alice_,
                 {{"contactEmail", "active@x.co"}})
                .status,
            201);
  std::string csv =
      "email,name\n"              // 1
      "good@x.co,Good\n"          // 2
      "not-an-email,Bad\n"        // 3
      ",NoEmail\n"                // 4
      "few@x.co\n"                // 5: too few columns
      "active@x.co,Again\n"       // 6
      "good@x.co,Twice\n"         // 7
      "\"multi\nline@x.co\",Q\n"  // 8-9
      "caf\xe9@x.co,Latin1\n"     // 10
      "last@x.co,Last\n";         // 11
  Answer a = Upload(csv);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.json["enrolled"], 2);
  std::vector<std::pair<int, std::string>> got;
  for (const json& e : a.json["errors"]) got.emplace_back(e["line"], e["code"]);
  std::vector<std::pair<int, std::string>> want = {{3, "invalid_email"},    {4, "missing_email"},
                                                   {5, "csv_column_count"}, {6, "already_enrolled"},
                                                   {7, "already_enrolled"}, {8, "invalid_email"},
                                                   {10, "invalid_encoding"}};
  EXPECT_EQ(got, want) << a.body;
  EXPECT_EQ(a.json["errorCount"], 7);
  EXPECT_EQ(a.json["errors"][0]["contactEmail"], "not-an-email");
  for (const json& e : a.json["errors"]) EXPECT_FALSE(e["message"].get<std::string>().empty());
  EXPECT_EQ(Counts(sequence_)["active"], 3);
}

TEST_F(ImportTest, HeaderProblemsAre422AndEnrollNothing) {
  for (std::string csv : {"name,company\nann@x.co,Acme\n", "email,Email\na@x.co,b@x.co\n",
                          "email,name,\na@x.co,A,\n", "email,\xff\na@x.co,x\n"}) {
    Answer a = Upload(csv);
    EXPECT_EQ(a.status, 422) << csv << a.body;
    EXPECT_TRUE(a.code().starts_with("csv_")) << a.body;
  }
  Answer empty = Upload("");
  EXPECT_EQ(empty.status, 422);
  EXPECT_EQ(empty.code(), "csv_no_header");
  Answer blank = Upload("\r\n\n");
  EXPECT_EQ(blank.code(), "csv_no_header");
  Answer only_header = Upload("email\n");
  EXPECT_EQ(only_header.status, 200);
  EXPECT_EQ(only_header.json["enrolled"], 0);
  EXPECT_EQ(Counts(sequence_)["active"], 0);
}

TEST_F(ImportTest, MalformedCsvIs400AndChangesNothing) {
  Answer bad_quote = Upload("email,name\na@x.co,ok\nb@x.co,bro\"ken\nc@x.co,fine\n");
  EXPECT_EQ(bad_quote.status, 400) << bad_quote.body;
  EXPECT_EQ(bad_quote.code(), "csv_bad_quote");
  EXPECT_EQ(bad_quote.json["error"]["details"]["line"], 3);
  EXPECT_EQ(bad_quote.json["error"]["details"]["enrolledBeforeError"], 0);
  Answer open = Upload("email,name\na@x.co,\"never closed\n");
  EXPECT_EQ(open.status, 400);
  EXPECT_EQ(open.code(), "csv_unterminated_quote");
  EXPECT_EQ(Counts(sequence_)["active"], 0);
}

TEST_F(ImportTest, StructuralErrorAfterACommittedBatchSaysWhatStayed) {
  std::string csv = "email\n";
  for (int i = 0; i < 250; ++i) csv += "u" + std::to_string(i) + "@x.co\n";
  csv += "bad\"quote@x.co\n";
  Answer a = Upload(csv);
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.code(), "csv_bad_quote");
  EXPECT_EQ(a.json["error"]["details"]["line"], 252);
  // Batches of 100: two committed, the third (50 rows) dropped with the error.
  EXPECT_EQ(a.json["error"]["details"]["enrolledBeforeError"], 200);
  EXPECT_EQ(Counts(sequence_)["active"], 200);
}

TEST_F(ImportTest, WrongContentTypeIs415) {
  Answer a = Upload("email\na@x.co\n", "application/json");
  EXPECT_EQ(a.status, 415);
  EXPECT_EQ(a.code(), "unsupported_media_type");
  EXPECT_EQ(Upload("email\na@x.co\n", "Text/CSV; charset=utf-8").status, 200);
}

TEST_F(ImportTest, CompletedSequenceIs409) {
  ASSERT_EQ(Post("/api/sequences/" + sequence_ + "/complete", alice_).status, 200);
  Answer a = Upload("email\na@x.co\n");
  EXPECT_EQ(a.status, 409);
  EXPECT_EQ(a.code(), "sequence_completed");
}

TEST_F(ImportTest, ErrorListIsCappedAt1000) {
  std::string csv = "email\n";
  for (int i = 0; i < 1500; ++i) csv += "broken" + std::to_string(i) + "\n";
  csv += "fine@x.co\n";
  Answer a = Upload(csv);
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.json["enrolled"], 1);
  EXPECT_EQ(a.json["errors"].size(), 1000u);
  EXPECT_EQ(a.json["errorCount"], 1500);
  EXPECT_EQ(a.json["errorsTruncated"], true);
  EXPECT_EQ(a.json["errors"][999]["line"], 1001);
}

TEST_F(ImportTest, TwentyThousandRowsInBatchesStreamedInOddChunks) {
  std::string csv = "email,n\r\n";
  for (int i = 0; i < 20000; ++i) {
    csv += "user" + std::to_string(i) + "@example.com,\"" + std::to_string(i) + "\"\r\n";
  }
  Answer a = UploadChunked(csv, 777);
  ASSERT_EQ(a.status, 200) << a.body.substr(0, 500);
  EXPECT_EQ(a.json["enrolled"], 20000);
  EXPECT_EQ(a.json["errorCount"], 0);
  EXPECT_EQ(Counts(sequence_)["active"], 20000);
  Answer again = Upload(csv);
  EXPECT_EQ(again.json["enrolled"], 0);
  EXPECT_EQ(again.json["errorCount"], 20000);
  EXPECT_EQ(again.json["errors"][0]["code"], "already_enrolled");
  EXPECT_EQ(again.json["errors"][0]["line"], 2);
}

// Issue 11: a row that is merely too large is a row error like any other; the good rows
// around it are enrolled.
TEST_F(ImportTest, OversizedFieldsAndRowsAreRowErrors) {
  std::string header = "email,bio";
  for (int i = 0; i < 9; ++i) header += ",f" + std::to_string(i);
  const std::string empties(9, ',');
  auto row = [&](const std::string& email, const std::string& bio) {
    return email + ",\"" + bio + "\"" + empties + "\n";
  };
  std::string wide_row = "wide@x.co,";  // 10 fields of 7,000 bytes: each fits, the row not
  for (int i = 0; i < 10; ++i) wide_row += std::string(7000, 'w') + (i < 9 ? "," : "\n");
  std::string csv = header + "\n" +                                              // 1
                    row("first@x.co", "short") +                                 // 2
                    row("full@x.co", std::string(kMaxCsvFieldBytes, 'b')) +      // 3
                    row("over@x.co", std::string(kMaxCsvFieldBytes + 1, 'b')) +  // 4
                    row("huge@x.co", std::string(2'000'000, 'b')) +              // 5
                    wide_row +                                                   // 6
                    row("last@x.co", "short");                                   // 7
  Answer a = Upload(csv);
  ASSERT_EQ(a.status, 200) << a.body.substr(0, 500);
  EXPECT_EQ(a.json["enrolled"], 3);
  std::vector<std::pair<int, std::string>> got;
  for (const json& e : a.json["errors"]) got.emplace_back(e["line"], e["code"]);
  std::vector<std::pair<int, std::string>> want = {
      {4, "csv_field_too_large"}, {5, "csv_field_too_large"}, {6, "csv_row_too_large"}};
  EXPECT_EQ(got, want) << a.body.substr(0, 500);
  EXPECT_EQ(a.json["errors"][0]["contactEmail"], "over@x.co");
  EXPECT_EQ(a.json["errors"][2]["contactEmail"], "wide@x.co");
  std::vector<std::string> emails;
  for (const json& e : Enrollments()) emails.push_back(e["contactEmail"].get<std::string>());
  EXPECT_EQ(emails, (std::vector<std::string>{"first@x.co", "full@x.co", "last@x.co"}));
  for (const json& e : Enrollments()) {
    if (e["contactEmail"] == "full@x.co") {
      EXPECT_EQ(e["mergeFields"]["bio"].get<std::string>().size(), kMaxCsvFieldBytes);
    }
  }
}

TEST_F(ImportTest, HeaderOverTheMergeFieldLimitsEnrollsNothing) {
  std::string header = "email";
  for (std::size_t i = 0; i < kMaxMergeFields; ++i) header += ",f" + std::to_string(i);
  Answer fits = Upload(header + "\nin@x.co" + std::string(kMaxMergeFields, ',') + "\n");
  ASSERT_EQ(fits.status, 200) << fits.body.substr(0, 500);
  EXPECT_EQ(fits.json["enrolled"], 1);

  Answer too_many = Upload(header + ",one_more\nout@x.co\n");
  EXPECT_EQ(too_many.status, 413) << too_many.body.substr(0, 500);
  EXPECT_EQ(too_many.code(), "too_many_merge_fields");
  EXPECT_EQ(too_many.json["error"]["details"]["max"], kMaxMergeFields);

  EXPECT_EQ(Upload("email," + std::string(kMaxMergeKeyBytes, 'k') + "\nok@x.co,v\n").status, 200);
  Answer long_name = Upload("email," + std::string(kMaxMergeKeyBytes + 1, 'k') + "\nno@x.co,v\n");
  EXPECT_EQ(long_name.status, 422);
  EXPECT_EQ(long_name.code(), "invalid_merge_fields");
  EXPECT_EQ(long_name.json["error"]["details"]["column"], 2);

  Answer huge_header = Upload("email," + std::string(kMaxCsvFieldBytes + 1, 'k') + "\nno@x.co,v\n");
  EXPECT_EQ(huge_header.status, 413);
  EXPECT_EQ(huge_header.code(), "csv_field_too_large");
  EXPECT_EQ(Counts(sequence_)["active"], 2);
}

class TinyCsvLimitTest : public ImportTest {
 protected:
  TinyCsvLimitTest() { options_.max_csv_bytes = 4096; }
};

TEST_F(TinyCsvLimitTest, OversizedUploadIs413) {
  std::string csv = "email\n";
  for (int i = 0; i < 1000; ++i) csv += "u" + std::to_string(i) + "@x.co\n";
  Answer declared = Upload(csv);
  EXPECT_EQ(declared.status, 413);
  EXPECT_EQ(declared.code(), "payload_too_large");
  EXPECT_EQ(Counts(sequence_)["active"], 0) << "refused before a byte was read";
  // Without a Content-Length the limit is met mid-stream: batches already committed stay,
  // and the answer says how many.
  Answer streamed = UploadChunked(csv, 1000);
  EXPECT_EQ(streamed.status, 413);
  EXPECT_EQ(streamed.code(), "payload_too_large");
  EXPECT_EQ(streamed.json["error"]["details"]["enrolledBeforeError"], Counts(sequence_)["active"]);
  EXPECT_EQ(Counts(sequence_)["active"].get<int>() % 100, 0) << "whole batches only";
  EXPECT_EQ(Upload("email\nok@x.co\n").json["enrolled"], 1) << "the server carries on";
}

}  // namespace
}  // namespace mailmark
