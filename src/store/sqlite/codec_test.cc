#include "store/sqlite/codec.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace mailmark::sqlite {
namespace {

TEST(Cursor, RoundTrips) {
  for (ListPosition p :
       {ListPosition{0, 0}, ListPosition{1'700'000'000'123, 42}, ListPosition{-5, 9'000'000'000},
        // Found by tests/fuzz/cursor_fuzz.cc: the 20 characters of INT64_MIN did not parse.
        ListPosition{INT64_MIN, INT64_MAX}, ListPosition{-1'000'000'000'000'000'000, 1}}) {
    std::string c = EncodeCursor(p);
    EXPECT_EQ(
        c.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos);
    auto back = DecodeCursor(c);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->created_at, p.created_at);
    EXPECT_EQ(back->pk, p.pk);
  }
}

TEST(Cursor, RejectsAnythingElse) {
  for (std::string_view bad : {"", "x", "ZTEu", "ZTEuMS4", "ZTEuMS4yLjM", "ZTEuYS5i",
                               "ZTEuOTk5OTk5OTk5OTk5OTk5OTk5OTk5LjE", "e1.1.2", "MS4y",
                               // "e1.007.1", "e1.+1.2", "e1.-0.1": other spellings of a position
                               "ZTEuMDA3LjE", "ZTEuKzEuMg", "ZTEuLTAuMQ"}) {
    EXPECT_FALSE(DecodeCursor(bad)) << bad;
  }
}

TEST(Json, StepsAndSettingsRoundTrip) {
  std::vector<Step> steps = {Step{"a", StepType::kSendEmail, "Hi {{x}}", "<p>\"é\"</p>", "text", 0},
                             Step{"b", StepType::kDelay, "", "", std::nullopt, 1234}};
  auto back = StepsFromJson(StepsToJson(steps));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].html, "<p>\"é\"</p>");
  EXPECT_EQ(back[0].text, std::optional<std::string>("text"));
  EXPECT_EQ(back[1].type, StepType::kDelay);
  EXPECT_EQ(back[1].delay_ms, 1234);
  EXPECT_FALSE(SmtpFromJson(SmtpToJson(std::nullopt)));
  EXPECT_THROW(StepsFromJson("not json"), std::exception);
  MergeFields f{{"a", "1"}, {"ключ", "значение"}};
  EXPECT_EQ(MergeFieldsFromJson(MergeFieldsToJson(f)), f);
}

}  // namespace
}  // namespace mailmark::sqlite
