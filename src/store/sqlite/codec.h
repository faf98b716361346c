// How structured fields are stored as text (JSON columns) and how list cursors are spelled.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/secret_box.h"

namespace mailmark::sqlite {

// The key mailbox passwords are sealed and opened with while this thread runs one store call
// (none: they are written in clear). The row readers (rows.h) are shared by every query and
// see only a column's text, so the store sets the key around each of its calls rather than
// threading it through all of them.
class SealingScope {
 public:
  explicit SealingScope(const SecretBox* box);
  SealingScope(const SealingScope&) = delete;
  SealingScope& operator=(const SealingScope&) = delete;
  ~SealingScope();

 private:
  const SecretBox* previous_;
};

std::string StepsToJson(const std::vector<Step>& steps);
std::vector<Step> StepsFromJson(std::string_view json);  // throws on corrupt data

// The password is stored as "sealedPassword" under the SealingScope's key, or as "password" in
// clear without one (and by releases before sealing). Reading a sealed password throws unless
// the scope's key opens it.
std::optional<std::string> SmtpToJson(const std::optional<SmtpSettings>& smtp);
std::optional<SmtpSettings> SmtpFromJson(const std::optional<std::string>& json);
std::optional<std::string> ImapToJson(const std::optional<ImapSettings>& imap);
std::optional<ImapSettings> ImapFromJson(const std::optional<std::string>& json);
// For sealing a database written in clear: the stored settings with their clear "password"
// sealed under `box`, or nullopt when there is none to seal. Throws on corrupt JSON.
std::optional<std::string> SealStoredPassword(std::string_view json, const SecretBox& box);
// A stored settings' sealed password, if it has one.
std::optional<std::string> StoredSealedPassword(std::string_view json);

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
