// The crash campaign (issue 11.10): a run of `contacts × send_steps` outbox steps, enrolled by
// CSV import while it runs, killed with SIGKILL at `kills` random moments and restarted each
// time on the same data folder. After every kill, with the server down, the outbox and the
// database are checked for what must hold at any moment (no Message-ID twice, no step twice to
// one contact, no message without its row, no sent row without its file); at the end, every
// step is in the outbox exactly once. Parameters from MAILMARK_CHAOS_* (campaign_plan.h); the
// seed is printed, and MAILMARK_CHAOS_SEED replays a run's kill moments.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>
#include <thread>

#include "chaos/campaign_checks.h"
#include "chaos/campaign_plan.h"
#include "chaos/enroller.h"
#include "chaos/outbox_census.h"
#include "chaos/store_census.h"
#include "harness/server_fixture.h"

namespace mailmark::testing {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// A run that makes no progress for this long has lost something (or the machine is stuck).
constexpr auto kStall = std::chrono::seconds(180);

std::map<std::string, std::string> CampaignEnv() {
  std::map<std::string, std::string> env;
  for (const char* name : {"MAILMARK_CHAOS_CONTACTS", "MAILMARK_CHAOS_SEND_STEPS",
                           "MAILMARK_CHAOS_KILLS", "MAILMARK_CHAOS_CHUNK", "MAILMARK_CHAOS_SEED"})
    if (const char* v = std::getenv(name)) env[name] = v;
  return env;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "  " + l + "\n";
  return out;
}

class CrashCampaign : public ServerFixture {};

TEST_F(CrashCampaign, EveryStepInTheOutboxExactlyOnceWhateverTheKills) {
  std::random_device rd;
  ConfigOrError read = ReadCampaignConfig(
      CampaignEnv(), (static_cast<std::uint64_t>(rd()) << 32) | static_cast<std::uint64_t>(rd()));
  ASSERT_TRUE(read.error.empty()) << read.error;
  const CampaignConfig cfg = read.config;
  std::cout << "chaos: seed " << cfg.seed << " (replay: MAILMARK_CHAOS_SEED=" << cfg.seed << "), "
            << cfg.contacts << " contacts x " << cfg.send_steps << " send steps = " << cfg.steps()
            << " steps, " << cfg.kills << " kills, imports of " << cfg.import_chunk << std::endl;
  RecordProperty("seed", std::to_string(cfg.seed));

  const std::string mailbox = CreateMailbox(token());
  json steps = json::array();
  for (std::size_t s = 1; s <= cfg.send_steps; ++s) {
    if (s > 1) steps.push_back(DelayStep(1));
    steps.push_back(SendStep("S" + std::to_string(s) + " {{n}}",
                             "<p>Step " + std::to_string(s) + " for {{n}}</p>"));
  }
  const json seq = CreateSequence(token(), mailbox, steps);
  ASSERT_TRUE(seq.contains("id")) << seq.dump();
  const fs::path maildir = server().data_dir() / "outbox" / mailbox;
  const fs::path db = server().data_dir() / "mailmark.db";

  OutboxCensus outbox(maildir);
  Enroller enroller(token(), seq["id"], cfg.contacts, cfg.import_chunk);
  const std::vector<KillPoint> plan = PlanKills(cfg.seed, cfg.kills, cfg.steps());

  // Waits until `done` holds; fails the test when nothing moves in the outbox for kStall.
  auto wait_for = [&](const std::function<bool()>& done, const std::string& what) {
    std::size_t last = outbox.CountNew();
    auto moved = Clock::now();
    while (!done()) {
      if (std::string f = enroller.Failure(); !f.empty()) {
        ADD_FAILURE() << f;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (std::size_t now = outbox.CountNew(); now != last) {
        last = now;
        moved = Clock::now();
      } else if (Clock::now() - moved > kStall) {
        ADD_FAILURE() << "stalled waiting for " << what << " with " << now << " of " << cfg.steps()
                      << " steps in the outbox";
        return false;
      }
    }
    return true;
  };
  // What must hold at any moment, checked while the server is down.
  auto check_invariants = [&](const std::string& when) {
    outbox.Refresh();
    std::vector<std::string> problems = OutboxProblems(outbox.files(), cfg, false);
    std::string error;
    std::optional<StoreCensus> store = ReadStoreCensus(db, cfg.send_steps, error);
    if (!store) {
      problems.push_back(error);
    } else {
      auto more = StoreProblems(*store, outbox.files(), cfg, false);
      problems.insert(problems.end(), more.begin(), more.end());
    }
    EXPECT_TRUE(problems.empty()) << when << ":\n" << Joined(problems);
    return problems.empty();
  };

  const auto began = Clock::now();
  auto started = began;
  std::map<std::string, std::size_t> phases;
  std::size_t kills_leaving_tmp = 0, max_tmp = 0, tmp_before = 0;
  Clock::duration checking{}, restarting{};
  enroller.SetPort(server().port());
  enroller.Begin();
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const KillPoint& k = plan[i];
    std::string phase;
    if (k.while_starting) {
      // The previous kill left the server down: launch it and kill it before it answers.
      server().Launch();
      std::this_thread::sleep_for(std::chrono::milliseconds(k.delay_ms));
      phase = "starting up";
    } else {
      ASSERT_TRUE(wait_for([&] { return outbox.CountNew() >= k.at_outbox; },
                           "kill " + std::to_string(i + 1)));
      std::this_thread::sleep_for(std::chrono::milliseconds(k.delay_ms));
    }
    const std::size_t at = outbox.CountNew();
    if (phase.empty())
      phase = Clock::now() - started < std::chrono::milliseconds(400) ? "just started"
              : enroller.InFlight()                                   ? "importing"
              : at >= cfg.steps()                                     ? "after the end"
              : at * 20 >= cfg.steps() * 19                           ? "last 5%"
                                                                      : "sending";
    enroller.SetPort(0);
    server().Kill();
    ++phases[phase];
    const std::size_t tmp = outbox.TmpFiles();
    max_tmp = std::max(max_tmp, tmp);
    const std::string when = "after kill " + std::to_string(i + 1) + " (" + phase + ", " +
                             std::to_string(at) + " in the outbox)";
    const auto check_began = Clock::now();
    ASSERT_TRUE(check_invariants(when)) << "seed " << cfg.seed;
    checking += Clock::now() - check_began;
    if (tmp > tmp_before) ++kills_leaving_tmp;
    tmp_before = tmp;
    std::cout << "chaos: kill " << i + 1 << "/" << plan.size() << " at " << at << " of "
              << cfg.steps() << " (" << phase << "), " << Seconds(Clock::now() - began) << " s"
              << std::endl;
    if (i + 1 < plan.size() && plan[i + 1].while_starting) continue;
    const auto restart_began = Clock::now();
    server().Start();
    started = Clock::now();
    restarting += started - restart_began;
    enroller.SetPort(server().port());
  }

  // The end: everything enrolled, every step in the outbox, every enrollment completed.
  ASSERT_TRUE(wait_for([&] { return enroller.Done() && outbox.CountNew() >= cfg.steps(); },
                       "the last steps"));
  ASSERT_TRUE(wait_for(
      [&] {
        return Sequence(token(), seq["id"])["counts"].value("completed", 0) ==
               static_cast<int>(cfg.contacts);
      },
      "every enrollment to complete"));
  const double run_seconds = Seconds(Clock::now() - began);
  HttpAnswer listed = server().Get("/api/mailboxes/" + mailbox + "/outbox?limit=1", token());
  server().Stop();  // a clean stop: nothing may be in flight or written after this

  outbox.Refresh();
  std::vector<std::string> problems = OutboxProblems(outbox.files(), cfg, true);
  std::string error;
  std::optional<StoreCensus> store = ReadStoreCensus(db, cfg.send_steps, error);
  ASSERT_TRUE(store) << error;
  auto more = StoreProblems(*store, outbox.files(), cfg, true);
  problems.insert(problems.end(), more.begin(), more.end());
  EXPECT_TRUE(problems.empty()) << "seed " << cfg.seed << ":\n" << Joined(problems);
  const std::size_t extra =
      outbox.files().size() > cfg.steps() ? outbox.files().size() - cfg.steps() : 0;
  // Half-written files of the kills stay in tmp/; the server's listing never counts them.
  const std::size_t tmp_left = outbox.TmpFiles();
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json["total"], cfg.steps()) << "tmp/ holds " << tmp_left;

  std::cout << "chaos: RESULT seed " << cfg.seed << ": " << cfg.steps() << " steps ("
            << cfg.contacts << " contacts x " << cfg.send_steps << "), " << plan.size()
            << " kills, " << plan.size() << " restarts (" << phases["starting up"]
            << " of them killed again while starting), " << run_seconds
            << " s (of which checks while down " << Seconds(checking)
            << " s, restarts until /api/health answered " << Seconds(restarting) << " s); "
            << outbox.files().size() << " messages, " << outbox.DuplicateIds().size()
            << " Message-IDs twice, " << extra << " extra sends, " << problems.size()
            << " problems; " << enroller.Requests() << " import requests, "
            << enroller.Interrupted() << " cut off by a kill; kills by phase:";
  for (const auto& [phase, n] : phases) std::cout << " " << phase << " " << n << ",";
  std::cout << " kills leaving a file in tmp/ " << kills_leaving_tmp << " (at most " << max_tmp
            << ", " << tmp_left << " left at the end)" << std::endl;
}

}  // namespace
}  // namespace mailmark::testing
