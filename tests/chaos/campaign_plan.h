// What a crash campaign does, drawn from one seed: how many contacts and steps, and the kill
// moments. Pure: the same seed gives the same plan, so a failing run can be replayed.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mailmark::testing {

struct CampaignConfig {
  std::size_t contacts = 1500;
  std::size_t send_steps = 2;  // send_email steps per contact
  std::size_t kills = 5;
  std::size_t import_chunk = 500;  // contacts per CSV import request
  std::uint64_t seed = 0;

  std::size_t steps() const { return contacts * send_steps; }
};

// Reads MAILMARK_CHAOS_{CONTACTS,SEND_STEPS,KILLS,CHUNK,SEED} from `env` over the defaults;
// without a seed one is drawn at random (and printed by the campaign, to replay it).
// A value that is not a whole number, or a zero count, is an error naming the variable.
struct ConfigOrError {
  CampaignConfig config;
  std::string error;  // empty when the config is usable
};
ConfigOrError ReadCampaignConfig(const std::map<std::string, std::string>& env,
                                 std::uint64_t random_seed);

// One kill: once the outbox holds `at_outbox` messages (counted from the last start when that
// is later), wait `delay_ms`, then SIGKILL. A kill whose position equals the previous one's
// lands right after the restart; position 0 lands right after the first start, during the
// first imports.
// With `while_starting`, the server is launched after the previous kill and killed `delay_ms`
// later, before it answers (opening the database, taking leases back, first claims).
struct KillPoint {
  std::size_t at_outbox = 0;
  int delay_ms = 0;
  bool while_starting = false;
};

// `kills` moments spread at random over the whole run (uniform positions in [0, steps), in
// order), about one in seven moved onto the one before it so that some kills hit a server
// that has only just started, half of those (never the first kill: the campaign's first start
// sets the run up) while it is still starting.
std::vector<KillPoint> PlanKills(std::uint64_t seed, std::size_t kills, std::size_t steps);

}  // namespace mailmark::testing
