#include "core/step_rules.h"

#include <gtest/gtest.h>

#include "core/input_limits.h"

namespace mailmark {
namespace {

Step Send(Id id, std::string subject = "Hi", std::string html = "<p>x</p>") {
  Step s;
  s.id = std::move(id);
  s.type = StepType::kSendEmail;
  s.subject = std::move(subject);
  s.html = std::move(html);
  return s;
}

Step Delay(Id id, std::int64_t ms) {
  Step s;
  s.id = std::move(id);
  s.type = StepType::kDelay;
  s.delay_ms = ms;
  return s;
}

std::string CodeOf(const Status& s) { return s ? "ok" : s.error().code; }

// The product doc's example: send, 3 days, send, 5 days, send.
std::vector<Step> Example() {
  return {Send("a"), Delay("d1", 259200000), Send("b", ""), Delay("d2", 432000000), Send("c", "")};
}

TEST(ValidateSteps, AcceptsTheProductDocExample) {
  EXPECT_EQ(CodeOf(ValidateSteps(Example())), "ok");
}

TEST(ValidateSteps, RefusesBadLists) {
  EXPECT_EQ(CodeOf(ValidateSteps({})), "steps_required");
  EXPECT_EQ(CodeOf(ValidateSteps({Delay("d", 5), Send("a")})), "sequence_must_start_with_email");
  EXPECT_EQ(CodeOf(ValidateSteps({Send("a", "  ")})), "subject_required");
  EXPECT_EQ(CodeOf(ValidateSteps({Send("a", "s", "")})), "html_required");
  EXPECT_EQ(CodeOf(ValidateSteps({Send("a"), Send("b", "", " \n")})), "html_required");
  EXPECT_EQ(CodeOf(ValidateSteps({Send("a"), Delay("d", 0)})), "invalid_delay");
  EXPECT_EQ(CodeOf(ValidateSteps({Send("a"), Delay("d", -5)})), "invalid_delay");
  EXPECT_EQ(CodeOf(ValidateSteps({Send("a"), Send("a")})), "duplicate_step_id");
}

TEST(ValidateSteps, ReportsTheOffendingIndex) {
  Status s = ValidateSteps({Send("a"), Delay("d", 1), Send("b"), Delay("e", 0)});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().details["index"], 3);
  EXPECT_EQ(s.error().kind, ErrorKind::kInvalid);
}

TEST(ValidateSteps, AllowsConsecutiveAndTrailingDelaysAndEmptyFollowUpSubjects) {
  EXPECT_EQ(CodeOf(ValidateSteps({Send("a"), Delay("d", 1), Delay("e", 2), Send("b", "")})), "ok");
  EXPECT_EQ(CodeOf(ValidateSteps({Send("a"), Delay("d", 1)})), "ok");
}

TEST(ValidateSteps, AtMostKMaxSteps) {
  std::vector<Step> steps;
  for (std::size_t i = 0; i < kMaxSteps; ++i) steps.push_back(Send("s" + std::to_string(i)));
  EXPECT_EQ(CodeOf(ValidateSteps(steps)), "ok");
  steps.push_back(Delay("last", 1));
  Status s = ValidateSteps(steps);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "too_many_steps");
  EXPECT_EQ(s.error().kind, ErrorKind::kTooLarge);
  EXPECT_EQ(s.error().details["field"], "steps");
  EXPECT_EQ(s.error().details["max"], kMaxSteps);
  EXPECT_EQ(s.error().details["count"], kMaxSteps + 1);
}

// Each part of a step: fine at its limit, 413 too_large naming it one byte over.
TEST(ValidateSteps, StepPartsAtTheirLimitsAndJustOver) {
  struct Part {
    const char* name;
    std::size_t max;
    void (*set)(Step&, std::string);
  };
  const Part parts[] = {
      {"subject", kMaxStepSubjectBytes, [](Step& s, std::string v) { s.subject = std::move(v); }},
      {"html", kMaxStepHtmlBytes, [](Step& s, std::string v) { s.html = std::move(v); }},
      {"text", kMaxStepTextBytes, [](Step& s, std::string v) { s.text = std::move(v); }},
  };
  for (const Part& part : parts) {
    SCOPED_TRACE(part.name);
    std::vector<Step> steps = {Send("a"), Delay("d", 1), Send("b")};
    part.set(steps[2], std::string(part.max, 'x'));
    EXPECT_EQ(CodeOf(ValidateSteps(steps)), "ok");
    part.set(steps[2], std::string(part.max + 1, 'x'));
    Status s = ValidateSteps(steps);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, "too_large");
    EXPECT_EQ(s.error().kind, ErrorKind::kTooLarge);
    EXPECT_EQ(s.error().details["index"], 2);
    EXPECT_EQ(s.error().details["field"], std::string("steps[2].") + part.name);
    EXPECT_EQ(s.error().details["maxBytes"], part.max);
    EXPECT_EQ(s.error().details["bytes"], part.max + 1);
  }
}

TEST(ValidateSteps, ApplyStepEditsChecksSizesToo) {
  std::vector<Step> incoming = {Send("a", "Hi", std::string(kMaxStepHtmlBytes + 1, 'x'))};
  Result<std::vector<Step>> edited = ApplyStepEdits({Send("a")}, incoming);
  ASSERT_FALSE(edited);
  EXPECT_EQ(edited.error().code, "too_large");
}

const Timestamp kAt = FromMillis(1'000'000);

