#include "core/enrollment_rules.h"

#include <gtest/gtest.h>

namespace mailmark {
namespace {

using ES = EnrollmentStatus;
using SS = SequenceStatus;

std::string CodeOf(const Status& s) { return s ? "ok" : s.error().code; }

EnrollmentFacts Facts(SS seq, std::optional<ES> latest = std::nullopt,
                      std::optional<SuppressionReason> sup = std::nullopt, bool force = false) {
  EnrollmentFacts f;
  f.sequence_status = seq;
  f.latest_status = latest;
  f.latest_id = latest ? "enr_1" : "";
  f.suppressed = sup;
  f.force = force;
  return f;
}

TEST(DecideEnrollment, NewContactIsAcceptedInActiveAndPausedSequences) {
  EXPECT_EQ(CodeOf(DecideEnrollment(Facts(SS::kActive))), "ok");
  EXPECT_EQ(CodeOf(DecideEnrollment(Facts(SS::kPaused))), "ok");
}

TEST(DecideEnrollment, CompletedSequenceRefusesEveryone) {
  EXPECT_EQ(CodeOf(DecideEnrollment(Facts(SS::kCompleted))), "sequence_completed");
  EXPECT_EQ(CodeOf(DecideEnrollment(Facts(SS::kCompleted, std::nullopt, std::nullopt, true))),
            "sequence_completed");
}

TEST(DecideEnrollment, ActiveContactIsAConflictNamingTheEnrollment) {
  Status s = DecideEnrollment(Facts(SS::kActive, ES::kActive));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "already_enrolled");
  EXPECT_EQ(s.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(s.error().details["enrollmentId"], "enr_1");
  // force never allows a second active enrollment
  EXPECT_EQ(CodeOf(DecideEnrollment(Facts(SS::kActive, ES::kActive, std::nullopt, true))),
            "already_enrolled");
}

TEST(DecideEnrollment, CompletedOrCancelledContactsMayComeBack) {
  EXPECT_EQ(CodeOf(DecideEnrollment(Facts(SS::kActive, ES::kCompleted))), "ok");
  EXPECT_EQ(CodeOf(DecideEnrollment(Facts(SS::kActive, ES::kCancelled))), "ok");
}

TEST(DecideEnrollment, RepliedAndBouncedNeedForce) {
  EXPECT_EQ(CodeOf(DecideEnrollment(Facts(SS::kActive, ES::kReplied))), "contact_replied");
  EXPECT_EQ(CodeOf(DecideEnrollment(Facts(SS::kActive, ES::kBounced))), "contact_bounced");
  EXPECT_EQ(CodeOf(DecideEnrollment(Facts(SS::kActive, ES::kReplied, std::nullopt, true))), "ok");
  EXPECT_EQ(CodeOf(DecideEnrollment(Facts(SS::kActive, ES::kBounced, std::nullopt, true))), "ok");
}

TEST(DecideEnrollment, SuppressionRefusesAndOnlyBouncesYieldToForce) {
  EXPECT_EQ(CodeOf(DecideEnrollment(Facts(SS::kActive, std::nullopt, SuppressionReason::kBounced))),
            "contact_suppressed");
  EXPECT_EQ(
      CodeOf(DecideEnrollment(Facts(SS::kActive, std::nullopt, SuppressionReason::kBounced, true))),
      "ok");
  EXPECT_EQ(
      CodeOf(DecideEnrollment(Facts(SS::kActive, std::nullopt, SuppressionReason::kUnsubscribed))),
      "contact_suppressed");
  EXPECT_EQ(CodeOf(DecideEnrollment(
                Facts(SS::kActive, ES::kCompleted, SuppressionReason::kUnsubscribed, true))),
            "contact_suppressed");
}

TEST(CheckContactEmail, NormalisesOrExplains) {
  auto ok = CheckContactEmail("  Alice@ACME.com ");
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, "alice@acme.com");
  EXPECT_EQ(CheckContactEmail("").error().code, "missing_email");
  EXPECT_EQ(CheckContactEmail("nope").error().code, "invalid_email");
}

TEST(Transitions, OnlyActiveMovesAndOnlyToFinal) {
  const ES all[] = {ES::kActive, ES::kCompleted, ES::kReplied, ES::kCancelled, ES::kBounced};
  for (ES from : all) {
    for (ES to : all) {
      Status s = CheckTransition(from, to);
      bool expected = from == ES::kActive && to != ES::kActive;
      EXPECT_EQ(static_cast<bool>(s), expected) << ToString(from) << " -> " << ToString(to);
      if (!s) {
        EXPECT_EQ(s.error().kind, ErrorKind::kConflict);
      }
    }
  }
  EXPECT_FALSE(IsFinal(ES::kActive));
  EXPECT_TRUE(IsFinal(ES::kBounced));
}

TEST(SequenceActions, CompleteIsForever) {
  EXPECT_EQ(*ApplySequenceAction(SS::kActive, SequenceAction::kPause), SS::kPaused);
  EXPECT_EQ(*ApplySequenceAction(SS::kPaused, SequenceAction::kResume), SS::kActive);
  EXPECT_EQ(*ApplySequenceAction(SS::kPaused, SequenceAction::kPause), SS::kPaused);
  EXPECT_EQ(*ApplySequenceAction(SS::kActive, SequenceAction::kResume), SS::kActive);
  EXPECT_EQ(*ApplySequenceAction(SS::kActive, SequenceAction::kComplete), SS::kCompleted);
  EXPECT_EQ(*ApplySequenceAction(SS::kPaused, SequenceAction::kComplete), SS::kCompleted);
  for (auto a : {SequenceAction::kPause, SequenceAction::kResume, SequenceAction::kComplete}) {
    auto r = ApplySequenceAction(SS::kCompleted, a);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "sequence_completed");
    EXPECT_EQ(r.error().kind, ErrorKind::kConflict);
  }
  EXPECT_TRUE(CheckSequenceEditable(SS::kPaused));
  EXPECT_FALSE(CheckSequenceEditable(SS::kCompleted));
}

}  // namespace
}  // namespace mailmark
