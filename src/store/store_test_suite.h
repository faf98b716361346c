// The backend-independent Store test suite. A backend's test binary compiles the suite's
// sources (MM_STORE_SUITE_SOURCES) and instantiates it with a factory that returns a fresh,
// empty store on every call:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreTest, ::testing::Values(StoreFactory(MakeMine)));
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store/store.h"

namespace mailmark::testing {

using StoreFactory = std::function<std::unique_ptr<Store>()>;

class StoreTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override;

  Store& store() { return *store_; }

  // A fixed point in time (Nov 2023) plus `ms`: every test runs on explicit timestamps.
  static Timestamp At(std::int64_t ms);
  static constexpr std::int64_t kDay = 86'400'000;

  // send "s1" → delay "d1" (3 days) → send "s2" (empty subject: a reply in the thread).
  static std::vector<Step> ThreeSteps();

  Id NewUser(const std::string& name);
  Id NewMailbox(const Id& owner, const std::string& name = "Sales");
  Sequence NewSequence(const Id& mailbox, std::vector<Step> steps = ThreeSteps());
  // owner → mailbox → sequence in one call.
  Sequence NewOwnedSequence(const std::string& user_name = "alice");

  static std::string Email(std::string_view raw);  // normalised, as the API hands it over
  Enrollment EnrollOk(const Id& sequence_id, std::string_view email, Timestamp now,
                      bool force = false);
  Error EnrollError(const Id& sequence_id, std::string_view email, Timestamp now,
                    bool force = false);

  std::vector<ClaimedEnrollment> Claim(Timestamp now, std::string_view node,
                                       std::int64_t lease_ms = 60'000, std::size_t limit = 100);
  // Starts one send of `step` for a claimed enrollment; asserts it was allowed.
  Message BeginOk(std::string_view node, const Id& enrollment_id, const Id& step, Timestamp now,
                  std::optional<Id> existing = std::nullopt);
  // ---- sending limits (store_test_suite_limits.cc) ----
  // A mailbox of `owner` with these limits set through UpdateMailbox.
  Id MailboxWith(const Id& owner, std::optional<std::int64_t> limit, std::string zone = "UTC",
                 SendGap gap = {}, std::optional<BounceProtection> protection = std::nullopt);
  // c0@example.com … c<n-1>@example.com, one millisecond apart from `at`.
  std::vector<Enrollment> EnrollMany(const Id& sequence_id, int n, Timestamp at);
  // Claims at `at` and begins a send of step s1 for each claim; the ids whose send began.
  std::vector<Id> ClaimAndBegin(Timestamp at);
  // One new contact per entry, each claimed, begun and recorded at `at`: bounced (550 at
  // RCPT) where the entry is true, sent otherwise.
  void SendEach(const Id& sequence_id, const std::vector<bool>& bounce, Timestamp at);
  static StepOutcome OkOutcome(const Id& enrollment, const Message& m, const Id& ran);
  static StepOutcome RefusedOutcome(const Id& enrollment, const Message& m);

  // Every enrollment of the sequence, walking the list API.
  std::vector<Enrollment> All(const Id& sequence_id,
                              std::optional<EnrollmentStatus> status = std::nullopt,
                              std::size_t page = 100);

  std::unique_ptr<Store> store_;
};

}  // namespace mailmark::testing
