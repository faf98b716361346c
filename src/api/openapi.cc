// GET /api/openapi.json (public, like /api/health: the document holds no data, and tools
// read it before they have a token), GET /api/health, and the document itself, written by
// hand so it says what each route means. server_test checks that it names every route.
#include "api/routes.h"

namespace mailmark {
namespace {

using nlohmann::json;

json Ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

json Body(const json& schema, const std::string& type = "application/json") {
  return {{"required", true}, {"content", {{type, {{"schema", schema}}}}}};
}

json Answer(const std::string& description, const json& schema = nullptr) {
  json a = {{"description", description}};
  if (!schema.is_null()) a["content"] = {{"application/json", {{"schema", schema}}}};
  return a;
}

json ErrorAnswer(const std::string& description) { return Answer(description, Ref("Error")); }

json IdParam(const std::string& name = "id") {
  return {{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}};
}

json QueryParam(const std::string& name, const json& schema, const std::string& description) {
  return {{"name", name},
          {"in", "query"},
          {"required", false},
          {"schema", schema},
          {"description", description}};
}

// One operation: the usual error answers are added for authenticated ones.
json Op(const std::string& summary, json responses, json params = json::array(),
        json body = nullptr, bool authenticated = true) {
  json op = {{"summary", summary}, {"responses", std::move(responses)}};
  if (!params.empty()) op["parameters"] = std::move(params);
  if (!body.is_null()) op["requestBody"] = std::move(body);
  if (authenticated) {
    op["responses"]["401"] = ErrorAnswer("No or bad credentials (unauthorized).");
  } else {
    op["security"] = json::array();
  }
  if (op.contains("requestBody")) {
    op["responses"]["400"] = ErrorAnswer(
        "Malformed: invalid_json, invalid_body, invalid_field (details.field), unknown_field.");
    op["responses"]["413"] = ErrorAnswer("payload_too_large.");
  }
  return op;
}

json Str() { return {{"type", "string"}}; }
json Int() { return {{"type", "integer"}, {"format", "int64"}}; }
json Time() { return {{"type", "string"}, {"format", "date-time"}}; }
json Nullable(json schema) {
  schema["nullable"] = true;
  return schema;
}
json Obj(json properties, json required = json::array()) {
  json o = {{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty()) o["required"] = std::move(required);
  return o;
}
json ArrayOf(json items) { return {{"type", "array"}, {"items", std::move(items)}}; }
json Enum(std::initializer_list<const char*> values) {
  json e = {{"type", "string"}, {"enum", json::array()}};
  for (const char* v : values) e["enum"].push_back(v);
  return e;
}

json Schemas() {
  json tls = Enum({"none", "starttls", "tls"});
  json s;
  s["Error"] =
      Obj({{"error", Obj({{"code", Str()}, {"message", Str()}, {"details", {{"type", "object"}}}},
                         {"code", "message"})}},
          {"error"});
  s["User"] = Obj({{"id", Str()}, {"name", Str()}, {"createdAt", Time()}});
  s["LoginInput"] = Obj({{"username", Str()}, {"password", Str()}}, {"username", "password"});
  s["TransportInput"] = Obj({{"type", Enum({"outbox", "smtp"})},
                             {"host", Str()},
                             {"port", {{"type", "integer"}, {"minimum", 1}, {"maximum", 65535}}},
                             {"tls", tls},
                             {"tlsVerify", {{"type", "boolean"}}},
                             {"username", Str()},
                             {"password", Str()},
                             {"bounceAddress", Str()}},
                            {"type"});
  s["Transport"] = Obj({{"type", Enum({"outbox", "smtp"})},
                        {"host", Str()},
                        {"port", {{"type", "integer"}}},
                        {"tls", tls},
                        {"tlsVerify", {{"type", "boolean"}}},
                        {"username", Str()},
                        {"bounceAddress", Str()},
                        {"hasPassword", {{"type", "boolean"}}}},
                       {"type"});
  s["ImapInput"] = Obj({{"host", Str()},
                        {"port", {{"type", "integer"}, {"minimum", 1}, {"maximum", 65535}}},
                        {"tls", tls},
                        {"username", Str()},
                        {"password", Str()},
                        {"folder", Str()}},
                       {"host", "port"});
  s["Imap"] = Obj({{"host", Str()},
                   {"port", {{"type", "integer"}}},
                   {"tls", tls},
                   {"username", Str()},
                   {"folder", Str()},
                   {"hasPassword", {{"type", "boolean"}}}});
  json zone = {{"type", "string"},
               {"description",
                "An IANA name (\"Europe/Berlin\") or a fixed offset \"UTC+05:30\" "
                "(up to ±14:00); invalid_timezone otherwise"}};
  s["SendGap"] = Obj({{"minMs", {{"type", "integer"}, {"minimum", 0}, {"maximum", 86400000}}},
                      {"maxMs", {{"type", "integer"}, {"minimum", 0}, {"maximum", 86400000}}}},
                     {"minMs", "maxMs"});
  s["SendGap"]["description"] =
      "A random pause between two emails of the mailbox, drawn from [minMs, maxMs]; "
      "minMs <= maxMs (invalid_send_gap). {0, 0}: none.";
  s["BounceProtection"] =
      Obj({{"maxPercent", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100}}},
           {"overLast", {{"type", "integer"}, {"minimum", 1}, {"maximum", 10000}}}},
          {"maxPercent", "overLast"});
  s["BounceProtection"]["description"] =
      "The mailbox pauses itself (pausedReason bounce_rate) when more than maxPercent % of its "
      "last overLast sends bounced (invalid_bounce_protection for values out of range).";
  s["MailboxInput"] = Obj({{"name", Str()},
                           {"fromName", Str()},
                           {"fromEmail", {{"type", "string"}, {"format", "email"}}},
                           {"transport", Ref("TransportInput")},
                           {"imap", Nullable(Ref("ImapInput"))},
                           {"dailyLimit", Nullable({{"type", "integer"}, {"minimum", 1}})},
                           {"timezone", zone},
                           {"sendGap", Nullable(Ref("SendGap"))},
                           {"bounceProtection", Nullable(Ref("BounceProtection"))}},
                          {"name", "fromEmail"});
  s["MailboxInput"]["description"] =
      "timezone defaults to UTC, sendGap to none, bounceProtection to 10 % over the last 50. "
      "The read-only fields of Mailbox may be sent back as read and are ignored.";
  s["MailboxPatch"] = s["MailboxInput"];
  s["MailboxPatch"].erase("required");
  s["MailboxPatch"]["description"] =
      "Given fields replace the stored ones; an omitted password keeps the stored one; "
      "imap: null and dailyLimit: null remove them, bounceProtection: null turns it off, "
      "sendGap: null is no gap. The read-only fields of Mailbox may be sent back as read and "
      "are ignored (pause and resume have their own routes).";
  // OpenAPI 3.0.3: a nullable enum lists null among its values.
  json paused_reason = Nullable(Enum({"manual", "bounce_rate"}));
  paused_reason["enum"].push_back(nullptr);
  s["Mailbox"] =
      Obj({{"id", Str()},
           {"name", Str()},
           {"fromName", Str()},
           {"fromEmail", Str()},
           {"transport", Ref("Transport")},
           {"imap", Nullable(Ref("Imap"))},
           {"imapStatus",
            Nullable(
                Obj({{"connected", {{"type", "boolean"}}}, {"lastError", Str()}, {"at", Time()}}))},
           {"dailyLimit", Nullable(Int())},
           {"timezone", Str()},
           {"sendGap", Ref("SendGap")},
           {"bounceProtection", Nullable(Ref("BounceProtection"))},
           {"status", Enum({"active", "paused"})},
           {"pausedReason", paused_reason},
           {"pausedAt", Nullable(Time())},
           {"bounceFigures", Nullable(Obj({{"bounced", Int()}, {"sends", Int()}}))},
           {"sentToday", Int()},
           {"limitResetsAt", Time()},
           {"recentSends", Int()},
           {"recentBounced", Int()},
           {"createdAt", Time()},
           {"updatedAt", Time()}});
  s["Mailbox"]["description"] =
      "Read-only: imapStatus, status, pausedReason, pausedAt, bounceFigures (bounced of the "
      "last sends when bounce protection paused it, else null), sentToday (emails handed to a "
      "transport on the mailbox's local day, retries too), limitResetsAt (the next local "
      "midnight), recentSends and recentBounced (bounce protection's window: sends since the "
      "last resume, at most overLast of them).";
  s["Step"] = Obj({{"id", Str()},
                   {"type", Enum({"send_email", "delay"})},
                   {"subject", Str()},
                   {"html", Str()},
                   {"text", Str()},
                   {"delayMs", {{"type", "integer"}, {"minimum", 1}, {"maximum", 315360000000}}}},
                  {"type"});
  s["Step"]["description"] =
      "send_email: subject, html, text?; delay: delayMs. In a PATCH a step with an id is that "
      "step edited in place, one without is new.";
  s["Schedule"] =
      Obj({{"timezone", zone},
           {"days",
            {{"type", "array"},
             {"items", Enum({"mon", "tue", "wed", "thu", "fri", "sat", "sun"})},
             {"minItems", 1},
             {"maxItems", 7},
             {"uniqueItems", true}}},
           {"from", {{"type", "string"}, {"pattern", "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"}}},
           {"to", {{"type", "string"}, {"pattern", "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"}}},
           {"useContactTimezone", {{"type", "boolean"}}}},
          {"days", "from", "to"});
  s["Schedule"]["description"] =
      "Sends go out only on these days from `from` (inclusive) to `to` (exclusive), local time "
      "in timezone (default UTC), or in the contact's own zone (merge field timezone) with "
      "useContactTimezone (default false). from must be before to. Otherwise invalid_schedule "
      "(details.field) or invalid_timezone.";
  json rotation = {{"type", "array"},
                   {"items", Str()},
                   {"maxItems", 50},
                   {"uniqueItems", true},
                   {"nullable", true},
                   {"description",
                    "Other mailboxes of yours that new enrollments are spread over, with the "
                    "sequence's own (which is not listed). null is []."}};
  s["SequenceInput"] = Obj({{"name", Str()},
                            {"steps", ArrayOf(Ref("Step"))},
                            {"schedule", Nullable(Ref("Schedule"))},
                            {"rotation", rotation}},
                           {"name", "steps"});
  s["SequencePatch"] = Obj({{"name", Str()},
                            {"steps", ArrayOf(Ref("Step"))},
                            {"schedule", Nullable(Ref("Schedule"))},
                            {"rotation", rotation}});
  s["SequencePatch"]["description"] =
      "Given fields replace the stored ones; schedule: null removes the window (any time).";
  s["Counts"] = Obj({{"active", Int()},
                     {"completed", Int()},
                     {"replied", Int()},
                     {"cancelled", Int()},
                     {"bounced", Int()}});
  s["Sequence"] = Obj({{"id", Str()},
                       {"mailboxId", Str()},
                       {"name", Str()},
                       {"status", Enum({"active", "paused", "completed"})},
                       {"steps", ArrayOf(Ref("Step"))},
                       {"schedule", Nullable(Ref("Schedule"))},
                       {"rotation", ArrayOf(Str())},
                       {"counts", Ref("Counts")},
                       {"createdAt", Time()},
                       {"updatedAt", Time()}});
  s["StepStats"] = Obj({{"stepId", Str()}, {"sent", Int()}, {"replied", Int()}, {"bounced", Int()}},
                       {"stepId", "sent", "replied", "bounced"});
  s["StepStats"]["description"] =
      "One send_email step's figures. sent: its messages in state sent. bounced: its messages "
      "refused for good (state failed), plus enrollments bounced by a delivery report, counted "
      "on their last sent step. replied: enrollments in status replied whose last sent step "
      "it is.";
  s["SequenceDetail"] = s["Sequence"];
  s["SequenceDetail"]["properties"]["stepStats"] = ArrayOf(Ref("StepStats"));
  s["SequenceDetail"]["description"] =
      "A single sequence's answer: stepStats has one entry per send_email step, in step order.";
  json merge = {{"type", "object"},
                {"additionalProperties",
                 {{"oneOf", json::array({Str(), {{"type", "number"}}, {{"type", "boolean"}}})}}}};
  s["EnrollmentInput"] =
      Obj({{"contactEmail", Str()}, {"mergeFields", merge}, {"force", {{"type", "boolean"}}}},
          {"contactEmail"});
  s["Message"] = Obj({{"id", Str()},
                      {"stepId", Str()},
                      {"messageId", Str()},
                      {"subject", Str()},
                      {"sentAt", Nullable(Time())},
                      {"status", Enum({"sending", "sent", "failed"})}});
  s["HistoryEntry"] = Obj({{"at", Time()}, {"status", Str()}, {"cause", Str()}});
  json enrollment =
      Obj({{"id", Str()},
           {"sequenceId", Str()},
           {"mailboxId", Str()},
           {"contactEmail", Str()},
           {"mergeFields", {{"type", "object"}, {"additionalProperties", Str()}}},
           {"status", Enum({"active", "completed", "replied", "cancelled", "bounced"})},
           {"statusReason", Str()},
           {"currentStepId", Nullable(Str())},
           {"nextRunAt", Nullable(Time())},
           {"pausedUntil", Nullable(Time())},
           {"sendTimezone", Nullable(Str())},
           {"createdAt", Time()},
           {"updatedAt", Time()}});
  enrollment["description"] =
      "mailboxId: the mailbox it sends every step from (rotation picks it at enrollment). "
      "nextRunAt: when its next step goes out, sending window, daily limit and gap included. "
      "sendTimezone: the zone its window is judged in (the contact's own with "
      "useContactTimezone and a valid merge field timezone, else the schedule's); null "
      "without a schedule.";
  s["Enrollment"] = enrollment;
  enrollment["properties"]["messages"] = ArrayOf(Ref("Message"));
  enrollment["properties"]["history"] = ArrayOf(Ref("HistoryEntry"));
  s["EnrollmentDetail"] = enrollment;
  s["BulkInput"] = Obj({{"contacts", ArrayOf(Ref("EnrollmentInput"))}}, {"contacts"});
  s["BulkInput"]["properties"]["contacts"]["maxItems"] = 10000;
  json item_error = Obj({{"contactEmail", Str()},
                         {"code", Str()},
                         {"message", Str()},
                         {"details", {{"type", "object"}}}});
  json indexed = item_error;
  indexed["properties"]["index"] = Int();
  json lined = item_error;
  lined["properties"]["line"] = Int();
  s["BulkResult"] =
      Obj({{"enrolled", Int()}, {"enrollments", ArrayOf(Str())}, {"errors", ArrayOf(indexed)}});
  s["ImportResult"] = Obj({{"enrolled", Int()},
                           {"errors", ArrayOf(lined)},
                           {"errorCount", Int()},
                           {"errorsTruncated", {{"type", "boolean"}}}});
  s["ImportResult"]["description"] =
      "errors holds the first 1000 row errors; errorCount is the total.";
  s["EnrollmentPage"] =
      Obj({{"enrollments", ArrayOf(Ref("Enrollment"))}, {"nextCursor", Nullable(Str())}});
  s["OutboxMessage"] = Obj({{"messageId", Str()},
                            {"to", Str()},
                            {"subject", Str()},
                            {"sentAt", Time()},
                            {"size", Int()}});
  s["OutboxMessageDetail"] =
      Obj({{"messageId", Str()},
           {"from", Str()},
           {"to", Str()},
           {"subject", Str()},
           {"date", Nullable(Time())},
           {"text", Nullable(Str())},
           {"html", Nullable(Str())},
           {"headers", ArrayOf(Obj({{"name", Str()}, {"value", Str()}}, {"name", "value"}))}});
  s["OutboxMessageDetail"]["description"] =
      "from/to: display text (\"Name <addr>\", joined with \", \"), names and subject "
      "decoded; text/html: the first non-attachment text/plain and text/html parts in UTF-8, "
      "null when absent; headers: the message's header block in order, unfolded and decoded.";
  s["OutboxPage"] = Obj({{"messages", ArrayOf(Ref("OutboxMessage"))}, {"total", Int()}});
  return s;
}

json Paths() {
  json p;
  json id = json::array({IdParam()});
  json not_found_mailbox = ErrorAnswer("mailbox_not_found (missing, or not yours).");
  json not_found_sequence = ErrorAnswer("sequence_not_found (missing, or not yours).");
  json not_found_enrollment = ErrorAnswer("enrollment_not_found (missing, or not yours).");
  json invalid = ErrorAnswer("Well-formed but invalid (e.g. missing_field, invalid_email).");

  p["/api/health"]["get"] = Op("Liveness", {{"200", Answer("Up", Obj({{"status", Enum({"ok"})}}))}},
                               json::array(), nullptr, false);
  p["/api/openapi.json"]["get"] =
      Op("This document", {{"200", Answer("OpenAPI 3 document", {{"type", "object"}})}},
         json::array(), nullptr, false);

  p["/api/session"]["post"] =
      Op("Log in (web UI): sets the mm_session cookie (HttpOnly; SameSite=Strict; Path=/)",
         {{"200", Answer("The user", Ref("User"))},
          {"401", ErrorAnswer("invalid_credentials")},
          {"422", invalid}},
         json::array(), Body(Ref("LoginInput")), false);
  p["/api/session"]["get"] = Op("The logged-in user", {{"200", Answer("The user", Ref("User"))}});
  p["/api/session"]["delete"] = Op("Log out: ends the session and clears the cookie",
                                   {{"204", Answer("Logged out")}}, json::array(), nullptr, false);

  json invalid_mailbox = ErrorAnswer(
      "missing_field, invalid_email, invalid_port, invalid_tls, invalid_daily_limit, "
      "invalid_timezone, invalid_send_gap, invalid_bounce_protection (details.field)");
  p["/api/mailboxes"]["post"] =
      Op("Create a mailbox", {{"201", Answer("Created", Ref("Mailbox"))}, {"422", invalid_mailbox}},
         json::array(), Body(Ref("MailboxInput")));
  p["/api/mailboxes"]["get"] =
      Op("Your mailboxes",
         {{"200", Answer("Mailboxes", Obj({{"mailboxes", ArrayOf(Ref("Mailbox"))}}))}});
  p["/api/mailboxes/{id}"]["get"] =
      Op("One mailbox",
         {{"200", Answer("The mailbox", Ref("Mailbox"))}, {"404", not_found_mailbox}}, id);
  p["/api/mailboxes/{id}"]["patch"] = Op("Change a mailbox",
                                         {{"200", Answer("The mailbox", Ref("Mailbox"))},
                                          {"404", not_found_mailbox},
                                          {"422", invalid_mailbox}},
                                         id, Body(Ref("MailboxPatch")));
  p["/api/mailboxes/{id}/pause"]["post"] =
      Op("Pause a mailbox: nothing is sent from it (pausedReason manual); due steps wait",
         {{"200", Answer("The mailbox", Ref("Mailbox"))},
          {"404", not_found_mailbox},
          {"409", ErrorAnswer("mailbox_paused: it is already paused")}},
         id);
  p["/api/mailboxes/{id}/resume"]["post"] =
      Op("Resume a paused mailbox (whatever paused it): held steps go out now; bounce "
         "protection judges only sends from now on",
         {{"200", Answer("The mailbox", Ref("Mailbox"))},
          {"404", not_found_mailbox},
          {"409", ErrorAnswer("mailbox_not_paused: it is not paused")}},
         id);
  p["/api/mailboxes/{id}"]["delete"] =
      Op("Delete a mailbox with its sequences",
         {{"204", Answer("Deleted")},
          {"404", not_found_mailbox},
          {"409", ErrorAnswer("mailbox_in_use: a sequence has active enrollments")}},
         id);
  p["/api/mailboxes/{id}/sequences"]["get"] =
      Op("A mailbox's sequences",
         {{"200", Answer("Sequences", Obj({{"sequences", ArrayOf(Ref("Sequence"))}}))},
          {"404", not_found_mailbox}},
         id);
  p["/api/mailboxes/{id}/sequences"]["post"] =
      Op("Create a sequence",
         {{"201", Answer("Created", Ref("Sequence"))},
          {"404", not_found_mailbox},
          {"422", ErrorAnswer("steps_required, sequence_must_start_with_email, subject_required, "
                              "html_required, invalid_delay, invalid_step_type (details.index); "
                              "invalid_schedule (details.field), invalid_timezone; "
                              "invalid_rotation (details.mailboxId: more than 50, repeated, "
                              "the sequence's own mailbox, missing or not yours)")}},
         id, Body(Ref("SequenceInput")));
  p["/api/mailboxes/{id}/outbox"]["get"] =
      Op("Messages the outbox transport captured, newest first",
         {{"200", Answer("A page", Ref("OutboxPage"))},
          {"404", not_found_mailbox},
          {"422", ErrorAnswer("invalid_limit, invalid_offset")}},
         json::array({IdParam(),
                      QueryParam("limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}},
                                 "Default 50"),
                      QueryParam("offset", {{"type", "integer"}, {"minimum", 0}}, "Default 0")}));
  json raw = {{"description", "The message as written (RFC 5322), or with format=json as JSON"},
              {"content",
               {{"message/rfc822", {{"schema", Str()}}},
                {"application/json", {{"schema", Ref("OutboxMessageDetail")}}}}}};
  p["/api/mailboxes/{id}/outbox/{messageId}"]["get"] =
      Op("One captured message, raw or as JSON",
         {{"200", raw},
          {"400", ErrorAnswer("invalid_field (details.field format)")},
          {"404", ErrorAnswer("mailbox_not_found, message_not_found")},
          {"422", ErrorAnswer("unreadable_message (format=json)")}},
         json::array({IdParam(), IdParam("messageId"),
                      QueryParam("format", Enum({"raw", "json"}),
                                 "raw (default): message/rfc822; json: OutboxMessageDetail")}));

  json seq_answer = Answer("The sequence", Ref("SequenceDetail"));
  p["/api/sequences/{id}"]["get"] =
      Op("One sequence with its counts", {{"200", seq_answer}, {"404", not_found_sequence}}, id);
  p["/api/sequences/{id}"]["patch"] = Op(
      "Rename, replace the steps (ids keep steps; no id is new; left out is removed), the "
      "schedule or the rotation",
      {{"200", seq_answer},
       {"404", not_found_sequence},
       {"409", ErrorAnswer("sequence_completed; sequence_changed: saved by someone else "
                           "during this edit (reload and edit again)")},
       {"422", ErrorAnswer("unknown_step_id and the step, schedule and rotation rules of POST")}},
      id, Body(Ref("SequencePatch")));
  for (const char* action : {"pause", "resume", "complete"}) {
    p[std::string("/api/sequences/{id}/") + action]["post"] =
        Op(std::string("Sequence action: ") + action,
           {{"200", seq_answer},
            {"404", not_found_sequence},
            {"409", ErrorAnswer("sequence_completed: a completed sequence cannot change")}},
           id);
  }
  p["/api/sequences/{id}/enrollments"]["post"] =
      Op("Enroll one contact",
         {{"201", Answer("Enrolled", Ref("EnrollmentDetail"))},
          {"404", not_found_sequence},
          {"409", ErrorAnswer("already_enrolled (details.enrollmentId), contact_replied, "
                              "contact_bounced, contact_suppressed, sequence_completed")},
          {"422", ErrorAnswer("missing_field, invalid_email, invalid_merge_fields, "
                              "invalid_timezone (merge field timezone, when the schedule uses "
                              "contact zones)")}},
         id, Body(Ref("EnrollmentInput")));
  p["/api/sequences/{id}/enrollments"]["get"] =
      Op("A sequence's enrollments, oldest first",
         {{"200", Answer("A page", Ref("EnrollmentPage"))},
          {"400", ErrorAnswer("invalid_cursor, invalid_field (details.field email: over 320 "
                              "characters or not UTF-8)")},
          {"404", not_found_sequence},
          {"422", ErrorAnswer("invalid_status, invalid_limit")}},
         json::array(
             {IdParam(),
              QueryParam("status", Enum({"active", "completed", "replied", "cancelled", "bounced"}),
                         "Only this status"),
              QueryParam("email", {{"type", "string"}, {"maxLength", 320}},
                         "Only contacts whose address contains this text (literally, ignoring "
                         "ASCII case); empty: no filter"),
              QueryParam("limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}},
                         "Default 50"),
              QueryParam("cursor", Str(), "nextCursor of the previous page")}));
  p["/api/sequences/{id}/enrollments/bulk"]["post"] =
      Op("Enroll many contacts (JSON, at most 10,000); bad ones are reported by index with the "
         "single enrollment's codes",
         {{"200", Answer("What happened", Ref("BulkResult"))},
          {"404", not_found_sequence},
          {"409", ErrorAnswer("sequence_completed")},
          {"413", ErrorAnswer("too_many_contacts, payload_too_large")}},
         id, Body(Ref("BulkInput")));
  json csv_body = Body(Str(), "text/csv");
  csv_body["description"] =
      "Header row first: an email or contactEmail column; every other column is a merge field.";
  p["/api/sequences/{id}/enrollments/import"]["post"] =
      Op("Enroll contacts from a CSV upload (streamed, committed in batches); bad rows are "
         "reported by line",
         {{"200", Answer("What happened", Ref("ImportResult"))},
          {"400", ErrorAnswer("csv_bad_quote, csv_unterminated_quote "
                              "(details.line, details.enrolledBeforeError); a field, row or "
                              "field count over its limit is a row error (csv_field_too_large, "
                              "csv_row_too_large, csv_too_many_fields)")},
          {"404", not_found_sequence},
          {"409", ErrorAnswer("sequence_completed")},
          {"413", ErrorAnswer("payload_too_large (details.enrolledBeforeError), "
                              "too_many_merge_fields, csv_field_too_large (the header)")},
          {"415", ErrorAnswer("unsupported_media_type: send Content-Type: text/csv")},
          {"422", ErrorAnswer("csv_no_email_column, csv_duplicate_column, csv_empty_header, "
                              "csv_no_header")}},
         id, csv_body);
  json enrollment_answer = Answer("The enrollment", Ref("EnrollmentDetail"));
  p["/api/enrollments/{id}"]["get"] =
      Op("One enrollment with its messages and history",
         {{"200", enrollment_answer}, {"404", not_found_enrollment}}, id);
  p["/api/enrollments/{id}/cancel"]["post"] = Op("Cancel an enrollment",
                                                 {{"200", enrollment_answer},
                                                  {"404", not_found_enrollment},
                                                  {"409", ErrorAnswer("enrollment_final")}},
                                                 id);
  p["/api/enrollments/{id}/replied"]["post"] = Op("Mark an enrollment replied",
                                                  {{"200", enrollment_answer},
                                                   {"404", not_found_enrollment},
                                                   {"409", ErrorAnswer("enrollment_final")}},
                                                  id);

  // The unsubscribe link of every email: public, HTML for people (RFC 8058 one-click).
  auto html = [](const std::string& description) {
    return json{{"description", description}, {"content", {{"text/html", {{"schema", Str()}}}}}};
  };
  json token = json::array({IdParam("token")});
  token[0]["description"] = "The signed token from the email's List-Unsubscribe URL";
  p["/u/{token}"]["get"] =
      Op("Unsubscribe page: asks to confirm (a GET never unsubscribes; link scanners follow "
         "GETs), or says the address is already unsubscribed",
         {{"200", html("The page")}, {"404", html("This link is not valid (changes nothing)")}},
         token, nullptr, false);
  json one_click = {
      {"required", false},
      {"description",
       "List-Unsubscribe=One-Click, as RFC 8058 mail providers and the page's button send it; "
       "any body is accepted"},
      {"content",
       {{"application/x-www-form-urlencoded",
         {{"schema", Obj({{"List-Unsubscribe", Enum({"One-Click"})}})}}}}}};
  p["/u/{token}"]["post"] =
      Op("Unsubscribe (RFC 8058 one-click): cancels the enrollment (cause unsubscribed) and "
         "puts the address on the owner's suppression list; idempotent",
         {{"200", html("You are unsubscribed")},
          {"404", html("This link is not valid (changes nothing)")},
          {"500", html("Something went wrong (changes nothing)")}},
         token, one_click, false);
  p["/u/{token}"]["post"]["responses"].erase("400");  // the body is never parsed
  return p;
}

json BuildDocument() {
  return {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "Mailmark API"},
        {"version", "1"},
        {"description",
         "Email sequences. Errors are {\"error\":{\"code\",\"message\",\"details\"}}. "
         "Unknown routes answer 404 route_not_found, wrong methods 405 "
         "method_not_allowed. GET/HEAD of paths outside /api/ and /u/ serve the web UI."}}},
      {"security", json::array({{{"bearerAuth", json::array()}}, {{"cookieAuth", json::array()}}})},
      {"paths", Paths()},
      {"components",
       {{"schemas", Schemas()},
        {"securitySchemes",
         {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}}},
          {"cookieAuth", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "mm_session"}}}}}}}};
}

}  // namespace

const json& OpenApiDocument() {
  static const json doc = BuildDocument();
  return doc;
}

std::vector<Route> MetaRoutes(ApiContext&) {
  return {
      {"GET", "/api/health", Access::kPublic, BodyKind::kNone,
       [](Call&) -> Result<Reply> {
         return Reply::Json({{"status", "ok"}});
       }},
      {"GET", "/api/openapi.json", Access::kPublic, BodyKind::kNone,
       [](Call&) -> Result<Reply> { return Reply::Json(OpenApiDocument()); }},
  };
}

}  // namespace mailmark
