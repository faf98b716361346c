// The user a new installation starts with.
#pragma once

#include <filesystem>
#include <optional>

#include "core/result.h"
#include "engine/clock.h"
#include "store/store.h"

namespace mailmark {

// The file beside the database that holds the first user's password and API token.
std::filesystem::path AdminPasswordPath(const std::filesystem::path& data_dir);

// On a database with no user: creates `admin` with a random password and an API token, and
// writes both to AdminPasswordPath (0600) before the user exists, so they are never lost and
// never printed. Returns that file's path, or nullopt when there were users already.
Result<std::optional<std::filesystem::path>> CreateFirstUser(Store& store, Clock& clock,
                                                             const std::filesystem::path& data_dir);

}  // namespace mailmark
