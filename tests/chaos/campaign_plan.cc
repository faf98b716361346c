#include "chaos/campaign_plan.h"

#include <algorithm>
#include <charconv>
#include <random>

namespace mailmark::testing {
namespace {

bool ParseCount(const std::string& text, std::uint64_t& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

ConfigOrError ReadCampaignConfig(const std::map<std::string, std::string>& env,
                                 std::uint64_t random_seed) {
  ConfigOrError result;
  CampaignConfig& c = result.config;
  c.seed = random_seed;
  struct Field {
    const char* name;
    std::uint64_t* seed;
    std::size_t* count;
  };
  const Field fields[] = {{"MAILMARK_CHAOS_CONTACTS", nullptr, &c.contacts},
                          {"MAILMARK_CHAOS_SEND_STEPS", nullptr, &c.send_steps},
                          {"MAILMARK_CHAOS_KILLS", nullptr, &c.kills},
                          {"MAILMARK_CHAOS_CHUNK", nullptr, &c.import_chunk},
                          {"MAILMARK_CHAOS_SEED", &c.seed, nullptr}};
  for (const Field& f : fields) {
    auto it = env.find(f.name);
    if (it == env.end() || it->second.empty()) continue;
    std::uint64_t value = 0;
    // Zero kills is allowed (a plain run); zero contacts, steps or chunk is not a campaign.
    const bool zero_ok = f.seed != nullptr || f.count == &c.kills;
    if (!ParseCount(it->second, value) || (value == 0 && !zero_ok)) {
      result.error = std::string(f.name) + " must be a whole number" + (zero_ok ? "" : " above 0") +
                     ", not \"" + it->second + "\"";
      return result;
    }
    if (f.seed)
      *f.seed = value;
    else
      *f.count = static_cast<std::size_t>(value);
  }
  return result;
}

std::vector<KillPoint> PlanKills(std::uint64_t seed, std::size_t kills, std::size_t steps) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> position(0, steps == 0 ? 0 : steps - 1);
  std::uniform_int_distribution<int> delay(0, 250);
  std::bernoulli_distribution right_after_start(1.0 / 7);
  std::bernoulli_distribution coin(0.5);
  std::vector<KillPoint> plan(kills);
  for (KillPoint& k : plan) k.at_outbox = position(rng);
  std::sort(plan.begin(), plan.end(),
            [](const KillPoint& a, const KillPoint& b) { return a.at_outbox < b.at_outbox; });
  for (std::size_t i = 0; i < plan.size(); ++i) {
    if (right_after_start(rng)) {
      plan[i].at_outbox = i == 0 ? 0 : plan[i - 1].at_outbox;
      plan[i].while_starting = i > 0 && coin(rng);
    }
    plan[i].delay_ms = delay(rng);
  }
  return plan;
}

}  // namespace mailmark::testing
