#include "api/routes.h"

namespace mailmark {

std::vector<Route> AllRoutes(ApiContext& ctx) {
  std::vector<Route> all;
  for (auto* table : {&MetaRoutes, &SessionRoutes, &MailboxRoutes, &OutboxRoutes, &SequenceRoutes,
                      &EnrollmentRoutes, &ImportRoutes, &UnsubscribeRoutes}) {
    for (Route& r : (*table)(ctx)) all.push_back(std::move(r));
  }
  return all;
}

void WakeScheduler(const ApiContext& ctx) {
  if (ctx.wake_scheduler) ctx.wake_scheduler();
}

}  // namespace mailmark
