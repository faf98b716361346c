// How structured fields are stored as text (JSON columns) and how list cursors are spelled.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"

namespace mailmark::sqlite {

std::string StepsToJson(const std::vector<Step>& steps);
std::vector<Step> StepsFromJson(std::string_view json);  // throws on corrupt data

std::optional<std::string> SmtpToJson(const std::optional<SmtpSettings>& smtp);
std::optional<SmtpSettings> SmtpFromJson(const std::optional<std::string>& json);
std::optional<std::string> ImapToJson(const std::optional<ImapSettings>& imap);
std::optional<ImapSettings> ImapFromJson(const std::optional<std::string>& json);

std::optional<std::string> ScheduleToJson(const std::optional<SendSchedule>& schedule);
std::optional<SendSchedule> ScheduleFromJson(const std::optional<std::string>& json);
std::string IdsToJson(const std::vector<Id>& ids);
std::vector<Id> IdsFromJson(std::string_view json);

std::string MergeFieldsToJson(const MergeFields& fields);
MergeFields MergeFieldsFromJson(std::string_view json);

// A position in an enrollment listing: after the row (created_at, pk).
struct ListPosition {
  std::int64_t created_at = 0;
  std::int64_t pk = 0;
};
std::string EncodeCursor(const ListPosition& pos);
// nullopt for anything EncodeCursor did not make.
std::optional<ListPosition> DecodeCursor(std::string_view cursor);

}  // namespace mailmark::sqlite
