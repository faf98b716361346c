// The schema, as an ordered list of migrations applied when a database is opened.
#pragma once

#include "store/sqlite/connection.h"

namespace mailmark::sqlite {

// The version a fully migrated database has.
int LatestSchemaVersion();

// Applies every migration newer than the database's `schema_version`, each in its own
// transaction, and returns the resulting version. Re-running it is a no-op. Throws
// SqliteError when the database is newer than this program (it would not understand it).
int Migrate(Connection& conn);
// Migrate, but no further than `version` (tests: a database as an older release left it).
int MigrateTo(Connection& conn, int version);

}  // namespace mailmark::sqlite
