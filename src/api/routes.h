// The API's routes, one table per area. AllRoutes is what the server installs and what the
// OpenAPI test checks against the published document.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "api/router.h"
#include "api/server.h"

namespace mailmark {

std::vector<Route> SessionRoutes(ApiContext& ctx);      // routes_session.cc
std::vector<Route> MailboxRoutes(ApiContext& ctx);      // routes_mailboxes.cc
std::vector<Route> OutboxRoutes(ApiContext& ctx);       // routes_outbox.cc
std::vector<Route> SequenceRoutes(ApiContext& ctx);     // routes_sequences.cc
std::vector<Route> EnrollmentRoutes(ApiContext& ctx);   // routes_enrollments.cc
std::vector<Route> ImportRoutes(ApiContext& ctx);       // routes_import.cc
std::vector<Route> UnsubscribeRoutes(ApiContext& ctx);  // routes_unsubscribe.cc: public
std::vector<Route> MetaRoutes(ApiContext& ctx);         // openapi.cc: health, openapi.json

std::vector<Route> AllRoutes(ApiContext& ctx);

// GET /api/openapi.json's document.
const nlohmann::json& OpenApiDocument();

// Calls the scheduler's wake-up hook when there is one.
void WakeScheduler(const ApiContext& ctx);

}  // namespace mailmark
