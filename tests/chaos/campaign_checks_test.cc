#include "chaos/campaign_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "chaos/enroller.h"

namespace mailmark::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

CampaignConfig TwoByTwo() {
  CampaignConfig c;
  c.contacts = 2;
  c.send_steps = 2;
  c.import_chunk = 10;
  return c;
}

OutboxFile File(std::string id, std::size_t n, std::size_t step) {
  return {std::move(id), CampaignContact(n, 10), CampaignSubject(step, n)};
}

std::map<std::string, OutboxFile> FullOutbox() {
  return {{"new/a", File("<a@x>", 0, 1)},
          {"new/b", File("<b@x>", 0, 2)},
          {"new/c", File("<c@x>", 1, 1)},
          {"new/d", File("<d@x>", 1, 2)}};
}

StoreCensus SentStore() {
  StoreCensus s;
  s.enrollments = 2;
  s.completed = 2;
  for (const char* id : {"<a@x>", "<b@x>", "<c@x>", "<d@x>"}) s.message_states[id] = "sent";
  return s;
}

TEST(CampaignChecks, ParsesTheHeadersItNeeds) {
  OutboxFile f = ParseOutboxHeaders(
      "From: Sam <sam@sender.test>\r\nTo: K00001N7@Chaos.test\r\nSubject: S2 7\r\n"
      "Message-ID: <abc@sender.test>\r\n\r\nTo: not-a-header\r\n");
  EXPECT_EQ(f.message_id, "<abc@sender.test>");
  EXPECT_EQ(f.to, "k00001n7@chaos.test");
  EXPECT_EQ(f.subject, "S2 7");
  EXPECT_EQ(ParseOutboxHeaders("To: Kim <kim@x.test>\n").to, "kim@x.test");
}

TEST(CampaignChecks, AFullOutboxAndStorePass) {
  EXPECT_THAT(OutboxProblems(FullOutbox(), TwoByTwo(), true), IsEmpty());
  EXPECT_THAT(StoreProblems(SentStore(), FullOutbox(), TwoByTwo(), true), IsEmpty());
}

TEST(CampaignChecks, APartialOutboxPassesMidRunButNotAtTheEnd) {
  auto files = FullOutbox();
  files.erase("new/d");
  EXPECT_THAT(OutboxProblems(files, TwoByTwo(), false), IsEmpty());
  auto problems = OutboxProblems(files, TwoByTwo(), true);
  ASSERT_THAT(problems, SizeIs(2));
  EXPECT_THAT(problems[0], HasSubstr("never sent: to k00000n1@chaos.test \"S2 1\""));
}

TEST(CampaignChecks, FindsAStepSentTwiceUnderTwoMessageIds) {
  auto files = FullOutbox();
  files["new/e"] = File("<e@x>", 1, 2);
  auto problems = OutboxProblems(files, TwoByTwo(), false);
  ASSERT_THAT(problems, SizeIs(1));
  EXPECT_THAT(problems[0], HasSubstr("sent 2 times"));
}

TEST(CampaignChecks, FindsOneMessageIdInTwoFiles) {
  auto files = FullOutbox();
  files["cur/a"] = File("<a@x>", 0, 1);
  auto problems = OutboxProblems(files, TwoByTwo(), false);
  EXPECT_THAT(problems, ::testing::Contains(HasSubstr("Message-ID <a@x> in")));
}

TEST(CampaignChecks, FindsAStrayMessage) {
  auto files = FullOutbox();
  files["new/z"] = File("<z@x>", 5, 1);  // contact 5 is not in the campaign
  EXPECT_THAT(OutboxProblems(files, TwoByTwo(), false),
              ::testing::Contains(HasSubstr("a message no step makes")));
}

TEST(CampaignChecks, StoreAndOutboxMustAgree) {
  StoreCensus store = SentStore();
  store.message_states.erase("<d@x>");     // a file without its row
  store.message_states["<q@x>"] = "sent";  // a sent row without its file
  auto problems = StoreProblems(store, FullOutbox(), TwoByTwo(), false);
  EXPECT_THAT(problems, ::testing::Contains(HasSubstr("no message row has its Message-ID")));
  EXPECT_THAT(problems, ::testing::Contains(HasSubstr("row <q@x> is sent but no file")));
}

TEST(CampaignChecks, InFlightRowsPassMidRunButNotAtTheEnd) {
  StoreCensus store = SentStore();
  store.message_states["<d@x>"] = "sending";  // written, the kill came before its outcome
  store.completed = 1;
  EXPECT_THAT(StoreProblems(store, FullOutbox(), TwoByTwo(), false), IsEmpty());
  EXPECT_THAT(StoreProblems(store, FullOutbox(), TwoByTwo(), true), SizeIs(3));
}

TEST(CampaignChecks, TheStoreInvariantsAreReported) {
  StoreCensus store = SentStore();
  store.broken.push_back("a step sent twice to one enrollment: enr_1 stp_1 x2");
  store.enrollments = 3;
  auto problems = StoreProblems(store, FullOutbox(), TwoByTwo(), true);
  EXPECT_THAT(problems, ::testing::Contains(HasSubstr("a step sent twice")));
  EXPECT_THAT(problems, ::testing::Contains(HasSubstr("3 enrollments for 2 contacts")));
}

}  // namespace
}  // namespace mailmark::testing