TEST(NextSend, WalksTheExampleSkippingDelays) {
  auto steps = Example();
  EXPECT_EQ(NextSend(steps, std::nullopt)->id, "a");
  EXPECT_EQ(NextSend(steps, Id("a"))->id, "b");
  EXPECT_EQ(NextSend(steps, Id("b"))->id, "c");
  EXPECT_EQ(NextSend(steps, Id("c")), nullptr);
}

TEST(NextSend, UnknownLastStepCompletesRatherThanResend) {
  EXPECT_EQ(NextSend(Example(), Id("gone")), nullptr);
}

TEST(AdvanceAfterSend, WaitsForTheDelaysThatFollow) {
  auto steps = Example();
  AfterSend after = AdvanceAfterSend(steps, "a", kAt);
  EXPECT_TRUE(after.ran_is_known);
  EXPECT_FALSE(after.completed);
  EXPECT_EQ(after.next_run_at, kAt + Duration{259200000});
  EXPECT_EQ(AdvanceAfterSend(steps, "b", kAt).next_run_at, kAt + Duration{432000000});
  AfterSend last = AdvanceAfterSend(steps, "c", kAt);
  EXPECT_TRUE(last.completed);
  EXPECT_FALSE(last.next_run_at);
}

TEST(AdvanceAfterSend, ConsecutiveDelaysAddUp) {
  std::vector<Step> steps{Send("a"), Delay("d", 10), Delay("e", 20), Send("b")};
  EXPECT_EQ(AdvanceAfterSend(steps, "a", kAt).next_run_at, kAt + Duration{30});
}

TEST(AdvanceAfterSend, TrailingDelayWaitsThenCompletes) {
  std::vector<Step> steps{Send("a"), Delay("d", 10)};
  AfterSend after = AdvanceAfterSend(steps, "a", kAt);
  EXPECT_FALSE(after.completed);
  EXPECT_EQ(after.next_run_at, kAt + Duration{10});
  EXPECT_EQ(NextSend(steps, Id("a")), nullptr) << "when it falls due, it completes";
}

TEST(AdvanceAfterSend, BackToBackSendsRunInTurn) {
  std::vector<Step> steps{Send("a"), Send("b", "")};
  EXPECT_EQ(AdvanceAfterSend(steps, "a", kAt).next_run_at, kAt);
  EXPECT_EQ(NextSend(steps, Id("a"))->id, "b");
}

TEST(AdvanceAfterSend, ARemovedStepKeepsTheOldPlaceAndIsDueAtOnce) {
  AfterSend after = AdvanceAfterSend(Example(), "gone", kAt);
  EXPECT_FALSE(after.ran_is_known);
  EXPECT_FALSE(after.completed);
  EXPECT_EQ(after.next_run_at, kAt);
}

TEST(ApplyStepEdits, KeepsIdsAssignsNewOnesAndRefusesStrangers) {
  auto current = Example();
  std::vector<Step> incoming{Send("a", "New subject"), Delay("", 5), Send("", "", "<p>new</p>")};
  auto r = ApplyStepEdits(current, incoming);
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].id, "a");
  EXPECT_EQ((*r)[0].subject, "New subject");
  EXPECT_FALSE((*r)[1].id.empty());
  EXPECT_FALSE((*r)[2].id.empty());
  EXPECT_NE((*r)[1].id, (*r)[2].id);

  auto bad = ApplyStepEdits(current, {Send("zzz")});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "unknown_step_id");
  auto leading_delay = ApplyStepEdits(current, {Delay("d1", 5), Send("a")});
  ASSERT_FALSE(leading_delay);
  EXPECT_EQ(leading_delay.error().code, "sequence_must_start_with_email");
}

TEST(RemapRemovedSteps, MovesContactsToTheNearestEarlierSurvivor) {
  auto before = Example();                                   // a d1 b d2 c
  std::vector<Step> after{before[0], before[3], before[4]};  // a d2 c: d1 and b removed
  StepRemap remap = RemapRemovedSteps(before, after);
  ASSERT_EQ(remap.size(), 2u);
  EXPECT_EQ(remap[0], (std::pair<Id, std::optional<Id>>{"d1", Id("a")}));
  EXPECT_EQ(remap[1], (std::pair<Id, std::optional<Id>>{"b", Id("a")}));
  // A contact that had run b continues with the email that now follows a: c.
  EXPECT_EQ(NextSend(after, remap[1].second)->id, "c");
}

TEST(RemapRemovedSteps, RemovingTheFirstStepsContinuesAtTheNewStart) {
  auto before = Example();
  std::vector<Step> after{before[4]};  // only c
  StepRemap remap = RemapRemovedSteps(before, after);
  ASSERT_EQ(remap.size(), 4u);
  EXPECT_EQ(remap[0].second, std::nullopt);
  EXPECT_EQ(NextSend(after, remap[0].second)->id, "c");
}

TEST(RemapRemovedSteps, NothingRemovedNothingMoved) {
  auto before = Example();
  std::vector<Step> reordered{before[0], before[3], before[4], before[1], before[2]};
  EXPECT_TRUE(RemapRemovedSteps(before, reordered).empty());
}

TEST(CurrentStepId, NamesTheNextStepToRun) {
  auto steps = Example();
  EXPECT_EQ(CurrentStepId(steps, std::nullopt), Id("a"));
  EXPECT_EQ(CurrentStepId(steps, Id("d1")), Id("b"));
  EXPECT_EQ(CurrentStepId(steps, Id("a")), Id("b"));
  EXPECT_EQ(CurrentStepId(steps, Id("c")), std::nullopt);
}

}  // namespace
}  // namespace mailmark
