#include "chaos/campaign_plan.h"

#include <gtest/gtest.h>

namespace mailmark::testing {
namespace {

TEST(CampaignPlan, DefaultsWithoutEnvironment) {
  ConfigOrError r = ReadCampaignConfig({}, 77);
  ASSERT_TRUE(r.error.empty());
  EXPECT_EQ(r.config.seed, 77u);
  EXPECT_EQ(r.config.steps(), r.config.contacts * r.config.send_steps);
}

TEST(CampaignPlan, EnvironmentOverridesAndTheSeedIsSettable) {
  ConfigOrError r = ReadCampaignConfig({{"MAILMARK_CHAOS_CONTACTS", "50000"},
                                        {"MAILMARK_CHAOS_SEND_STEPS", "2"},
                                        {"MAILMARK_CHAOS_KILLS", "50"},
                                        {"MAILMARK_CHAOS_CHUNK", "2000"},
                                        {"MAILMARK_CHAOS_SEED", "12345"}},
                                       77);
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.config.steps(), 100000u);
  EXPECT_EQ(r.config.kills, 50u);
  EXPECT_EQ(r.config.import_chunk, 2000u);
  EXPECT_EQ(r.config.seed, 12345u);
}

TEST(CampaignPlan, BadValuesAreErrorsNamingTheVariable) {
  for (auto [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"MAILMARK_CHAOS_CONTACTS", "0"},
                                                        {"MAILMARK_CHAOS_CONTACTS", "12x"},
                                                        {"MAILMARK_CHAOS_SEND_STEPS", "-1"},
                                                        {"MAILMARK_CHAOS_CHUNK", "0"},
                                                        {"MAILMARK_CHAOS_SEED", "seed"}}) {
    ConfigOrError r = ReadCampaignConfig({{name, value}}, 1);
    EXPECT_NE(r.error.find(name), std::string::npos) << name << "=" << value << ": " << r.error;
  }
  EXPECT_TRUE(ReadCampaignConfig({{"MAILMARK_CHAOS_KILLS", "0"}}, 1).error.empty());
}

TEST(CampaignPlan, KillsAreInOrderWithinTheRunAndReplayableBySeed) {
  std::vector<KillPoint> a = PlanKills(42, 50, 100000);
  ASSERT_EQ(a.size(), 50u);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_LT(a[i].at_outbox, 100000u);
    EXPECT_GE(a[i].delay_ms, 0);
    EXPECT_LE(a[i].delay_ms, 250);
    if (i > 0) {
      EXPECT_LE(a[i - 1].at_outbox, a[i].at_outbox);
    }
  }
  std::vector<KillPoint> b = PlanKills(42, 50, 100000);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].at_outbox, b[i].at_outbox);
    EXPECT_EQ(a[i].delay_ms, b[i].delay_ms);
  }
  std::vector<KillPoint> c = PlanKills(43, 50, 100000);
  bool differs = false;
  for (std::size_t i = 0; i < a.size(); ++i) differs |= a[i].at_outbox != c[i].at_outbox;
  EXPECT_TRUE(differs);
}

TEST(CampaignPlan, SpreadsOverTheWholeRunWithSomeKillsRightAfterARestart) {
  // Over many seeds: kills in the first and the last tenth, and repeats of a position.
  std::size_t early = 0, late = 0, repeated = 0, starting = 0;
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    std::vector<KillPoint> plan = PlanKills(seed, 50, 100000);
    for (std::size_t i = 0; i < plan.size(); ++i) {
      early += plan[i].at_outbox < 10000;
      late += plan[i].at_outbox >= 90000;
      repeated += i > 0 && plan[i].at_outbox == plan[i - 1].at_outbox;
      starting += plan[i].while_starting;
      if (plan[i].while_starting) {
        EXPECT_GT(i, 0u) << "the first start is the campaign's own";
        EXPECT_EQ(plan[i].at_outbox, plan[i - 1].at_outbox);
      }
    }
  }
  EXPECT_GT(early, 40u * 50 / 20);
  EXPECT_GT(late, 40u * 50 / 20);
  EXPECT_GT(repeated, 40u * 50 / 14);
  EXPECT_GT(starting, 40u * 50 / 28);
}

}  // namespace
}  // namespace mailmark::testing
