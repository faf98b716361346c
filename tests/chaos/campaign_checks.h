// The campaign's verdicts over what the outbox and the database hold, as lists of problems
// (empty: all is well). Pure, so that their power to find a duplicate or a lost step is itself
// tested (campaign_checks_test.cc).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "chaos/campaign_plan.h"
#include "chaos/outbox_census.h"
#include "chaos/store_census.h"

namespace mailmark::testing {

// The subject campaign step `step` (1-based) gives contact `n`: "S<step> <n>".
std::string CampaignSubject(std::size_t step, std::size_t n);

// At any moment: no Message-ID in two files, no file that is not one of the campaign's
// messages, no contact with one step twice. With `complete`, also: every contact has every
// step, so the outbox holds exactly steps() messages.
std::vector<std::string> OutboxProblems(const std::map<std::string, OutboxFile>& files,
                                        const CampaignConfig& config, bool complete);

// At any moment: the store's own invariants (StoreCensus::broken), every message in the
// outbox has its row (recorded before any transport saw it) in state sending or sent, and
// every row in state sent has its file. With `complete`, also: every contact enrolled once,
// every enrollment completed, no message still in flight.
std::vector<std::string> StoreProblems(const StoreCensus& store,
                                       const std::map<std::string, OutboxFile>& files,
                                       const CampaignConfig& config, bool complete);

}  // namespace mailmark::testing
