// Secrets at rest: what the SQLite store seals with its key (mailbox passwords, the `secrets`
// table) and the check that a database is opened with the key it was sealed with.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/secret_box.h"
#include "store/sqlite/connection.h"

namespace mailmark::sqlite {

// The database cannot be opened with the key given (or without one): its secrets were sealed
// under another. Nothing was changed.
class SealingKeyRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Run once at open, after the migrations. With a key: checks it against the database's key
// check (a known text sealed under the key the database was first sealed with), then seals
// every password and secret still in clear, in one transaction, and scrubs their clear copies
// from the file. Without one: refuses a database that holds anything sealed. `key_source`
// (where the key came from, e.g. its file) and `db` name the two sides in the refusal.
void SealStoredSecrets(Connection& conn, const SecretBox* key, const std::string& key_source,
                       const std::filesystem::path& db);

// A `secrets` row's value as stored (sealed under `key`, or in clear without one) and back.
// Open throws SqliteError when a sealed value does not open.
std::string SealSecretValue(const std::string& value, const SecretBox* key);
std::string OpenSecretValue(const std::string& stored, const SecretBox* key);

}  // namespace mailmark::sqlite
