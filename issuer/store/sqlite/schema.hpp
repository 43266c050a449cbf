// The SQLite ledger's schema and migrations.
#pragma once

#include "store/sqlite/connection.hpp"

namespace licet::issuer::sqlite {

// The schema version this build writes and understands.
int latest_schema_version();
// PRAGMA user_version of the open ledger (0: no licet schema).
int schema_version(Connection& db);
// Brings a ledger up to latest_schema_version() in one transaction. A ledger written by a newer
// licet (a higher version) is refused with a clear message, never modified.
void migrate(Connection& db);

}  // namespace licet::issuer::sqlite
